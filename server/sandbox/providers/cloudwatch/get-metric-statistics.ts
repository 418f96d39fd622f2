/**
 * GetMetricStatistics: one metric, Statistics and/or ExtendedStatistics per period, at most
 * 1440 datapoints per call (the limit and message CloudWatch reports as InvalidParameterCombination).
 */
import type { MetricsBackend } from "./get-metric-data.ts";
import { alignStart, retained, validatePeriod } from "./periods.ts";
import { parseStatistic, Samples } from "./stats.ts";
import {
  type Input,
  invalidCombination,
  invalidValue,
  missingParameter,
  optionalArray,
  optionalNumber,
  optionalUnit,
  readDimensions,
  requiredString,
  requiredTime,
} from "./validation.ts";

const BASIC = new Set(["SampleCount", "Average", "Sum", "Minimum", "Maximum"]);
const MAX_POINTS = 1440;

export function getMetricStatistics(input: Input, backend: MetricsBackend) {
  const namespace = requiredString(input, "Namespace");
  const metricName = requiredString(input, "MetricName");
  const dimensions = readDimensions(input.Dimensions, "Dimensions");
  const start = requiredTime(input, "StartTime");
  const end = requiredTime(input, "EndTime");
  if (start >= end) throw invalidValue("The parameter StartTime must be less than the parameter EndTime.");
  const period = optionalNumber(input, "Period");
  if (period === undefined) throw missingParameter("Period");
  validatePeriod(period, "Period");
  const unit = optionalUnit(input, "Unit");
  const statistics = (optionalArray(input, "Statistics") ?? []).map(String);
  const extended = (optionalArray(input, "ExtendedStatistics") ?? []).map(String);
  if (statistics.length === 0 && extended.length === 0) {
    throw missingParameter("Statistics");
  }
  for (const s of statistics) {
    if (!BASIC.has(s))
      throw invalidValue(
        `The value ${s} for parameter Statistics is invalid. Use SampleCount, Average, Sum, Minimum or Maximum.`,
      );
  }
  const parsedExtended = extended.map((s) => {
    const stat = parseStatistic(s);
    if (!stat || BASIC.has(s))
      throw invalidValue(
        `The value ${s} for parameter ExtendedStatistics is invalid. Use a percentile such as p99 or p99.9.`,
      );
    return stat;
  });
  const now = backend.now();
  const aligned = alignStart(start, period, now);
  const step = period * 1000;
  const requested = Math.ceil((end - aligned) / step);
  if (requested > MAX_POINTS) {
    throw invalidCombination(
      `You have requested up to ${requested} datapoints, which exceeds the limit of ${MAX_POINTS}. You may reduce the datapoints requested by increasing Period, or decreasing the time range.`,
    );
  }
  const source = backend.source({ Namespace: namespace, MetricName: metricName, Dimensions: dimensions });
  const buckets = new Map<number, Samples>();
  source?.collect(aligned, end, unit, (t) => {
    const b = aligned + Math.floor((t - aligned) / step) * step;
    if (!retained(b, period, now)) return undefined;
    let samples = buckets.get(b);
    if (!samples) {
      samples = new Samples();
      buckets.set(b, samples);
    }
    return samples;
  });
  const datapoints = [...buckets.entries()]
    .filter(([, s]) => s.count > 0)
    .sort(([a], [b]) => a - b)
    .map(([t, s]) => {
      const point: Record<string, unknown> = { Timestamp: new Date(t), Unit: unit ?? source?.unit ?? "None" };
      for (const name of statistics) point[name] = parseStatistic(name)!.compute(s);
      if (parsedExtended.length > 0) {
        const ext: Record<string, number> = {};
        for (const stat of parsedExtended) {
          const v = stat.compute(s);
          if (v !== undefined) ext[stat.name] = v;
        }
        point.ExtendedStatistics = ext;
      }
      return point;
    });
  return { Label: metricName, Datapoints: datapoints };
}
