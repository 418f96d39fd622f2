/**
 * Logs Insights read incrementally. Events older than the settling delay (late log delivery has
 * arrived) are final: closed 5-minute bins, and the settled start of the open bin up to the exact
 * settled watermark, are kept (cache/log-bins.ts) and never queried again. Each refresh runs, per
 * batch of log groups, one bins query over the newly settled events (from the last watermark to
 * the new one, split where the errors list last stopped reading), and one over the unsettled tail
 * (shown, not kept); each event is read about (refresh interval + settling delay) / refresh
 * interval times. The bins queries also count error events, so the errors query then reads only
 * the part not read before, and only when it holds errors; a part read while unsettled is read
 * again only when its settled count shows errors delivered late. A wider range reuses the bins
 * held and reads only what is missing.
 */
import type { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import type { LogFormat, LogsData } from "../api/contract.ts";
import type { LogBinStore } from "../cache/log-bins.ts";
import { groupKeyOf } from "./accounts-logs.ts";
import { addBins, BIN_MS, type BinStats, parseBins, sumBins } from "./logs-bins.ts";
import {
  countIn,
  type ErrorCounts,
  errorsPerBin,
  MAX_ERRORS,
  olderSpans,
  oldestShown,
  rowsIn,
  type SpanCount,
} from "./logs-errors.ts";
import type { InsightsOptions, InsightsResult, QueryQueue } from "./logs-insights.ts";
import { runInsightsQuery } from "./logs-insights.ts";
import { parseErrors } from "./logs-parse.ts";
import { boundedBinsQuery, boundedErrorQuery } from "./logs-queries.ts";

export { MAX_ERRORS };

/** AWS returns at most 10,000 rows per query. */
const MAX_ROWS = 10_000;
/**
 * Result rows per (bin, log group): REPORT, init report, and app lines let in by the errors filter
 * (an empty @type / `type`).
 */
const ROWS_PER_BIN = 3;
/** The errors fill's first step back from the watermark; older errors follow only where the bins count them. */
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

  /** Where the settled events end: the exact settled watermark, within the range's bins. */
  private watermark(input: BatchInput): number {
    const first = floorBin(input.start.getTime());
    return Math.max(first, Math.min(floorSecond(input.now - input.settleMs), input.end.getTime()));
  }

  private errorsKey(input: BatchInput): string {
    return `${input.region}|${input.format}|${[...input.groups].sort().join(",")}`;
  }

  private async readErrors(input: BatchInput, from: number, to: number) {
    const result = await this.run(input, boundedErrorQuery(input.format, from, to), from, to, MAX_ERRORS);
    return { rows: parseErrors(result), bytesScanned: result.statistics.bytesScanned ?? 0 };
  }

  /**
   * Round 1: the bins (and, on a first fill, the errors of the hour before the watermark and the
   * tail, at the same time). Round 2, from the bins' error counts: the errors of the part not read
   * before when it holds any, a part read while unsettled again when errors arrived there late,
   * and on a fill or a wider range the older spans that hold the errors the list still lacks.
   */
  async batch(input: BatchInput): Promise<BatchOutput> {
    const key = this.errorsKey(input);
    const start = input.start.getTime();
    const end = input.end.getTime();
    // Reads end at now: a range's end is aligned up to its period, and later events are still to come.
    const endX = Math.min(end, input.now) + 1;
    const wm = this.watermark(input);
    let held = await this.store.heldErrors(key);
    // A held window that ends before the range, starts after it or has read past its end (a range
    // in the past) does not describe it: the range is filled afresh.
    if (held && (held.until <= start || held.from > end || held.until > endX)) held = undefined;
    const fillFrom = held ? undefined : Math.max(start, floorBin(wm - ERRORS_FILL_STEP_MS));
    const [bins, filled] = await Promise.all([
      this.bins(input, held?.until),
      fillFrom === undefined || fillFrom >= endX ? undefined : this.readErrors(input, fillFrom, endX),
    ]);
    const counts: ErrorCounts = {
      spans: bins.spans,
      perBin: errorsPerBin(bins.bins.values()),
      settledFrom: bins.settledFrom,
    };
    let rows = held ? held.rows : newestFirst(filled?.rows ?? []);
    const from = held?.from ?? fillFrom ?? start;
    const reads: Array<[number, number]> = [];
    let seen = 0;
    if (held) {
      // The part read while unsettled that has settled since: read again only if its settled
      // count shows more errors than the reads saw, and only from where they can still be shown.
      const checkTo = Math.min(wm, held.until);
      if (held.settled < checkTo) {
        const settledCount = countIn(counts, held.settled, checkTo).count;
        const saw = held.until <= wm ? held.seen : rowsIn(held.rows, held.settled, checkTo);
        const again: [number, number] = [Math.max(held.settled, oldestShown(held.rows)), checkTo];
        if (settledCount > saw && again[0] < again[1]) reads.push(again);
      }
      // The part not read before, when the bins count errors there.
      const next: [number, number] = [Math.max(held.until, start), endX];
      if (next[0] < next[1] && countIn(counts, next[0], next[1]).count > 0) reads.push(next);
      // Error events of the new unsettled part: counted by the tail query before this round's
      // reads, so they saw at least as many; when part of it was read before, the rows held.
      const tail = bins.spans.at(-1);
      seen = held.until <= wm ? (tail?.errors ?? 0) : rowsIn(rows, wm, endX);
    } else {
      seen = rowsIn(filled?.rows ?? [], wm, endX);
    }
    const older = from > start && rows.length < MAX_ERRORS;
    if (older) reads.push(...olderSpans(counts.perBin, start, from, MAX_ERRORS - rows.length));
    const results = await Promise.all(reads.map(([a, b]) => this.readErrors(input, a, b)));
    rows = newestFirst([...rows, ...results.flatMap((r) => r.rows)]);
    this.store.keepErrors(key, {
      from: older ? start : from,
      until: endX,
      settled: Math.max(held?.settled ?? wm, wm),
      seen,
      rows,
    });
    const inRange = rows.filter((e) => {
      const t = errorTime(e);
      return Number.isNaN(t) || (t >= start && t <= end);
    });
    const errorBytes = (filled?.bytesScanned ?? 0) + results.reduce((n, r) => n + r.bytesScanned, 0);
    return {
      bins: bins.bins,
      binsReused: bins.binsReused,
      binsQueried: bins.binsQueried,
      errors: newestFirst(inRange),
      bytesScanned: bins.bytesScanned + errorBytes,
      queries: bins.queries + results.length + (filled ? 1 : 0),
    };
  }

  /** `splitAt`: where the errors list last stopped reading; the settled increment is split there. */
  private async bins(input: BatchInput, splitAt?: number) {
    const first = floorBin(input.start.getTime());
    const end = input.end.getTime();
    const watermark = this.watermark(input);
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
    const spanBins = Math.max(1, Math.floor(MAX_ROWS / (input.groups.length * ROWS_PER_BIN)) - 1);
    const spans: Array<[number, number]> = [];
    for (let a = settledFrom; a < watermark; ) {
      let b = Math.min(watermark, floorBin(a) + spanBins * BIN_MS);
      if (splitAt !== undefined && a < splitAt && splitAt < b) b = splitAt;
      spans.push([a, b]);
      a = b;
    }
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
    const errorsOf = (r: InsightsResult) => r.rows.reduce((n, row) => n + (Number(row.errors) || 0), 0);
    const spanCounts: SpanCount[] = [
      ...spans.map(([a, b], k) => ({ from: a, to: b, errors: errorsOf(settledResults[k]!) })),
      { from: watermark, to: Number.POSITIVE_INFINITY, errors: errorsOf(tailResult) },
    ];
    return {
      bins: out,
      spans: spanCounts,
      settledFrom,
      bytesScanned: results.reduce((n, r) => n + (r.statistics.bytesScanned ?? 0), 0),
      queries: results.length,
      binsReused: reused,
      binsQueried: Math.ceil((end - settledFrom) / BIN_MS) * input.groups.length,
    };
  }
}
