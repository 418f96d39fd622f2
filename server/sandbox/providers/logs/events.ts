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
import { invocationLogEvents, isInvocationLogGroup } from "./invocation-log.ts";
import {
  appLine,
  bedrockLine,
  conversationLine,
  endLine,
  errorLine,
  initReportLine,
  reportLine,
  requestLine,
  responseLine,
  startLine,
  xrayLine,
} from "./lines.ts";
import {
  appEvent,
  flattenJson,
  initReportEvent,
  initStartEvent,
  type JsonObject,
  reportEvent,
  startEvent,
} from "./lines-json.ts";
import { assignStreams } from "./streams.ts";

export interface LogEvent {
  readonly logGroupName: string;
  readonly logStreamName: string;
  /** Epoch ms. */
  readonly timestamp: number;
  readonly ingestionTime: number;
  readonly message: string;
  /** Opaque, unique, stable ID (56 digits, like AWS's). */
  readonly eventId: string;
  /** Fields Logs Insights discovers in Lambda platform lines. */
  readonly fields: Record<string, string | number>;
}

/**
 * A generated event. Its ingestion time and ID are pure functions of the invocation's seed and
 * the line's index, computed when read: a Logs Insights scan reads millions of events and needs
 * neither, FilterLogEvents and GetLogEvents read both.
 */
class GeneratedEvent implements LogEvent {
  constructor(
    readonly logGroupName: string,
    readonly logStreamName: string,
    readonly timestamp: number,
    readonly message: string,
    readonly fields: Record<string, string | number>,
    private readonly seed: number,
    private readonly index: number,
  ) {}

  get ingestionTime(): number {
    return this.timestamp + 150 + (hash32(this.seed, this.index, 0x1e9) % 700);
  }

  get eventId(): string {
    return eventId(this.timestamp, this.seed, this.index);
  }
}

/** The longest an invocation's lines span (init + duration); events up to this far back are looked for. */
const MAX_SPAN_MS = 2 * 60_000;
/** The sandbox's account (as in function ARNs); the same as SANDBOX_ACCOUNT_ID. */
const SANDBOX_ACCOUNT = "123456789012";
export const LAMBDA_PREFIX = "/aws/lambda/";

export function functionOfGroup(logGroupName: string): string | undefined {
  return logGroupName.startsWith(LAMBDA_PREFIX) ? logGroupName.slice(LAMBDA_PREFIX.length) : undefined;
}

/** When an invocation's END and REPORT lines are written: start + Init Duration + Duration (ms, rounded). */
export function reportTimestamp(inv: Invocation): number {
  return invocationEnd(inv);
}

type Line = { t: number; message: string; fields: Record<string, string | number> };

/** Events of one invocation, in order, in the function's log format. */
export function invocationEvents(
  logGroupName: string,
  stream: string,
  inv: Invocation,
  workload?: Workload,
): LogEvent[] {
  const spec = workload?.spec(inv.fn);
  const lines =
    spec?.logFormat === "JSON" && workload
      ? jsonLines(inv, workload)
      : textLines(inv, spec?.tracing === "Active");
  const seed = hashString(inv.requestId);
  return lines.map(
    (line, k) => new GeneratedEvent(logGroupName, stream, line.t, line.message, line.fields, seed, k),
  );
}

/** When the app writes its lines: the request, the conversation, the Bedrock call, the error, the response. */
function appTimes(inv: Invocation) {
  const init = inv.initMs ?? 0;
  const handlerStart = inv.start + init;
  const end = reportTimestamp(inv);
  const requestAt = Math.min(end, Math.round(handlerStart + 1));
  return {
    end,
    requestAt,
    loadedAt: Math.min(end, requestAt + 12),
    bedrockAt: inv.bedrock ? Math.min(end, Math.round(inv.bedrock.time + init + inv.bedrock.latencyMs)) : end,
    errorAt: Math.max(requestAt, end - 1),
  };
}

function textLines(inv: Invocation, traced: boolean): Line[] {
  const at = appTimes(inv);
  const lines: Line[] = [];
  const initReport = initReportLine(inv);
  if (initReport) lines.push({ t: inv.start, message: initReport, fields: { "@type": "INIT_REPORT" } });
  lines.push({
    t: inv.start,
    message: startLine(inv),
    fields: { "@type": "START", "@requestId": inv.requestId },
  });
  // Logs Insights also finds the request ID in the runtime's tab-separated app lines.
  const app = { "@requestId": inv.requestId };
  lines.push({
    t: at.requestAt,
    message: requestLine(inv, at.requestAt, hashString(inv.requestId)),
    fields: app,
  });
  lines.push({ t: at.loadedAt, message: conversationLine(inv, at.loadedAt), fields: app });
  if (inv.bedrock) {
    const message = bedrockLine(inv, at.bedrockAt);
    if (message) lines.push({ t: at.bedrockAt, message, fields: app });
  }
  if (inv.error) {
    lines.push({
      t: at.errorAt,
      message: errorLine(inv, at.errorAt) ?? appLine("ERROR", at.errorAt, inv.requestId, inv.error.type),
      fields: {},
    });
  } else if (!inv.status) {
    lines.push({ t: at.errorAt, message: responseLine(inv, at.errorAt), fields: app });
  }
  lines.push({ t: at.end, message: endLine(inv), fields: { "@type": "END", "@requestId": inv.requestId } });
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
  lines.push({ t: at.end, message: reportLine(inv), fields: report });
  if (traced) lines.push({ t: at.end, message: xrayLine(inv), fields: {} });
  return lines;
}

function jsonLines(inv: Invocation, workload: Workload): Line[] {
  const spec = workload.spec(inv.fn);
  const traced = spec.tracing === "Active";
  const at = appTimes(inv);
  const arn = `arn:aws:lambda:${workload.region}:${SANDBOX_ACCOUNT}:function:${inv.fn}`;
  const objects: Array<{ t: number; value: JsonObject }> = [];
  if (inv.initMs !== undefined) {
    objects.push({ t: inv.start, value: initStartEvent(inv, workload.region, spec.runtime) });
    const failed = initReportEvent(inv, inv.start + Math.round(inv.initMs * 0.8));
    if (failed) objects.push({ t: inv.start + Math.round(inv.initMs * 0.8), value: failed });
  }
  const handlerStart = inv.start + Math.round(inv.initMs ?? 0);
  objects.push({ t: handlerStart, value: startEvent(inv, handlerStart, arn, traced) });
  const session = hashString(inv.requestId).toString(16).padStart(8, "0");
  const app = (t: number, level: "INFO" | "WARNING" | "ERROR", message: string, extra: JsonObject = {}) =>
    objects.push({ t, value: appEvent(level, t, inv.requestId, message, extra) });
  app(at.requestAt, "INFO", `POST /chat session_id=${session}-${inv.requestId.slice(9, 13)}`);
  app(
    at.loadedAt,
    "INFO",
    `Loaded conversation turns=${1 + (hashString(inv.requestId) % 12)} from DynamoDB table twin-sessions`,
  );
  const call = inv.bedrock;
  if (call && call.status === "ok")
    app(
      at.bedrockAt,
      "INFO",
      `Bedrock Converse modelId=${call.modelId} inputTokens=${call.inputTokens} outputTokens=${call.outputTokens} latencyMs=${call.latencyMs}`,
    );
  else if (call && call.status !== "throttled") {
    const code = call.status === "client_error" ? "ValidationException" : "InternalServerException";
    app(
      at.bedrockAt,
      "WARNING",
      `Bedrock Converse modelId=${call.modelId} failed error=${code} latencyMs=${call.latencyMs}`,
    );
  }
  if (inv.error)
    app(at.errorAt, "ERROR", `${inv.error.type}: ${inv.error.message}`, {
      errorType: inv.error.type,
      stackTrace: inv.error.stack.map((frame) => `  ${frame}\n`),
    });
  else if (!inv.status) app(at.errorAt, "INFO", `Response 200 sent in ${Math.round(inv.durationMs)} ms`);
  objects.push({ t: at.end, value: reportEvent(inv, at.end, traced) });
  return objects.map(({ t, value }) => ({ t, message: JSON.stringify(value), fields: flattenJson(value) }));
}

function eventId(timestamp: number, seed: number, k: number): string {
  let id = String(timestamp).padStart(16, "0");
  for (let j = 1; j <= 4; j++) id += String(hash32(seed, k, j)).padStart(10, "0");
  return id;
}

/** Events of a log group (a Lambda function's, or the model invocation log group) with timestamps in [from, to) and not after now, in time order. */
export function groupEvents(workload: Workload, logGroupName: string, from: number, to: number): LogEvent[] {
  if (isInvocationLogGroup(workload, logGroupName))
    return invocationLogEvents(workload, logGroupName, from, to);
  const fn = functionOfGroup(logGroupName);
  if (!fn) return [];
  const hi = Math.min(to, workload.now() + 1);
  if (hi <= from) return [];
  const out: LogEvent[] = [];
  for (const { inv, stream } of assignStreams(workload, fn, from - MAX_SPAN_MS, hi)) {
    for (const event of invocationEvents(logGroupName, stream, inv, workload))
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

/**
 * When Logs Insights can first see an event under the sandbox's late-delivery setting: a stable
 * share of the events (by event ID) `delayMs` after their timestamp, the others at their ingestion time.
 */
export function deliveredAt(event: LogEvent, late: { share: number; delayMs: number }): number {
  const delayed = hashString(event.eventId) % 1_000_000 < late.share * 1_000_000;
  return delayed ? event.timestamp + late.delayMs : event.ingestionTime;
}
