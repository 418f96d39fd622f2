/**
 * Composable per-bin figures of the REPORT events: one 5-minute bin of one log group holds
 * counts, sums, minima and maxima, so any set of bins (a range, several functions) combines
 * exactly, and a closed bin never has to be read from Logs Insights again.
 */
import type { DurationBin, LogFormat, LogsOutcomes } from "../api/contract.ts";
import type { InsightsResult } from "./logs-insights.ts";
import { isInitKind, isReportKind, memoryDivisor } from "./logs-queries.ts";

export const BIN_MS = 5 * 60_000;

export interface BinStats {
  invocations: number;
  sumDuration: number;
  minDuration: number | null;
  maxDuration: number | null;
  coldStarts: number;
  sumInit: number;
  maxInit: number | null;
  sumBilled: number;
  /** MB. */
  memorySize: number | null;
  sumMemoryUsed: number;
  maxMemoryUsed: number | null;
  timeouts: number;
  outOfMemory: number;
  initFailures: number;
  /** Events the errors query would return (app errors, timeouts, out-of-memory, failed inits). */
  errors: number;
}

export function emptyBin(): BinStats {
  return {
    invocations: 0,
    sumDuration: 0,
    minDuration: null,
    maxDuration: null,
    coldStarts: 0,
    sumInit: 0,
    maxInit: null,
    sumBilled: 0,
    memorySize: null,
    sumMemoryUsed: 0,
    maxMemoryUsed: null,
    timeouts: 0,
    outOfMemory: 0,
    initFailures: 0,
    errors: 0,
  };
}

const minOf = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));
const maxOf = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));

export function addBins(a: BinStats, b: BinStats): BinStats {
  return {
    invocations: a.invocations + b.invocations,
    sumDuration: a.sumDuration + b.sumDuration,
    minDuration: minOf(a.minDuration, b.minDuration),
    maxDuration: maxOf(a.maxDuration, b.maxDuration),
    coldStarts: a.coldStarts + b.coldStarts,
    sumInit: a.sumInit + b.sumInit,
    maxInit: maxOf(a.maxInit, b.maxInit),
    sumBilled: a.sumBilled + b.sumBilled,
    memorySize: maxOf(a.memorySize, b.memorySize),
    sumMemoryUsed: a.sumMemoryUsed + b.sumMemoryUsed,
    maxMemoryUsed: maxOf(a.maxMemoryUsed, b.maxMemoryUsed),
    timeouts: a.timeouts + b.timeouts,
    outOfMemory: a.outOfMemory + b.outOfMemory,
    initFailures: a.initFailures + b.initFailures,
    errors: a.errors + b.errors,
  };
}

export function sumBins(bins: Iterable<BinStats>): BinStats {
  let total = emptyBin();
  for (const b of bins) total = addBins(total, b);
  return total;
}

const num = (v: string | undefined): number => (v === undefined || v === "" ? 0 : Number(v));
const opt = (v: string | undefined): number | null => (v === undefined || v === "" ? null : Number(v));

/** "2025-01-01 10:05:00.000" (Logs Insights, UTC) to epoch ms. */
export function binTime(value: string): number {
  return Date.parse(value.includes("T") ? value : `${value.replace(" ", "T")}Z`);
}

/** The log group of a row's `@log` ("123456789012:/aws/lambda/twin-api"). */
export function groupOfLog(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const colon = value.indexOf(":");
  return colon >= 0 && /^\d{12}$/.test(value.slice(0, colon)) ? value.slice(colon + 1) : value;
}

/** Rows of the bins query: per log group, per bin start (epoch ms). */
export function parseBins(
  result: InsightsResult,
  format: LogFormat,
  groupOf: (log: string | undefined) => string | undefined = groupOfLog,
): Map<string, Map<number, BinStats>> {
  const out = new Map<string, Map<number, BinStats>>();
  const divisor = memoryDivisor(format);
  for (const r of result.rows) {
    const group = groupOf(r["@log"]);
    const t = binTime(r["bin(5m)"] ?? "");
    if (!group || Number.isNaN(t)) continue;
    const kind = r["@type"] ?? r.type;
    const bin = emptyBin();
    if (isReportKind(kind)) {
      const mem = (v: number | null) => (v === null ? null : v / divisor);
      bin.invocations = num(r.invocations);
      bin.sumDuration = num(r.sumDuration);
      bin.minDuration = opt(r.minDuration);
      bin.maxDuration = opt(r.maxDuration);
      bin.coldStarts = num(r.coldStarts);
      bin.sumInit = num(r.sumInit);
      bin.maxInit = opt(r.maxInit);
      bin.sumBilled = num(r.sumBilled);
      bin.memorySize = mem(opt(r.memorySize));
      bin.sumMemoryUsed = num(r.sumMemoryUsed) / divisor;
      bin.maxMemoryUsed = mem(opt(r.maxMemoryUsed));
      bin.timeouts = num(r.timeouts);
      bin.outOfMemory = num(r.outOfMemory);
    } else if (isInitKind(format, kind)) {
      bin.initFailures = num(r.initFailures);
    }
    bin.errors = num(r.errors);
    const byBin = out.get(group) ?? new Map<number, BinStats>();
    byBin.set(t, addBins(byBin.get(t) ?? emptyBin(), bin));
    out.set(group, byBin);
  }
  return out;
}

const round = (x: number) => Math.round(x * 100) / 100;

/** The seed query's rows from bins: avg/min/max/count per bin (bins with invocations only). */
export function durationBins(bins: ReadonlyMap<number, BinStats>): DurationBin[] {
  return [...bins.entries()]
    .filter(([, b]) => b.invocations > 0)
    .sort(([a], [b]) => a - b)
    .map(([t, b]) => ({
      bin: new Date(t).toISOString(),
      avg: round(b.sumDuration / b.invocations),
      min: round(b.minDuration ?? 0),
      max: round(b.maxDuration ?? 0),
      count: b.invocations,
    }));
}

export function coldStartsOf(b: BinStats): { count: number; avgInitMs: number; maxInitMs: number } {
  return {
    count: b.coldStarts,
    avgInitMs: b.coldStarts > 0 ? round(b.sumInit / b.coldStarts) : 0,
    maxInitMs: round(b.maxInit ?? 0),
  };
}

export function memoryOf(
  b: BinStats,
): { memorySizeMb: number; maxUsedMb: number; avgUsedMb: number; headroomPercent: number } | null {
  if (b.invocations === 0 || b.memorySize === null) return null;
  const size = b.memorySize;
  const maxUsed = b.maxMemoryUsed ?? 0;
  return {
    memorySizeMb: round(size),
    maxUsedMb: round(maxUsed),
    avgUsedMb: round(b.sumMemoryUsed / b.invocations),
    headroomPercent: size > 0 ? round(((size - maxUsed) / size) * 100) : 0,
  };
}

export function outcomesOf(b: BinStats): LogsOutcomes {
  return { timeouts: b.timeouts, outOfMemory: b.outOfMemory, initFailures: b.initFailures };
}

/** Billed duration and its INIT part (INIT is billed since 2025-08-01: Billed Duration includes Init Duration). */
export function billingOf(b: BinStats): { billedMs: number; initBilledMs: number; initSharePercent: number } {
  return {
    billedMs: round(b.sumBilled),
    initBilledMs: round(b.sumInit),
    initSharePercent: b.sumBilled > 0 ? round((b.sumInit / b.sumBilled) * 100) : 0,
  };
}
