/**
 * Duration percentiles over a whole range without scanning logs: AWS/Lambda Duration extended
 * statistics (p50, p90, p99) and SampleCount, one period covering the range, every function in
 * one GetMetricData call. Lambda publishes Duration for every invocation, whatever the log format.
 */
import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { getMetricData, type MetricRequest } from "./metric-data.ts";

export type RangePercentiles = { p50: number; p90: number; p99: number; count: number } | null;

const STATS = ["p50", "p90", "p99", "SampleCount"] as const;
const PERIOD_STEP_S = 300;

const round = (x: number) => Math.round(x * 100) / 100;

/** One period from the range's start (floored to the minute) covering its end, a multiple of 5 minutes. */
export function rangePeriod(start: Date, end: Date): { start: Date; end: Date; periodSeconds: number } {
  const from = Math.floor(start.getTime() / 60_000) * 60_000;
  const seconds = Math.max(
    PERIOD_STEP_S,
    Math.ceil((end.getTime() - from) / 1000 / PERIOD_STEP_S) * PERIOD_STEP_S,
  );
  return { start: new Date(from), end: new Date(from + seconds * 1000), periodSeconds: seconds };
}

/** Percentiles per function over [start, end), from AWS/Lambda Duration. */
export async function lambdaPercentiles(
  client: (region: string) => CloudWatchClient,
  region: string,
  functions: readonly string[],
  start: Date,
  end: Date,
): Promise<Map<string, RangePercentiles>> {
  const requests: MetricRequest[] = functions.flatMap((fn) =>
    STATS.map((stat) => ({
      key: `${fn}|${stat}`,
      region,
      namespace: "AWS/Lambda",
      metricName: "Duration",
      dimensions: { FunctionName: fn },
      stat,
    })),
  );
  const period = rangePeriod(start, end);
  const fetched = await getMetricData(client, requests, period.start, period.end, period.periodSeconds);
  const out = new Map<string, RangePercentiles>();
  for (const fn of functions) {
    const value = (stat: string) => {
      const points = fetched.points.get(`${fn}|${stat}`) ?? [];
      return points.length > 0 ? points[points.length - 1]![1] : undefined;
    };
    const count = value("SampleCount") ?? 0;
    const p50 = value("p50");
    const p90 = value("p90");
    const p99 = value("p99");
    out.set(
      fn,
      count > 0 && p50 !== undefined && p90 !== undefined && p99 !== undefined
        ? { p50: round(p50), p90: round(p90), p99: round(p99), count: Math.round(count) }
        : null,
    );
  }
  return out;
}

/** Percentiles of several functions together: the count-weighted mean of each (exact for one function). */
export function combinePercentiles(list: readonly RangePercentiles[]): RangePercentiles {
  const present = list.filter((p): p is NonNullable<RangePercentiles> => p !== null);
  const count = present.reduce((n, p) => n + p.count, 0);
  if (count === 0) return null;
  const w = (f: (p: NonNullable<RangePercentiles>) => number) =>
    round(present.reduce((n, p) => n + f(p) * p.count, 0) / count);
  return { p50: w((p) => p.p50), p90: w((p) => p.p90), p99: w((p) => p.p99), count };
}

/** How far a range may move before its range-wide percentiles are bought again: 1/96 of its length. */
const MOVE_SHARE = 96;

/**
 * Range-wide percentiles, bought again only when the range has moved by 1/96 of its length (15
 * minutes on 24 h, 75 minutes on 7 d) or the logs refresh interval, whichever is longer: a p90
 * over a day barely moves in five minutes, and each refresh buys 4 metrics per function.
 * Failures are not kept.
 */
export class PercentilesMemo {
  private readonly held = new Map<string, { at: number; value: Map<string, RangePercentiles> }>();
  private readonly flights = new Map<string, Promise<Map<string, RangePercentiles>>>();

  constructor(
    private readonly fetch: typeof lambdaPercentiles,
    private readonly minTtlMs: number,
  ) {}

  async get(
    client: (region: string) => CloudWatchClient,
    region: string,
    functions: readonly string[],
    range: { start: Date; end: Date; preset: string | null },
    now: number,
  ): Promise<Map<string, RangePercentiles>> {
    const length = range.end.getTime() - range.start.getTime();
    const key = `${region}|${[...functions].sort().join(",")}|${range.preset ?? `${range.start.toISOString()}/${range.end.toISOString()}`}`;
    const ttl = Math.max(this.minTtlMs, length / MOVE_SHARE);
    const held = this.held.get(key);
    if (held && now - held.at < ttl) return held.value;
    const flying = this.flights.get(key);
    if (flying) return flying;
    const flight = this.fetch(client, region, functions, range.start, range.end)
      .then((value) => {
        if (this.held.size >= 256) this.held.clear();
        this.held.set(key, { at: now, value });
        return value;
      })
      .finally(() => this.flights.delete(key));
    this.flights.set(key, flight);
    return flight;
  }
}
