/**
 * GetMetricData: MetricStat queries bucketed into periods from the raw samples, metric math
 * expressions over them, ScanBy ordering, and MaxDatapoints pagination with an opaque NextToken
 * that continues exactly where the previous page stopped (StatusCode PartialData until then).
 */
import { metricKey } from "./custom-metrics.ts";
import { evaluate, MathError, type MathValue, referencedIds, type Series } from "./math.ts";
import { decodeToken, encodeToken, fingerprint } from "./pagination.ts";
import { alignStart, periodGrid, retained } from "./periods.ts";
import { type ExpressionQuery, type MetricQuery, parseQueries, type StatQuery } from "./queries.ts";
import type { MetricId, SeriesSource } from "./series.ts";
import { Samples } from "./stats.ts";
import {
  type Input,
  invalidValue,
  optionalNumber,
  optionalString,
  requiredTime,
  validationError,
} from "./validation.ts";

export interface MetricsBackend {
  /** The series a metric names (workload or custom), or undefined when nothing was published. */
  source(metric: MetricId, accountId?: string): SeriesSource | undefined;
  now(): number;
}

export const DEFAULT_MAX_DATAPOINTS = 100_800;
const MAX_GRID = 100_800;
const NOT_STARTED = -1;
const DONE = -2;

/** Index of the first timestamp after `last` in scan order. */
function resumeIndex(timestamps: number[], last: number, ascending: boolean): number {
  const i = timestamps.findIndex((t) => (ascending ? t > last : t < last));
  return i < 0 ? timestamps.length : i;
}

interface Result {
  id: string;
  label: string;
  timestamps: number[];
  values: number[];
}

export interface GetMetricDataOutput {
  MetricDataResults: Array<{
    Id: string;
    Label: string;
    Timestamps: Date[];
    Values: number[];
    StatusCode: string;
    Messages: [];
  }>;
  Messages: [];
  NextToken?: string;
}

export function getMetricData(
  input: Input,
  backend: MetricsBackend,
): { output: GetMetricDataOutput; metricsRequested: number } {
  const queries = parseQueries(input.MetricDataQueries);
  const start = requiredTime(input, "StartTime");
  const end = requiredTime(input, "EndTime");
  if (start >= end) throw invalidValue("The parameter StartTime must be less than the parameter EndTime.");
  const scanBy = optionalString(input, "ScanBy") ?? "TimestampDescending";
  if (scanBy !== "TimestampDescending" && scanBy !== "TimestampAscending") {
    throw invalidValue(
      `The value ${scanBy} for parameter ScanBy is invalid. Use TimestampDescending or TimestampAscending.`,
    );
  }
  const maxDatapoints = optionalNumber(input, "MaxDatapoints") ?? DEFAULT_MAX_DATAPOINTS;
  if (!Number.isInteger(maxDatapoints) || maxDatapoints < 1) {
    throw invalidValue(
      `The value ${maxDatapoints} for parameter MaxDatapoints is invalid: it must be a positive integer.`,
    );
  }
  const stats = queries.filter((q): q is StatQuery => q.kind === "stat");
  const values = computeAll(queries, start, end, backend);
  const results: Result[] = [];
  for (const q of queries) {
    if (!q.returnData) continue;
    results.push(...toResults(q, values.get(q.id)!, start, end, stats, backend.now()));
  }
  const ascending = scanBy === "TimestampAscending";
  for (const r of results) order(r, ascending);
  const request = fingerprint([input.MetricDataQueries, start, end, scanBy]);
  const token = optionalString(input, "NextToken");
  // Per result: NOT_STARTED, DONE, or the last timestamp already returned, so a continuation
  // resumes after it even when new datapoints arrived in the meantime.
  const positions =
    token === undefined ? results.map(() => NOT_STARTED) : decodeToken(token, "gmd", request, results.length);
  let budget = maxDatapoints;
  let partial = false;
  const next: number[] = [];
  const output: GetMetricDataOutput = { MetricDataResults: [], Messages: [] };
  results.forEach((r, i) => {
    const position = positions[i]!;
    const from =
      position === NOT_STARTED
        ? 0
        : position === DONE
          ? r.timestamps.length
          : resumeIndex(r.timestamps, position, ascending);
    const take = Math.min(r.timestamps.length - from, budget);
    budget -= take;
    const complete = from + take >= r.timestamps.length;
    if (!complete) partial = true;
    next.push(complete ? DONE : take > 0 ? r.timestamps[from + take - 1]! : position);
    output.MetricDataResults.push({
      Id: r.id,
      Label: r.label,
      Timestamps: r.timestamps.slice(from, from + take).map((t) => new Date(t)),
      Values: r.values.slice(from, from + take),
      StatusCode: complete ? "Complete" : "PartialData",
      Messages: [],
    });
  });
  if (partial) output.NextToken = encodeToken("gmd", request, next);
  return { output, metricsRequested: stats.length };
}

/** Every query's value by Id: MetricStat series first, then expressions in dependency order. */
function computeAll(
  queries: MetricQuery[],
  start: number,
  end: number,
  backend: MetricsBackend,
): Map<string, MathValue> {
  const now = backend.now();
  const memo = new Map<string, Map<number, Samples>>();
  const values = new Map<string, MathValue>();
  const stats: Array<{ id: string; series: Series }> = [];
  for (const q of queries) {
    if (q.kind !== "stat") continue;
    const series = statSeries(q, start, end, now, backend, memo);
    values.set(q.id, series);
    stats.push({ id: q.id, series });
  }
  const expressions = queries.filter((q): q is ExpressionQuery => q.kind === "expression");
  const known = new Set(queries.map((q) => q.id));
  const pending = new Map(expressions.map((q) => [q.id, q]));
  const visiting = new Set<string>();
  const visit = (q: ExpressionQuery) => {
    if (values.has(q.id)) return;
    if (visiting.has(q.id))
      throw validationError(`Error in expression ${q.id}: circular reference between expressions.`);
    visiting.add(q.id);
    let refs: string[];
    try {
      refs = referencedIds(q.expression);
    } catch (err) {
      throw mathFailure(q, err);
    }
    for (const ref of refs) {
      if (!known.has(ref))
        throw validationError(
          `Error in expression ${q.id}: Unrecognized metric id ${ref}. Refer to the Id of another query in this request.`,
        );
      const dep = pending.get(ref);
      if (dep) visit(dep);
    }
    const period =
      q.period ??
      Math.min(...queries.map((x) => (x.kind === "stat" ? x.period : Number.POSITIVE_INFINITY)), 60);
    const aligned = alignStart(start, period, now);
    try {
      values.set(
        q.id,
        evaluate(q.expression, {
          lookup: (id) => values.get(id),
          metrics: () => stats,
          grid: () => periodGrid(aligned, end, period).slice(0, MAX_GRID),
        }),
      );
    } catch (err) {
      throw mathFailure(q, err);
    }
    visiting.delete(q.id);
  };
  for (const q of expressions) visit(q);
  return values;
}

function mathFailure(q: ExpressionQuery, err: unknown) {
  if (err instanceof MathError) return validationError(`Error in expression ${q.id}: ${err.message}`);
  return err;
}

function statSeries(
  q: StatQuery,
  start: number,
  end: number,
  now: number,
  backend: MetricsBackend,
  memo: Map<string, Map<number, Samples>>,
): Series {
  const key = `${q.accountId ?? ""}|${metricKey(q.metric.Namespace, q.metric.MetricName, q.metric.Dimensions)}|${q.period}|${q.unit ?? ""}`;
  let buckets = memo.get(key);
  if (!buckets) {
    buckets = new Map<number, Samples>();
    const aligned = alignStart(start, q.period, now);
    const step = q.period * 1000;
    const store = buckets;
    backend.source(q.metric, q.accountId)?.collect(aligned, end, q.unit, (t) => {
      const b = aligned + Math.floor((t - aligned) / step) * step;
      let samples = store.get(b);
      if (!samples) {
        if (!retained(b, q.period, now)) return undefined;
        samples = new Samples();
        store.set(b, samples);
      }
      return samples;
    });
    memo.set(key, buckets);
  }
  const points = new Map<number, number>();
  for (const t of [...buckets.keys()].sort((a, b) => a - b)) {
    const v = q.stat.compute(buckets.get(t)!);
    if (v !== undefined && Number.isFinite(v)) points.set(t, v);
  }
  return { label: q.label ?? q.metric.MetricName, points };
}

function toResults(
  q: MetricQuery,
  value: MathValue,
  start: number,
  end: number,
  stats: StatQuery[],
  now: number,
): Result[] {
  const label = q.label ?? (q.kind === "stat" ? q.metric.MetricName : q.id);
  const fromSeries = (s: Series, l: string): Result => {
    const timestamps = [...s.points.keys()].filter((t) => Number.isFinite(s.points.get(t)!));
    return { id: q.id, label: l, timestamps, values: timestamps.map((t) => s.points.get(t)!) };
  };
  if (typeof value === "number") {
    const period =
      (q.kind === "expression" ? q.period : undefined) ?? Math.min(...stats.map((s) => s.period), 60);
    const grid = periodGrid(alignStart(start, period, now), end, period).slice(0, MAX_GRID);
    return Number.isFinite(value)
      ? [{ id: q.id, label, timestamps: grid, values: grid.map(() => value) }]
      : [{ id: q.id, label, timestamps: [], values: [] }];
  }
  if (Array.isArray(value))
    return value.map((s) => fromSeries(s, q.label ? `${q.label} ${s.label}` : s.label));
  return [fromSeries(value, label)];
}

function order(r: Result, ascending: boolean): void {
  const idx = r.timestamps
    .map((_, i) => i)
    .sort((a, b) => (ascending ? r.timestamps[a]! - r.timestamps[b]! : r.timestamps[b]! - r.timestamps[a]!));
  r.timestamps = idx.map((i) => r.timestamps[i]!);
  r.values = idx.map((i) => r.values[i]!);
}
