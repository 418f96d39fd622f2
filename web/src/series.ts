/** Picking series out of /api/metrics by metric and statistic (ids are `kind:resource:Metric:stat`). */
import type { Series } from "../../server/api/contract.ts";

export interface SeriesKey {
  metric: string;
  stat: string;
}

/** Metric and statistic from a series id; the resource itself may contain ':' (model IDs do). */
export function seriesKey(series: Series): SeriesKey {
  const parts = series.id.split(":");
  return { metric: parts.at(-2) ?? "", stat: parts.at(-1) ?? series.stat };
}

export function pick(list: Series[], resource: string, metric: string, stat: string): Series | undefined {
  return list.find((s) => {
    const key = seriesKey(s);
    return s.resource === resource && key.metric === metric && key.stat === stat;
  });
}

export function resources(list: Series[]): string[] {
  return [...new Set(list.map((s) => s.resource))];
}

export function sumPoints(series: Series | undefined): number {
  return (series?.points ?? []).reduce((n, [, v]) => n + v, 0);
}
