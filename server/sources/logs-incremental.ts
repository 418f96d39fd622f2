/**
 * Logs Insights read incrementally. Closed 5-minute bins (ended more than the settling delay
 * ago, so late log delivery has arrived) are kept (cache/log-bins.ts) and never queried again;
 * each refresh runs one bins query per batch of log groups from the first bin it does not hold
 * to the end of the range (in steady state: the newly closed bins and the open tail) and one
 * errors query over the part of the range whose errors it does not hold. A wider range reuses
 * the bins held and reads only what is missing.
 */
import type { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import type { LogFormat, LogsData } from "../api/contract.ts";
import type { HeldBins, LogBinStore } from "../cache/log-bins.ts";
import { groupKeyOf } from "./accounts-logs.ts";
import { BIN_MS, type BinStats, parseBins } from "./logs-bins.ts";
import type { InsightsOptions, InsightsResult, QueryQueue } from "./logs-insights.ts";
import { runInsightsQuery } from "./logs-insights.ts";
import { parseErrors } from "./logs-parse.ts";
import { binsQuery, errorQuery } from "./logs-queries.ts";

export const MAX_ERRORS = 20;
/** AWS returns at most 10,000 rows per query. */
const MAX_ROWS = 10_000;
/** The errors fill's first step back from the watermark; each further step is twice as long. */
const ERRORS_FILL_STEP_MS = 3_600_000;

export interface BatchInput {
  client: CloudWatchLogsClient;
  region: string;
  format: LogFormat;
  groups: readonly string[];
  start: Date;
  end: Date;
  /** Epoch ms; bins ending before now - settleMs are closed. */
  now: number;
  settleMs: number;
}

export interface BatchOutput {
  /** Per log group: bins (start epoch ms) with events, closed and open, in [first bin of start, end). */
  bins: Map<string, Map<number, BinStats>>;
  errors: LogsData["recentErrors"];
  bytesScanned: number;
  queries: number;
  binsReused: number;
  binsQueried: number;
}

const floorBin = (t: number) => Math.floor(t / BIN_MS) * BIN_MS;
const errorTime = (e: LogsData["recentErrors"][number]) => Date.parse(e.timestamp);

function newestFirst(rows: LogsData["recentErrors"]): LogsData["recentErrors"] {
  const seen = new Set<string>();
  return [...rows]
    .sort((a, b) => b.timestamp.localeCompare(a.timestamp))
    .filter((e) => {
      const key = `${e.timestamp}|${e.logStream}|${e.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .slice(0, MAX_ERRORS);
}

export class IncrementalLogs {
  constructor(
    private readonly store: LogBinStore,
    private readonly queue: QueryQueue,
    private readonly options: InsightsOptions = {},
  ) {}

  private run(input: BatchInput, queryString: string, from: number, to: number, limit?: number) {
    return this.queue.run(() =>
      runInsightsQuery(
        input.client,
        {
          logGroups: input.groups,
          queryString,
          start: new Date(from),
          end: new Date(to),
          ...(limit ? { limit } : {}),
        },
        this.options,
      ),
    );
  }

  private groupKey(input: BatchInput, group: string): string {
    return `${input.region}|${input.format}|${group}`;
  }

  async batch(input: BatchInput): Promise<BatchOutput> {
    const [bins, errors] = await Promise.all([this.bins(input), this.errors(input)]);
    return {
      ...bins,
      errors: errors.rows,
      bytesScanned: bins.bytesScanned + errors.bytesScanned,
      queries: bins.queries + errors.queries,
    };
  }

  private async bins(input: BatchInput) {
    const first = floorBin(input.start.getTime());
    const end = input.end.getTime();
    const closedEnd = Math.max(first, Math.min(floorBin(input.now - input.settleMs), floorBin(end)));
    const held = new Map<string, HeldBins>(
      await Promise.all(
        input.groups.map(
          async (g): Promise<[string, HeldBins]> => [
            g,
            await this.store.held(this.groupKey(input, g), first, closedEnd),
          ],
        ),
      ),
    );
    let missing: number | undefined;
    for (let t = first; t < closedEnd && missing === undefined; t += BIN_MS)
      if (input.groups.some((g) => !held.get(g)!.has(t))) missing = t;
    const queryFrom = missing ?? closedEnd;
    // A result holds at most 10,000 rows: one per bin, group and event type (REPORT, INIT_REPORT).
    const spanBins = Math.max(1, Math.floor(MAX_ROWS / (input.groups.length * 2)));
    const spans: Array<[number, number]> = [];
    for (let a = queryFrom; a < end; a += spanBins * BIN_MS)
      spans.push([a, Math.min(end, a + spanBins * BIN_MS - 1)]);
    const results: InsightsResult[] = await Promise.all(
      spans.map(([a, b], k) =>
        this.run(input, binsQuery(input.format), a, k === spans.length - 1 ? end : b, MAX_ROWS),
      ),
    );
    const fresh = new Map<string, Map<number, BinStats>>();
    const groupOf = groupKeyOf(input.groups);
    for (const result of results)
      for (const [group, byBin] of parseBins(result, input.format, groupOf)) {
        const into = fresh.get(group) ?? new Map<number, BinStats>();
        for (const [t, stats] of byBin) into.set(t, stats);
        fresh.set(group, into);
      }
    const out = new Map<string, Map<number, BinStats>>();
    let reused = 0;
    for (const group of input.groups) {
      const rows = fresh.get(group) ?? new Map<number, BinStats>();
      const keep: Array<[number, BinStats | null]> = [];
      for (let t = queryFrom; t < closedEnd; t += BIN_MS) keep.push([t, rows.get(t) ?? null]);
      this.store.keep(this.groupKey(input, group), keep);
      const bins = new Map<number, BinStats>();
      const groupHeld = held.get(group)!;
      for (let t = first; t < queryFrom; t += BIN_MS) {
        const stats = groupHeld.get(t);
        reused++;
        if (stats) bins.set(t, stats);
      }
      for (const [t, stats] of rows) if (t >= queryFrom && t < end) bins.set(t, stats);
      out.set(group, bins);
    }
    return {
      bins: out,
      bytesScanned: results.reduce((n, r) => n + (r.statistics.bytesScanned ?? 0), 0),
      queries: results.length,
      binsReused: reused,
      binsQueried: results.length > 0 ? Math.ceil((end - queryFrom) / BIN_MS) * input.groups.length : 0,
    };
  }

  /**
   * The 20 most recent errors in the range: the held closed window, extended forward over the
   * tail at every refresh, and backward only while it holds fewer errors than the panel shows
   * (older errors cannot be among the 20 most recent once 20 newer ones are held). The fill reads
   * back from the watermark in growing steps, so at high traffic it reads minutes, not the range.
   */
  private async errors(input: BatchInput) {
    const key = `${input.region}|${input.format}|${[...input.groups].sort().join(",")}`;
    const start = input.start.getTime();
    const end = input.end.getTime();
    // Error rows need no bin: everything older than the settling delay is final.
    const closedEnd = Math.max(start, Math.min(Math.floor((input.now - input.settleMs) / 1000) * 1000, end));
    let held = await this.store.heldErrors(key);
    if (held && (held.until < start || held.from > closedEnd)) held = undefined;
    const next = held
      ? { ...held, rows: [...held.rows] }
      : { from: closedEnd, until: closedEnd, rows: [] as LogsData["recentErrors"] };
    const query = errorQuery(input.format);
    let bytesScanned = 0;
    let queries = 0;
    const read = async (from: number, to: number) => {
      const result = await this.run(input, query, from, to, MAX_ERRORS);
      bytesScanned += result.statistics.bytesScanned ?? 0;
      queries++;
      return parseErrors(result);
    };
    const rows: LogsData["recentErrors"] = [];
    if (next.until < end) {
      const found = await read(next.until, end);
      rows.push(...found);
      next.rows = newestFirst([...next.rows, ...found.filter((e) => errorTime(e) < closedEnd)]);
    }
    next.until = Math.max(next.until, closedEnd);
    for (let step = ERRORS_FILL_STEP_MS; next.from > start && next.rows.length < MAX_ERRORS; step *= 2) {
      const from = Math.max(start, next.from - step);
      next.rows = newestFirst([...next.rows, ...(await read(from, next.from - 1))]);
      next.from = from;
    }
    this.store.keepErrors(key, next);
    rows.push(...next.rows);
    const inRange = rows.filter((e) => {
      const t = errorTime(e);
      return Number.isNaN(t) || (t >= start && t <= end);
    });
    return { rows: newestFirst(inRange), bytesScanned, queries };
  }
}
