/**
 * What the recent-errors list has to read, from the error counts of the bins scan (logs-bins.ts):
 * how many error events an interval holds (exactly, when the bins queries' own bounds tile it),
 * and on a fill or a wider range, which older spans hold the errors the list still lacks.
 */
import type { LogsData } from "../api/contract.ts";
import { BIN_MS, type BinStats } from "./logs-bins.ts";

export const MAX_ERRORS = 20;
/** The fill's second round reads the spans of bins with errors in at most this many queries. */
export const MAX_SPAN_QUERIES = 3;

/** A bins query's bounds [from, to) (epoch ms; the tail's `to` is Infinity) and the error events it counted. */
export interface SpanCount {
  from: number;
  to: number;
  errors: number;
}

export interface ErrorCounts {
  /** The bins queries of this refresh, contiguous from `settledFrom`. */
  spans: readonly SpanCount[];
  /** Error events per 5-minute bin (all log groups of the batch), over the whole range. */
  perBin: ReadonlyMap<number, number>;
  settledFrom: number;
}

const floorBin = (t: number) => Math.floor(t / BIN_MS) * BIN_MS;

export function errorsPerBin(groups: Iterable<ReadonlyMap<number, BinStats>>): Map<number, number> {
  const out = new Map<number, number>();
  for (const bins of groups)
    for (const [t, b] of bins) if (b.errors > 0) out.set(t, (out.get(t) ?? 0) + b.errors);
  return out;
}

/**
 * Error events in [a, b): exact when the bins queries' bounds tile it, else an upper bound (whole
 * bins before the queried part, queries that reach past the interval).
 */
export function countIn(counts: ErrorCounts, a: number, b: number): { count: number; exact: boolean } {
  let count = 0;
  let exact = true;
  const split = Math.min(b, counts.settledFrom);
  if (a < split) {
    for (let t = floorBin(a); t < split; t += BIN_MS) count += counts.perBin.get(t) ?? 0;
    exact = a === floorBin(a) && split === floorBin(split);
  }
  const from = Math.max(a, counts.settledFrom);
  if (from < b) {
    const parts = counts.spans.filter((s) => s.to > from && s.from < b);
    for (const s of parts) count += s.errors;
    exact &&= parts.length > 0 && parts[0]!.from === from && parts.at(-1)!.to === b;
  }
  return { count, exact };
}

/** Rows whose time is in [a, b). */
export function rowsIn(rows: LogsData["recentErrors"], a: number, b: number): number {
  return rows.filter((e) => {
    const t = Date.parse(e.timestamp);
    return t >= a && t < b;
  }).length;
}

/** The time of the MAX_ERRORS-th most recent row: older errors cannot be shown (-Infinity while fewer are held). */
export function oldestShown(rows: LogsData["recentErrors"]): number {
  if (rows.length < MAX_ERRORS) return Number.NEGATIVE_INFINITY;
  return Math.min(...rows.map((e) => Date.parse(e.timestamp)).filter((t) => !Number.isNaN(t)));
}

/**
 * The spans of [start, before) to read for `need` more errors: bins holding errors, newest first,
 * until they hold `need` (older errors cannot be among the most recent), merged into at most
 * MAX_SPAN_QUERIES spans (the shortest gaps closed first). A bin cut by `before` (its count also
 * holds errors already read) is read but not counted.
 */
export function olderSpans(
  perBin: ReadonlyMap<number, number>,
  start: number,
  before: number,
  need: number,
): Array<[number, number]> {
  const picked: number[] = [];
  let found = 0;
  const cut = floorBin(before);
  if (cut < before && cut + BIN_MS > start && (perBin.get(cut) ?? 0) > 0) picked.push(cut);
  for (let t = cut - BIN_MS; t + BIN_MS > start && found < need; t -= BIN_MS) {
    const n = perBin.get(t) ?? 0;
    if (n === 0) continue;
    picked.push(t);
    found += n;
  }
  // Runs of adjacent bins, oldest first, as [from, to).
  const runs: Array<[number, number]> = [];
  for (const t of picked.sort((x, y) => x - y)) {
    const last = runs.at(-1);
    if (last && last[1] === t) last[1] = t + BIN_MS;
    else runs.push([t, t + BIN_MS]);
  }
  while (runs.length > MAX_SPAN_QUERIES) {
    let k = 0;
    for (let i = 1; i < runs.length - 1; i++)
      if (runs[i + 1]![0] - runs[i]![1] < runs[k + 1]![0] - runs[k]![1]) k = i;
    runs.splice(k, 2, [runs[k]![0], runs[k + 1]![1]]);
  }
  return runs.map(([a, b]) => [Math.max(a, start), Math.min(b, before)]);
}
