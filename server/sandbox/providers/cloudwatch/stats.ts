/**
 * CloudWatch statistics over the raw samples of one period: Sum, Average, Minimum, Maximum,
 * SampleCount, percentiles (pNN, pNN.NN), and the trimmed/winsorized family (tmNN, wmNN, tcNN,
 * tsNN, TM(a%:b%), WM, TC, TS, IQM). Percentiles use the nearest-rank definition on the real
 * samples: pX is the smallest sample v such that at least X% of the samples are <= v.
 * Source: CloudWatch User Guide, "CloudWatch statistics definitions".
 */

/** The samples of one period: weighted values (as PutMetricData Values/Counts) plus statistic sets. */
export class Samples {
  count = 0;
  sum = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  readonly values: number[] = [];
  readonly counts: number[] = [];
  /** The part carried only by statistic sets (no individual values, so no percentiles for it). */
  setCount = 0;
  setSum = 0;
  setMin = Number.POSITIVE_INFINITY;
  setMax = Number.NEGATIVE_INFINITY;

  add(value: number, count = 1): void {
    if (count <= 0) return;
    this.values.push(value);
    this.counts.push(count);
    this.count += count;
    this.sum += value * count;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  /** A StatisticSet: aggregates only. */
  addSet(sampleCount: number, sum: number, min: number, max: number): void {
    if (sampleCount <= 0) return;
    this.count += sampleCount;
    this.sum += sum;
    this.setCount += sampleCount;
    this.setSum += sum;
    this.min = Math.min(this.min, min);
    this.max = Math.max(this.max, max);
    this.setMin = Math.min(this.setMin, min);
    this.setMax = Math.max(this.setMax, max);
  }

  merge(other: Samples): void {
    for (let i = 0; i < other.values.length; i++) this.add(other.values[i]!, other.counts[i]!);
    this.addSet(other.setCount, other.setSum, other.setMin, other.setMax);
  }
}

/** A parsed statistic: compute() gives the value, or undefined when the samples cannot answer it. */
export interface Statistic {
  readonly name: string;
  compute(samples: Samples): number | undefined;
}

const BASIC: Record<string, (s: Samples) => number | undefined> = {
  Sum: (s) => s.sum,
  Average: (s) => s.sum / s.count,
  Minimum: (s) => s.min,
  Maximum: (s) => s.max,
  SampleCount: (s) => s.count,
};

const PERCENT = String.raw`(\d{1,2}(?:\.\d{1,10})?|100(?:\.0+)?)`;
const PERCENTILE = new RegExp(`^p${PERCENT}$`);
const SHORT_RANGE = new RegExp(`^(tm|wm|tc|ts)${PERCENT}$`);
const LONG_RANGE = new RegExp(`^(TM|WM|TC|TS)\\((?:${PERCENT}%)?:(?:${PERCENT}%)?\\)$`);

/** Parses a Stat string as CloudWatch accepts it; undefined when it is not a known statistic. */
export function parseStatistic(stat: string): Statistic | undefined {
  const basic = BASIC[stat];
  if (basic) return { name: stat, compute: (s) => (s.count > 0 ? basic(s) : undefined) };
  const p = PERCENTILE.exec(stat);
  if (p) {
    const q = Number(p[1]);
    return { name: stat, compute: (s) => percentile(s, q) };
  }
  if (stat === "IQM") return { name: stat, compute: (s) => trimmed("tm", s, 25, 75) };
  const short = SHORT_RANGE.exec(stat);
  if (short) {
    const upper = Number(short[2]);
    return { name: stat, compute: (s) => trimmed(short[1] as TrimKind, s, 0, upper) };
  }
  const long = LONG_RANGE.exec(stat);
  if (long) {
    const lo = long[2] === undefined ? 0 : Number(long[2]);
    const hi = long[3] === undefined ? 100 : Number(long[3]);
    if (lo >= hi) return undefined;
    const kind = long[1]!.toLowerCase() as TrimKind;
    return { name: stat, compute: (s) => trimmed(kind, s, lo, hi) };
  }
  return undefined;
}

/** Weighted samples in ascending order (values and their counts), ignoring statistic sets. */
function sorted(s: Samples): { values: number[]; counts: number[]; total: number } {
  const order = s.values.map((_, i) => i).sort((a, b) => s.values[a]! - s.values[b]!);
  const values = order.map((i) => s.values[i]!);
  const counts = order.map((i) => s.counts[i]!);
  return { values, counts, total: counts.reduce((a, b) => a + b, 0) };
}

/** Nearest-rank percentile: the value at rank ceil(q/100 * n) (rank 1 for q = 0). */
export function percentile(s: Samples, q: number): number | undefined {
  if (s.values.length === 0) return undefined;
  const { values, counts, total } = sorted(s);
  const rank = Math.max(1, Math.ceil((q / 100) * total - 1e-9));
  let seen = 0;
  for (let i = 0; i < values.length; i++) {
    seen += counts[i]!;
    if (seen >= rank) return values[i];
  }
  return values[values.length - 1];
}

type TrimKind = "tm" | "wm" | "tc" | "ts";

/**
 * Trimmed statistics over the samples whose rank falls in (lo%, hi%]: the lowest
 * floor(lo% * n) and the highest n - ceil(hi% * n) samples are left out (tm/tc/ts) or
 * clamped to the boundary values (wm).
 */
export function trimmed(kind: TrimKind, s: Samples, lo: number, hi: number): number | undefined {
  if (s.values.length === 0) return undefined;
  const { values, counts, total } = sorted(s);
  const expanded: number[] = [];
  for (let i = 0; i < values.length; i++) for (let k = 0; k < counts[i]!; k++) expanded.push(values[i]!);
  const first = Math.floor((lo / 100) * total + 1e-9);
  const last = Math.ceil((hi / 100) * total - 1e-9);
  const kept = expanded.slice(first, last);
  if (kept.length === 0) return kind === "tc" || kind === "ts" ? 0 : undefined;
  if (kind === "tc") return kept.length;
  const keptSum = kept.reduce((a, b) => a + b, 0);
  if (kind === "ts") return keptSum;
  if (kind === "tm") return keptSum / kept.length;
  const low = kept[0]!;
  const high = kept[kept.length - 1]!;
  const clamped = expanded.reduce((a, v) => a + Math.min(high, Math.max(low, v)), 0);
  return clamped / expanded.length;
}
