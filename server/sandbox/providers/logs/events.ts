/**
 * Log events of the sandbox's Lambda log groups (`/aws/lambda/<function>`), generated on demand
 * from the workload model, so they agree with the AWS/Lambda metrics: one START, the app's lines
 * (the request, the Bedrock call with model ID, tokens and latency, errors with a traceback), END
 * and REPORT per invocation. START is at the invocation's start; END and REPORT at start + Init
 * Duration + Duration. Calls answered live by the sandbox's Bedrock do not go through Lambda, so
 * they write no Lambda lines.
 */
import type { Invocation, Workload } from "../../workload/model.ts";
import { invocationEnd } from "../../workload/model.ts";
import { hash32, hashString } from "../../workload/random.ts";
import { appLine, bedrockLine, endLine, errorLine, reportLine, requestLine, startLine } from "./lines.ts";
import { assignStreams } from "./streams.ts";

export interface LogEvent {
  logGroupName: string;
  logStreamName: string;
  /** Epoch ms. */
  timestamp: number;
  ingestionTime: number;
  message: string;
  /** Opaque, unique, stable ID (56 digits, like AWS's). */
  eventId: string;
  /** Fields Logs Insights discovers in Lambda platform lines. */
  fields: Record<string, string | number>;
}

/** The longest an invocation's lines span (init + duration); events up to this far back are looked for. */
const MAX_SPAN_MS = 2 * 60_000;
export const LAMBDA_PREFIX = "/aws/lambda/";

export function functionOfGroup(logGroupName: string): string | undefined {
  return logGroupName.startsWith(LAMBDA_PREFIX) ? logGroupName.slice(LAMBDA_PREFIX.length) : undefined;
}

/** When an invocation's END and REPORT lines are written: start + Init Duration + Duration (ms, rounded). */
export function reportTimestamp(inv: Invocation): number {
  return invocationEnd(inv);
}

/** Events of one invocation, in order. */
export function invocationEvents(logGroupName: string, stream: string, inv: Invocation): LogEvent[] {
  const init = inv.initMs ?? 0;
  const handlerStart = inv.start + init;
  const end = reportTimestamp(inv);
  const lines: Array<{ t: number; message: string; fields: Record<string, string | number> }> = [];
  lines.push({
    t: inv.start,
    message: startLine(inv),
    fields: { "@type": "START", "@requestId": inv.requestId },
  });
  // Logs Insights also finds the request ID in the runtime's tab-separated app lines.
  const app = { "@requestId": inv.requestId };
  const requestAt = Math.min(end, Math.round(handlerStart + 1));
  lines.push({ t: requestAt, message: requestLine(inv, requestAt, hashString(inv.requestId)), fields: app });
  if (inv.bedrock) {
    const t = Math.min(end, Math.round(inv.bedrock.time + init + inv.bedrock.latencyMs));
    const message = bedrockLine(inv, t);
    if (message) lines.push({ t, message, fields: app });
  }
  if (inv.error) {
    const t = Math.max(requestAt, end - 1);
    lines.push({
      t,
      message: errorLine(inv, t) ?? appLine("ERROR", t, inv.requestId, inv.error.type),
      fields: {},
    });
  }
  lines.push({ t: end, message: endLine(inv), fields: { "@type": "END", "@requestId": inv.requestId } });
  const report: Record<string, string | number> = {
    "@type": "REPORT",
    "@requestId": inv.requestId,
    "@duration": inv.durationMs,
    "@billedDuration": inv.billedMs,
    // Logs Insights reports memory in bytes (MB x 1,000,000), hence AWS's sample queries divide by 1000 twice.
    "@memorySize": inv.memorySizeMb * 1_000_000,
    "@maxMemoryUsed": inv.maxMemoryMb * 1_000_000,
  };
  if (inv.initMs !== undefined) report["@initDuration"] = inv.initMs;
  lines.push({ t: end, message: reportLine(inv), fields: report });
  const seed = hashString(inv.requestId);
  return lines.map((line, k) => ({
    logGroupName,
    logStreamName: stream,
    timestamp: line.t,
    ingestionTime: line.t + 150 + (hash32(seed, k, 0x1e9) % 700),
    message: line.message,
    eventId: eventId(line.t, seed, k),
    fields: line.fields,
  }));
}

function eventId(timestamp: number, seed: number, k: number): string {
  const tail = [1, 2, 3, 4].map((j) => String(hash32(seed, k, j)).padStart(10, "0")).join("");
  return `${String(timestamp).padStart(16, "0")}${tail}`;
}

/** Events of a Lambda log group with timestamps in [from, to) and not after now, in time order. */
export function groupEvents(workload: Workload, logGroupName: string, from: number, to: number): LogEvent[] {
  const fn = functionOfGroup(logGroupName);
  if (!fn) return [];
  const hi = Math.min(to, workload.now() + 1);
  if (hi <= from) return [];
  const out: LogEvent[] = [];
  for (const { inv, stream } of assignStreams(workload, fn, from - MAX_SPAN_MS, hi)) {
    for (const event of invocationEvents(logGroupName, stream, inv))
      if (event.timestamp >= from && event.timestamp < hi) out.push(event);
  }
  return out.sort((a, b) => a.timestamp - b.timestamp);
}

/** Events in [from, to), most recent chunk first and each chunk most recent first (Logs Insights' default order). */
export function* eventsNewestFirst(
  workload: Workload,
  logGroupName: string,
  from: number,
  to: number,
  chunkMs = 3_600_000,
): Generator<LogEvent> {
  const hi = Math.min(to, workload.now() + 1);
  for (let end = hi; end > from; end -= chunkMs) {
    const chunk = groupEvents(workload, logGroupName, Math.max(from, end - chunkMs), end);
    for (let k = chunk.length - 1; k >= 0; k--) yield chunk[k]!;
  }
}
