/** Export a run: JSON (the run detail plus every request) and CSV (one line per request). */
import type { BenchRunDetail } from "../api/contract.ts";
import { csvCell } from "../api/csv.ts";
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

/** RFC 4180 quoting, and text that a spreadsheet would run as a formula neutralised (see csvCell). */
function cell(value: RequestRow[keyof RequestRow]): string {
  return csvCell(value as string | number | boolean | null | undefined | readonly string[]);
}

export function exportCsv(requests: readonly RequestRow[]): string {
  const lines = [COLUMNS.join(",")];
  for (const r of requests) lines.push(COLUMNS.map((c) => cell(r[c])).join(","));
  return `${lines.join("\r\n")}\r\n`;
}
