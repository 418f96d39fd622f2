/**
 * The text of Lambda log lines, in the formats the Lambda service and the Python runtime write
 * (https://docs.aws.amazon.com/lambda/latest/dg/python-logging.html,
 *  https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html):
 *   START RequestId: <id> Version: $LATEST
 *   [INFO]\t<ISO time>\t<id>\t<message>
 *   END RequestId: <id>
 *   REPORT RequestId: <id>\tDuration: 102.25 ms\tBilled Duration: 853 ms\tMemory Size: 512 MB\tMax Memory Used: 97 MB\tInit Duration: 750.00 ms\t
 *   XRAY TraceId: 1-<8 hex>-<24 hex>\tSegmentId: <16 hex>\tSampled: true\t   (functions with active tracing)
 * Billed Duration includes Init Duration since 2025-08-01 (AWS Compute Blog, INIT phase billing).
 * Current runtimes add `Status: timeout` or `Status: error\tError Type: Runtime.OutOfMemory` to
 * REPORT, and write `INIT_REPORT Init Duration: … ms\tPhase: init\tStatus: error\tError Type: …`
 * when an init fails. Every message ends with a newline, as Lambda's do.
 */

import type { Invocation } from "../../workload/model.ts";
import { hash32, hashString } from "../../workload/random.ts";

export function startLine(inv: Invocation): string {
  return `START RequestId: ${inv.requestId} Version: $LATEST\n`;
}

export function endLine(inv: Invocation): string {
  return `END RequestId: ${inv.requestId}\n`;
}

export function reportLine(inv: Invocation): string {
  const parts = [
    `REPORT RequestId: ${inv.requestId}`,
    `Duration: ${inv.durationMs.toFixed(2)} ms`,
    `Billed Duration: ${inv.billedMs} ms`,
    `Memory Size: ${inv.memorySizeMb} MB`,
    `Max Memory Used: ${inv.maxMemoryMb} MB`,
  ];
  if (inv.initMs !== undefined) parts.push(`Init Duration: ${inv.initMs.toFixed(2)} ms`);
  if (inv.status) parts.push(`Status: ${inv.status}`);
  if (inv.errorType) parts.push(`Error Type: ${inv.errorType}`);
  return `${parts.join("\t")}\t\n`;
}

/** The INIT_REPORT line of a failed first init (the init is then re-run in the invoke phase). */
export function initReportLine(inv: Invocation): string | undefined {
  if (!inv.initError || inv.initMs === undefined) return undefined;
  return `INIT_REPORT Init Duration: ${(inv.initMs * 0.8).toFixed(2)} ms\tPhase: init\tStatus: error\tError Type: ${inv.initError}\n`;
}

const hex = (n: number, width: number) => n.toString(16).padStart(8, "0").slice(0, width);

/** X-Ray trace header parts of an invocation (Root=1-<epoch seconds hex>-<24 hex>). */
export function traceOf(inv: Invocation): { traceId: string; segmentId: string } {
  const h = hashString(inv.requestId);
  const epoch = Math.floor(inv.start / 1000).toString(16);
  return {
    traceId: `1-${epoch}-${hex(hash32(h, 1), 8)}${hex(hash32(h, 2), 8)}${hex(hash32(h, 3), 8)}`,
    segmentId: `${hex(hash32(h, 4), 8)}${hex(hash32(h, 5), 8)}`,
  };
}

export function xrayLine(inv: Invocation): string {
  const { traceId, segmentId } = traceOf(inv);
  return `XRAY TraceId: ${traceId}\tSegmentId: ${segmentId}\tSampled: true\t\n`;
}

/** Lines the app writes around its work: the conversation it loaded and the answer it sent. */
export function conversationLine(inv: Invocation, time: number): string {
  const turns = 1 + (hashString(inv.requestId) % 12);
  return appLine(
    "INFO",
    time,
    inv.requestId,
    `Loaded conversation turns=${turns} from DynamoDB table twin-sessions`,
  );
}

export function responseLine(inv: Invocation, time: number): string {
  return appLine("INFO", time, inv.requestId, `Response 200 sent in ${Math.round(inv.durationMs)} ms`);
}

/** A Python `logging` line as the Lambda Python runtime formats it. */
export function appLine(
  level: "INFO" | "WARNING" | "ERROR",
  time: number,
  requestId: string,
  message: string,
): string {
  return `[${level}]\t${new Date(time).toISOString()}\t${requestId}\t${message}\n`;
}

/** The application's line after a Bedrock Converse call. */
export function bedrockLine(inv: Invocation, time: number): string | undefined {
  const call = inv.bedrock;
  if (!call) return undefined;
  if (call.status === "ok") {
    return appLine(
      "INFO",
      time,
      inv.requestId,
      `Bedrock Converse modelId=${call.modelId} inputTokens=${call.inputTokens} outputTokens=${call.outputTokens} latencyMs=${call.latencyMs}`,
    );
  }
  if (call.status === "throttled") return undefined;
  const code = call.status === "client_error" ? "ValidationException" : "InternalServerException";
  return appLine(
    "WARNING",
    time,
    inv.requestId,
    `Bedrock Converse modelId=${call.modelId} failed error=${code} latencyMs=${call.latencyMs}`,
  );
}

/** An unhandled Python exception as the runtime logs it: one event with the traceback. */
export function errorLine(inv: Invocation, time: number): string | undefined {
  const error = inv.error;
  if (!error) return undefined;
  const frames = error.stack.map((frame) => `  ${frame}`).join("\n");
  return `[ERROR]\t${new Date(time).toISOString()}\t${inv.requestId}\t${error.type}: ${error.message}\nTraceback (most recent call last):\n${frames}\n`;
}

export function requestLine(inv: Invocation, time: number, sessionHash: number): string {
  const session = sessionHash.toString(16).padStart(8, "0");
  return appLine(
    "INFO",
    time,
    inv.requestId,
    `POST /chat session_id=${session}-${inv.requestId.slice(9, 13)}`,
  );
}
