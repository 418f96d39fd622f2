/** Export a run: JSON (the run detail plus every request) and CSV (one line per request). */
import type { BenchRunDetail } from "../api/contract.ts";
import type { RequestRow } from "./types.ts";

export interface RunExport {
  run: BenchRunDetail;
  requests: RequestRow[];
}

export function exportJson(run: BenchRunDetail, requests: readonly RequestRow[]): string {
  const value: RunExport = { run, requests: [...requests] };
  return JSON.stringify(value, null, 2);
}

const COLUMNS: Array<keyof RequestRow> = [
  "runId",
  "seq",
  "modelId",
  "promptId",
  "repetition",
  "warmup",
  "startedAt",
  "status",
  "errorCode",
  "midStream",
  "firstEventMs",
  "ttftMs",
  "endToEndMs",
  "interTokenMs",
  "serverLatencyMs",
  "inputTokens",
  "outputTokens",
  "stopReason",
  "qualityPass",
  "qualityFailures",
  "costUsd",
  "requestId",
  "errorMessage",
];

/** RFC 4180 quoting: fields with a comma, quote or newline are quoted, quotes doubled. */
function cell(value: RequestRow[keyof RequestRow]): string {
  if (value === null || value === undefined) return "";
  const text = Array.isArray(value) ? value.join("; ") : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function exportCsv(requests: readonly RequestRow[]): string {
  const lines = [COLUMNS.join(",")];
  for (const r of requests) lines.push(COLUMNS.map((c) => cell(r[c])).join(","));
  return `${lines.join("\r\n")}\r\n`;
}
