/**
 * The logs panel: the seed's Logs Insights duration query plus percentiles, cold starts,
 * memory headroom and the most recent errors, for the configured functions' log groups.
 * Queries go through one shared queue so the product stays under the concurrency limit.
 */

import type { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import type { DurationBin, LogsData } from "../api/contract.ts";
import type { AwsClients } from "../aws/clients.ts";
import { type Config, lambdaRegion, logGroupOf } from "../config.ts";
import { type InsightsOptions, type InsightsResult, QueryQueue, runInsightsQuery } from "./logs-insights.ts";
import { batches, type LogsPart, mergeLogs } from "./logs-merge.ts";
import type { TimeRange } from "./range.ts";

/** Seed 000, part 7: avg/min/max of @duration for REPORT lines by bin(5m). */
export const DURATION_QUERY = `fields @timestamp, @duration
| filter @type = "REPORT"
| stats avg(@duration) as avg_duration, min(@duration) as min_duration, max(@duration) as max_duration, count(*) as invocations by bin(5m)`;

export const PERCENTILE_QUERY = `filter @type = "REPORT"
| stats pct(@duration, 50) as p50, pct(@duration, 90) as p90, pct(@duration, 99) as p99, count(*) as invocations`;

export const COLD_START_QUERY = `filter @type = "REPORT" and ispresent(@initDuration)
| stats count(*) as coldStarts, avg(@initDuration) as avgInitDuration, max(@initDuration) as maxInitDuration`;

/** AWS's sample query for over-provisioned memory (CloudWatch Logs Insights sample queries, Lambda). */
export const MEMORY_QUERY = `filter @type = "REPORT"
| stats max(@memorySize / 1000 / 1000) as provisonedMemoryMB, avg(@maxMemoryUsed / 1000 / 1000) as avgMemoryUsedMB, max(@maxMemoryUsed / 1000 / 1000) as maxMemoryUsedMB`;

export const ERROR_QUERY = `fields @timestamp, @requestId, @message, @logStream
| filter @message like /(?i)(error|exception|task timed out)/
| sort @timestamp desc
| limit 20`;

export interface LogsFilter {
  functions?: readonly string[];
}

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

export function parseErrors(result: InsightsResult): LogsData["recentErrors"] {
  return result.rows.map((r) => ({
    timestamp: toIso(r["@timestamp"] ?? ""),
    requestId: r["@requestId"] ?? REQUEST_ID.exec(r["@message"] ?? "")?.[1] ?? null,
    message: (r["@message"] ?? "").trim().slice(0, 2_000),
    logStream: r["@logStream"] ?? "",
  }));
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

/**
 * Logs Insights queries run at once: the five queries of one logs refresh, far under the
 * account's limit of 30 concurrent queries (dashboards included).
 */
export const LOGS_QUERY_CONCURRENCY = 5;

export class LogsSource {
  constructor(
    private readonly clients: AwsClients,
    private readonly config: Config,
    private readonly queue = new QueryQueue(LOGS_QUERY_CONCURRENCY),
    private readonly options: InsightsOptions = {},
  ) {}

  logGroups(filter: LogsFilter = {}): string[] {
    const fns = this.config.lambda.functions.filter(
      (f) => !filter.functions?.length || filter.functions.includes(f.name),
    );
    return fns.map(logGroupOf);
  }

  async fetch(range: TimeRange, filter: LogsFilter = {}): Promise<LogsData> {
    const client = this.clients.logs({ region: lambdaRegion(this.config) });
    const parts = await Promise.all(
      batches(this.logGroups(filter)).map((groups) => this.fetchPart(client, groups, range)),
    );
    return {
      range: {
        start: range.start.toISOString(),
        end: range.end.toISOString(),
        preset: range.preset,
        periodSeconds: range.periodSeconds,
      },
      ...mergeLogs(parts),
    };
  }

  /** The five queries over at most 50 log groups (AWS's limit per query). */
  private async fetchPart(
    client: CloudWatchLogsClient,
    logGroups: string[],
    range: TimeRange,
  ): Promise<LogsPart> {
    const run = (queryString: string, limit?: number) =>
      this.queue.run(() =>
        runInsightsQuery(
          client,
          { logGroups, queryString, start: range.start, end: range.end, ...(limit ? { limit } : {}) },
          this.options,
        ),
      );
    const [durations, percentiles, cold, memory, errors] = await Promise.all([
      run(DURATION_QUERY, 10_000),
      run(PERCENTILE_QUERY),
      run(COLD_START_QUERY),
      run(MEMORY_QUERY),
      run(ERROR_QUERY, 20),
    ]);
    const all = [durations, percentiles, cold, memory, errors];
    return {
      durations: parseDurations(durations),
      percentiles: parsePercentiles(percentiles),
      coldStarts: parseColdStarts(cold),
      memory: parseMemory(memory),
      recentErrors: parseErrors(errors),
      bytesScanned: all.reduce((sum, r) => sum + (r.statistics.bytesScanned ?? 0), 0),
    };
  }
}
