/**
 * The single-shot queries of the logs panel as AWS's samples write them (percentiles, cold
 * starts, memory over a whole range) and the parsers of their rows. The panel itself now reads
 * composable per-bin figures (logs-bins.ts); these stay for the seed's documented queries,
 * one-off full scans and the parser tests.
 */
import type { DurationBin, LogsData } from "../api/contract.ts";
import { accountOfLog } from "./accounts-logs.ts";
import type { InsightsResult } from "./logs-insights.ts";
import { DURATION_QUERY, ERROR_QUERY } from "./logs-queries.ts";

export { DURATION_QUERY, ERROR_QUERY };

export const PERCENTILE_QUERY = `filter @type = "REPORT"
| stats pct(@duration, 50) as p50, pct(@duration, 90) as p90, pct(@duration, 99) as p99, count(*) as invocations`;

export const COLD_START_QUERY = `filter @type = "REPORT" and ispresent(@initDuration)
| stats count(*) as coldStarts, avg(@initDuration) as avgInitDuration, max(@initDuration) as maxInitDuration`;

/** AWS's sample query for over-provisioned memory (CloudWatch Logs Insights sample queries, Lambda). */
export const MEMORY_QUERY = `filter @type = "REPORT"
| stats max(@memorySize / 1000 / 1000) as provisonedMemoryMB, avg(@maxMemoryUsed / 1000 / 1000) as avgMemoryUsedMB, max(@maxMemoryUsed / 1000 / 1000) as maxMemoryUsedMB`;

const num = (value: string | undefined): number => (value === undefined || value === "" ? 0 : Number(value));

export function parseDurations(result: InsightsResult): DurationBin[] {
  return result.rows
    .map((r) => {
      const bin: DurationBin = {
        bin: toIso(r["bin(5m)"] ?? ""),
        avg: round(num(r.avg_duration)),
        min: round(num(r.min_duration)),
        max: round(num(r.max_duration)),
      };
      if (r.invocations !== undefined) bin.count = num(r.invocations);
      return bin;
    })
    .sort((a, b) => a.bin.localeCompare(b.bin));
}

/** Logs Insights prints timestamps as "2025-01-01 10:05:00.000" (UTC). */
export function toIso(value: string): string {
  if (!value) return value;
  const normal = value.includes("T") ? value : `${value.replace(" ", "T")}Z`;
  const time = Date.parse(normal);
  return Number.isNaN(time) ? value : new Date(time).toISOString();
}

export function parsePercentiles(result: InsightsResult): LogsData["percentiles"] {
  const r = result.rows[0];
  if (!r || num(r.invocations) === 0) return null;
  return {
    p50: round(num(r.p50)),
    p90: round(num(r.p90)),
    p99: round(num(r.p99)),
    count: num(r.invocations),
  };
}

export function parseColdStarts(result: InsightsResult): LogsData["coldStarts"] {
  const r = result.rows[0];
  if (!r) return { count: 0, avgInitMs: 0, maxInitMs: 0 };
  return {
    count: num(r.coldStarts),
    avgInitMs: round(num(r.avgInitDuration)),
    maxInitMs: round(num(r.maxInitDuration)),
  };
}

export function parseMemory(result: InsightsResult): LogsData["memory"] {
  const r = result.rows[0];
  if (!r || r.provisonedMemoryMB === undefined) return null;
  const size = num(r.provisonedMemoryMB);
  const maxUsed = num(r.maxMemoryUsedMB);
  return {
    memorySizeMb: round(size),
    maxUsedMb: round(maxUsed),
    avgUsedMb: round(num(r.avgMemoryUsedMB)),
    headroomPercent: size > 0 ? round(((size - maxUsed) / size) * 100) : 0,
  };
}

/** Lambda's runtime prints the request ID after the timestamp: "[ERROR]\t<time>\t<request id>\t...". */
const REQUEST_ID = /\t([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\t/;

/**
 * Error rows of either format: Text rows carry @requestId and @message; JSON rows the app line's
 * `requestId` / `message` (or a platform event's `record.requestId`, `record.status`, `record.errorType`).
 */
export function parseErrors(result: InsightsResult): LogsData["recentErrors"] {
  return result.rows.map((r) => ({
    ...(accountOfLog(r["@log"]) ? { accountId: accountOfLog(r["@log"]) } : {}),
    timestamp: toIso(r["@timestamp"] ?? ""),
    requestId:
      r["@requestId"] ??
      r.requestId ??
      r["record.requestId"] ??
      REQUEST_ID.exec(r["@message"] ?? "")?.[1] ??
      null,
    message: errorMessage(r).trim().slice(0, 2_000),
    logStream: r["@logStream"] ?? "",
  }));
}

function errorMessage(r: Record<string, string>): string {
  if (r["@message"] !== undefined) return r["@message"];
  if (r.message !== undefined) return r.errorType ? `${r.errorType}: ${r.message}` : r.message;
  const parts = [r.type, r["record.status"], r["record.errorType"]].filter((p) => p !== undefined);
  return parts.join(" ");
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
