/**
 * Custom metrics stored by PutMetricData, in memory until the sandbox resets. Each datum keeps
 * its samples (Value, Values/Counts) or its StatisticSet, its unit and storage resolution.
 */
import type { Dimension, MetricId, SeriesSource } from "./series.ts";

export interface StoredDatum {
  /** Epoch ms, truncated to the storage resolution (1 s or 60 s). */
  time: number;
  unit: string;
  values: number[];
  counts: number[];
  set?: { SampleCount: number; Sum: number; Minimum: number; Maximum: number };
}

interface StoredSeries {
  metric: MetricId;
  data: StoredDatum[];
  lastTime: number;
}

/** A stable key of a metric identity: dimension order does not matter to CloudWatch. */
export function metricKey(namespace: string, metricName: string, dimensions: readonly Dimension[]): string {
  const dims = [...dimensions]
    .sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0))
    .map((d) => [d.Name, d.Value]);
  return JSON.stringify([namespace, metricName, dims]);
}

export class CustomMetrics {
  private readonly series = new Map<string, StoredSeries>();

  put(metric: MetricId, datum: StoredDatum): void {
    const key = metricKey(metric.Namespace, metric.MetricName, metric.Dimensions);
    let entry = this.series.get(key);
    if (!entry) {
      const dims = [...metric.Dimensions].map((d) => ({ Name: d.Name, Value: d.Value }));
      entry = {
        metric: { Namespace: metric.Namespace, MetricName: metric.MetricName, Dimensions: dims },
        data: [],
        lastTime: 0,
      };
      this.series.set(key, entry);
    }
    entry.data.push(datum);
    entry.lastTime = Math.max(entry.lastTime, datum.time);
  }

  /** The stored series of exactly this metric (same namespace, name and dimension set). */
  find(metric: MetricId): SeriesSource | undefined {
    const entry = this.series.get(metricKey(metric.Namespace, metric.MetricName, metric.Dimensions));
    if (!entry) return undefined;
    return {
      unit: entry.data[0]?.unit ?? "None",
      collect(from, to, unit, bucketOf) {
        for (const d of entry.data) {
          if (d.time < from || d.time >= to || (unit !== undefined && d.unit !== unit)) continue;
          const bucket = bucketOf(d.time);
          if (!bucket) continue;
          for (let i = 0; i < d.values.length; i++) bucket.add(d.values[i]!, d.counts[i]!);
          if (d.set) bucket.addSet(d.set.SampleCount, d.set.Sum, d.set.Minimum, d.set.Maximum);
        }
      },
    };
  }

  /** Every stored metric with its last datum time, in insertion order. */
  list(): Array<{ metric: MetricId; lastTime: number }> {
    return [...this.series.values()].map((s) => ({ metric: s.metric, lastTime: s.lastTime }));
  }

  clear(): void {
    this.series.clear();
  }
}
