/**
 * The text of Lambda log lines, in the formats the Lambda service and the Python runtime write
 * (https://docs.aws.amazon.com/lambda/latest/dg/python-logging.html,
 *  https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html):
 *   START RequestId: <id> Version: $LATEST
 *   [INFO]\t<ISO time>\t<id>\t<message>
 *   END RequestId: <id>
 *   REPORT RequestId: <id>\tDuration: 102.25 ms\tBilled Duration: 103 ms\tMemory Size: 512 MB\tMax Memory Used: 97 MB\tInit Duration: 750.00 ms\t
 * Every message ends with a newline, as Lambda's do.
 */
import type { Invocation } from "../../workload/model.ts";

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
  return `${parts.join("\t")}\t\n`;
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
