/**
 * Statistics on measured samples: percentiles (linear interpolation between closest ranks,
 * "type 7"), mean, and a percentile bootstrap 95 % confidence interval with a seeded RNG.
 */
import type { PercentileSet } from "../api/contract.ts";
import { type Rng, seededRng } from "./random.ts";

/** The p-th percentile (0-100) of an ascending-sorted array; NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  if (sorted.length === 1) return sorted[0]!;
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  return values.reduce((a, b) => a + b, 0) / values.length;
}

export interface BootstrapOptions {
  iterations?: number;
  seed?: number;
  /** Confidence level, default 0.95. */
  level?: number;
}

/**
 * Percentile bootstrap CI of the p-th percentile: resample with replacement `iterations` times,
 * take the percentile of each resample, and return the (1-level)/2 and (1+level)/2 quantiles.
 */
export function bootstrapCi(
  samples: readonly number[],
  p: number,
  options: BootstrapOptions = {},
): [number, number] {
  if (samples.length === 0) return [Number.NaN, Number.NaN];
  const iterations = options.iterations ?? 1000;
  const level = options.level ?? 0.95;
  const rng: Rng = seededRng(options.seed ?? 1);
  const n = samples.length;
  const estimates: number[] = new Array(iterations);
  const resample: number[] = new Array(n);
  for (let i = 0; i < iterations; i++) {
    for (let j = 0; j < n; j++) resample[j] = samples[Math.floor(rng() * n)]!;
    resample.sort((a, b) => a - b);
    estimates[i] = percentile(resample, p);
  }
  estimates.sort((a, b) => a - b);
  return [percentile(estimates, ((1 - level) / 2) * 100), percentile(estimates, ((1 + level) / 2) * 100)];
}

const round = (v: number, digits = 2) =>
  Number.isFinite(v) ? Math.round(v * 10 ** digits) / 10 ** digits : v;

/** Mean, p50/p90/p95/p99 and the bootstrap 95 % CI of p90; samples kept for distribution charts. */
export function percentileSet(samples: readonly number[], seed = 1, keepSamples = 2000): PercentileSet {
  const sorted = [...samples].sort((a, b) => a - b);
  const ci = bootstrapCi(sorted, 90, { seed });
  return {
    mean: round(mean(sorted)),
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    p90Ci: [round(ci[0]), round(ci[1])],
    samples: sorted.slice(0, keepSamples).map((v) => round(v)),
  };
}
