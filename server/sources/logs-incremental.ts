/**
 * Logs Insights read incrementally. Events older than the settling delay (late log delivery has
 * arrived) are final: closed 5-minute bins, and the settled start of the open bin up to the exact
 * settled watermark, are kept (cache/log-bins.ts) and never queried again. Each refresh runs, per
 * batch of log groups, one bins query over the newly settled events (from the last watermark to
 * the new one), one over the unsettled tail (shown, not kept), and one errors query over the
 * tail; in steady state each event is read about (refresh interval + settling delay) / refresh
 * interval times per query. A wider range reuses the bins held and reads only what is missing.
 */
import type { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import type { LogFormat, LogsData } from "../api/contract.ts";
import type { LogBinStore } from "../cache/log-bins.ts";
import { groupKeyOf } from "./accounts-logs.ts";
import { addBins, BIN_MS, type BinStats, parseBins, sumBins } from "./logs-bins.ts";
import type { InsightsOptions, InsightsResult, QueryQueue } from "./logs-insights.ts";
import { runInsightsQuery } from "./logs-insights.ts";
import { parseErrors } from "./logs-parse.ts";
import { boundedBinsQuery, errorQuery } from "./logs-queries.ts";

export const MAX_ERRORS = 20;
/** AWS returns at most 10,000 rows per query. */
const MAX_ROWS = 10_000;
/** The errors fill's first step back from the watermark; if it holds fewer than 20, the rest follows. */
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
const floorSecond = (t: number) => Math.floor(t / 1000) * 1000;

/** Rows of several bins queries, summed per log group and bin (their time bounds do not overlap). */
function rowsByGroup(results: readonly InsightsResult[], format: LogFormat, groups: readonly string[]) {
  const out = new Map<string, Map<number, BinStats>>();
  // Rows map back to their group by @log (`<account>:<group>` across accounts).
  const groupOf = groupKeyOf(groups);
  for (const result of results)
    for (const [group, byBin] of parseBins(result, format, groupOf)) {
      const into = out.get(group) ?? new Map<number, BinStats>();
      for (const [t, stats] of byBin) into.set(t, into.has(t) ? addBins(into.get(t)!, stats) : stats);
      out.set(group, into);
    }
  return out;
}
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
    // The exact settled watermark: events before it are final (late delivery has arrived).
    const watermark = Math.max(first, Math.min(floorSecond(input.now - input.settleMs), end));
    const closedEnd = floorBin(watermark);
    const keys = input.groups.map((g) => this.groupKey(input, g));
    const held = await Promise.all(keys.map((k) => this.store.held(k, first, closedEnd)));
    let startBin = closedEnd;
    for (let t = first; t < closedEnd; t += BIN_MS)
      if (held.some((h) => !h.has(t))) {
        startBin = t;
        break;
      }
    // The settled start of that bin, held from the last refresh when every group has it.
    const partials = await Promise.all(keys.map((k) => this.store.partial(k)));
    const until = partials[0]?.until ?? startBin;
    const usable =
      until > startBin &&
      until <= watermark &&
      partials.every((p) => p !== undefined && p.bin === startBin && p.until === until);
    const settledFrom = usable ? until : startBin;

    // The settled increment [settledFrom, watermark), in spans of at most 10,000 result rows, each
    // bounded to the millisecond; then the unsettled tail [watermark, end], shown but not kept.
    const spanBins = Math.max(1, Math.floor(MAX_ROWS / (input.groups.length * 2)) - 1);
    const spans: Array<[number, number]> = [];
    for (let a = settledFrom; a < watermark; a = Math.min(watermark, floorBin(a) + spanBins * BIN_MS))
      spans.push([a, Math.min(watermark, floorBin(a) + spanBins * BIN_MS)]);
    const [settledResults, tailResult] = await Promise.all([
      Promise.all(
        spans.map(([a, b]) => this.run(input, boundedBinsQuery(input.format, a, b), a, b, MAX_ROWS)),
      ),
      this.run(input, boundedBinsQuery(input.format, watermark), watermark, end, MAX_ROWS),
    ]);
    const settled = rowsByGroup(settledResults, input.format, input.groups);
    const tail = rowsByGroup([tailResult], input.format, input.groups);

    const out = new Map<string, Map<number, BinStats>>();
    let reused = 0;
    input.groups.forEach((group, i) => {
      const rows = settled.get(group);
      const base = usable ? (partials[i]?.stats ?? null) : null;
      const at = (t: number): BinStats | null => {
        const parts = [t === startBin ? base : null, rows?.get(t) ?? null].filter((b) => b !== null);
        return parts.length > 0 ? sumBins(parts) : null;
      };
      const keep: Array<[number, BinStats | null]> = [];
      for (let t = startBin; t < closedEnd; t += BIN_MS) keep.push([t, at(t)]);
      this.store.keep(keys[i]!, keep);
      const open = at(closedEnd);
      this.store.keepPartial(keys[i]!, { bin: closedEnd, until: watermark, stats: open });
      const bins = new Map<number, BinStats>();
      for (let t = first; t < startBin; t += BIN_MS) {
        const stats = held[i]!.get(t);
        reused++;
        if (stats) bins.set(t, stats);
      }
      for (const [t, stats] of keep) if (stats) bins.set(t, stats);
      if (open) bins.set(closedEnd, open);
      for (const [t, stats] of tail.get(group) ?? [])
        bins.set(t, bins.has(t) ? addBins(bins.get(t)!, stats) : stats);
      for (const t of bins.keys()) if (t >= end) bins.delete(t);
      out.set(group, bins);
    });
    const results = [...settledResults, tailResult];
    return {
      bins: out,
      bytesScanned: results.reduce((n, r) => n + (r.statistics.bytesScanned ?? 0), 0),
      queries: results.length,
      binsReused: reused,
      binsQueried: Math.ceil((end - settledFrom) / BIN_MS) * input.groups.length,
    };
  }

  /**
   * The 20 most recent errors in the range: the held closed window, extended forward over the
   * tail at every refresh, and backward only while it holds fewer errors than the panel shows
   * (older errors cannot be among the 20 most recent once 20 newer ones are held). The fill reads
   * the last hour before the watermark first (with the tail), and the rest of the range only when
   * that hour holds fewer than 20: at high traffic it reads an hour, not the range.
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
    // The tail, and on a first fill the first step back, run together (one round trip, not two).
    const back = !held && next.from > start ? Math.max(start, next.from - ERRORS_FILL_STEP_MS) : undefined;
    const [found, older] = await Promise.all([
      next.until < end ? read(next.until, end) : [],
      back === undefined ? [] : read(back, next.from - 1),
    ]);
    rows.push(...found);
    next.rows = newestFirst([...next.rows, ...older, ...found.filter((e) => errorTime(e) < closedEnd)]);
    if (back !== undefined) next.from = back;
    next.until = Math.max(next.until, closedEnd);
    // Still fewer than the panel shows: the rest of the range in one more round (not in doubling
    // steps: each step is a query's latency, seconds on AWS, and the first page load waits for it).
    if (next.from > start && next.rows.length < MAX_ERRORS) {
      next.rows = newestFirst([...next.rows, ...(await read(start, next.from - 1))]);
      next.from = start;
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
