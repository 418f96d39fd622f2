/**
 * The events of a JSON-format Lambda function (LoggingConfig.LogFormat = JSON), as the Lambda
 * developer guide's log-format page and public captures show them (one JSON object per event):
 *   {"time":"…","type":"platform.initStart","record":{"initializationType":"on-demand","phase":"init",…}}
 *   {"time":"…","type":"platform.start","record":{"requestId":"…","functionArn":"…","version":"$LATEST"}}
 *   {"timestamp":"…","level":"INFO","requestId":"…","message":"…"}            (the app's lines)
 *   {"time":"…","type":"platform.report","record":{"requestId":"…","metrics":{"durationMs":1233.96,
 *     "billedDurationMs":1698,"memorySizeMB":256,"maxMemoryUsedMB":123,"initDurationMs":463.512},"status":"success"}}
 * No START/END/REPORT text lines. A failed init adds platform.initReport with status "error".
 * Each builder returns the object; the message is its JSON text.
 */
import type { Invocation } from "../../workload/model.ts";
import { traceOf } from "./lines.ts";

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };
export type JsonObject = { [k: string]: JsonValue };

const iso = (t: number) => new Date(t).toISOString();

export function initStartEvent(inv: Invocation, region: string, runtime: string): JsonObject {
  return {
    time: iso(inv.start),
    type: "platform.initStart",
    record: {
      initializationType: "on-demand",
      phase: "init",
      runtimeVersion: `${runtime}.v41`,
      runtimeVersionArn: `arn:aws:lambda:${region}::runtime:${inv.requestId.replaceAll("-", "")}`,
      functionName: inv.fn,
      functionVersion: "$LATEST",
    },
  };
}

export function initReportEvent(inv: Invocation, time: number): JsonObject | undefined {
  if (!inv.initError || inv.initMs === undefined) return undefined;
  return {
    time: iso(time),
    type: "platform.initReport",
    record: {
      initializationType: "on-demand",
      phase: "init",
      status: "error",
      errorType: inv.initError,
      metrics: { durationMs: Math.round(inv.initMs * 80) / 100 },
    },
  };
}

export function startEvent(inv: Invocation, time: number, arn: string, traced: boolean): JsonObject {
  const record: JsonObject = { requestId: inv.requestId, functionArn: arn, version: "$LATEST" };
  if (traced) record.tracing = tracing(inv);
  return { time: iso(time), type: "platform.start", record };
}

function tracing(inv: Invocation): JsonObject {
  const { traceId, segmentId } = traceOf(inv);
  return {
    spanId: segmentId,
    type: "X-Amzn-Trace-Id",
    value: `Root=${traceId};Parent=${segmentId};Sampled=1`,
  };
}

export function reportEvent(inv: Invocation, time: number, traced: boolean): JsonObject {
  const metrics: JsonObject = {
    durationMs: inv.durationMs,
    billedDurationMs: inv.billedMs,
    memorySizeMB: inv.memorySizeMb,
    maxMemoryUsedMB: inv.maxMemoryMb,
  };
  if (inv.initMs !== undefined) metrics.initDurationMs = inv.initMs;
  const record: JsonObject = { requestId: inv.requestId, metrics };
  if (traced) record.tracing = tracing(inv);
  record.status = inv.status ?? "success";
  if (inv.errorType) record.errorType = inv.errorType;
  return { time: iso(time), type: "platform.report", record };
}

/** An application line as the Python runtime's JSON logging writes it. */
export function appEvent(
  level: "INFO" | "WARNING" | "ERROR",
  time: number,
  requestId: string,
  message: string,
  extra: JsonObject = {},
): JsonObject {
  return { timestamp: iso(time), level, requestId, message, ...extra };
}

/**
 * The fields Logs Insights discovers in a JSON event: every key, nested keys joined with dots
 * (`record.metrics.durationMs`), array items by index (`stackTrace.0`).
 */
export function flattenJson(value: JsonObject, prefix = "", into: Record<string, string | number> = {}) {
  for (const [key, v] of Object.entries(value)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (v === null) continue;
    flattenItem(v, name, into);
  }
  return into;
}

function flattenItem(v: JsonValue, name: string, into: Record<string, string | number>): void {
  if (v === null) return;
  if (Array.isArray(v)) {
    for (const [k, item] of v.entries()) flattenItem(item, `${name}.${k}`, into);
  } else if (typeof v === "object") flattenJson(v, name, into);
  else into[name] = typeof v === "boolean" ? String(v) : v;
}
