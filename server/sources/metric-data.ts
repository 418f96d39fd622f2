/**
 * GetMetricData done the way Grafana's CloudWatch data source does it: every series of a
 * refresh in one input (at most 500 queries a call, so ceil(series / 500) calls per region),
 * NextToken followed, timestamps ascending. Different regions need different clients, so
 * series are grouped by region and each group is one call (or more past 500).
 */
import type { CloudWatchClient, MetricDataQuery, Statistic } from "@aws-sdk/client-cloudwatch";
import { GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { awsCall } from "./errors.ts";

export const MAX_QUERIES_PER_CALL = 500;

export interface MetricRequest {
  /** Caller's identifier for the series (any string; query Ids are generated). */
  key: string;
  region: string;
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  /** Sum, Average, Maximum, Minimum, SampleCount, or a percentile such as p90. */
  stat: Statistic | `p${number}`;
  /** This series' own period (e.g. 60 s for quota usage), else the call's. */
  periodSeconds?: number;
  /** A source account linked to this monitoring account (CloudWatch cross-account observability). */
  accountId?: string;
}

export interface MetricFetch {
  /** Points per request key: [epoch ms, value], ascending. */
  points: Map<string, Array<[number, number]>>;
  /** GetMetricData calls made, pages included. */
  calls: number;
  /** Keys CloudWatch answered with PartialData or an error message. */
  partial: string[];
}

export type ClientForRegion = (region: string) => CloudWatchClient;

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Fetch every request: one GetMetricData input per region and 500 queries, pages followed. */
export async function getMetricData(
  clientFor: ClientForRegion,
  requests: readonly MetricRequest[],
  start: Date,
  end: Date,
  periodSeconds: number,
): Promise<MetricFetch> {
  const points = new Map<string, Array<[number, number]>>(requests.map((r) => [r.key, []]));
  const partial: string[] = [];
  let calls = 0;
  const byRegion = new Map<string, MetricRequest[]>();
  for (const r of requests) byRegion.set(r.region, [...(byRegion.get(r.region) ?? []), r]);
  for (const [region, list] of byRegion) {
    const client = clientFor(region);
    for (const batch of chunk(list, MAX_QUERIES_PER_CALL)) {
      const ids = new Map<string, string>();
      const queries: MetricDataQuery[] = batch.map((r, i) => {
        const id = `m${i}`;
        ids.set(id, r.key);
        return {
          Id: id,
          ReturnData: true,
          ...(r.accountId ? { AccountId: r.accountId } : {}),
          MetricStat: {
            Metric: {
              Namespace: r.namespace,
              MetricName: r.metricName,
              Dimensions: Object.entries(r.dimensions).map(([Name, Value]) => ({ Name, Value })),
            },
            Period: r.periodSeconds ?? periodSeconds,
            Stat: r.stat,
          },
        };
      });
      let nextToken: string | undefined;
      do {
        const input = {
          MetricDataQueries: queries,
          StartTime: start,
          EndTime: end,
          ScanBy: "TimestampAscending" as const,
          ...(nextToken ? { NextToken: nextToken } : {}),
        };
        const out = await awsCall("GetMetricData", () => client.send(new GetMetricDataCommand(input)));
        calls += 1;
        for (const result of out.MetricDataResults ?? []) {
          const key = result.Id ? ids.get(result.Id) : undefined;
          if (!key) continue;
          const list = points.get(key) ?? [];
          const ts = result.Timestamps ?? [];
          const values = result.Values ?? [];
          for (let i = 0; i < Math.min(ts.length, values.length); i++)
            list.push([ts[i]!.getTime(), values[i]!]);
          points.set(key, list);
          if (
            (result.StatusCode === "PartialData" && !out.NextToken) ||
            result.StatusCode === "InternalError"
          )
            partial.push(key);
        }
        nextToken = out.NextToken;
      } while (nextToken);
    }
  }
  for (const [key, list] of points) points.set(key, dedupeSorted(list));
  return { points, calls, partial };
}

function dedupeSorted(list: Array<[number, number]>): Array<[number, number]> {
  const byTime = new Map<number, number>();
  for (const [t, v] of list) byTime.set(t, v);
  return [...byTime.entries()].sort((a, b) => a[0] - b[0]);
}

/** Fill the periods CloudWatch omitted (no data) with zero, for count series. */
export function zeroFill(
  points: Array<[number, number]>,
  start: Date,
  end: Date,
  periodSeconds: number,
): Array<[number, number]> {
  const have = new Map(points);
  const out: Array<[number, number]> = [];
  const step = periodSeconds * 1000;
  for (let t = start.getTime(); t < end.getTime(); t += step) out.push([t, have.get(t) ?? 0]);
  for (const [t, v] of points)
    if (t < start.getTime() || t >= end.getTime() || (t - start.getTime()) % step !== 0) out.push([t, v]);
  return out.sort((a, b) => a[0] - b[0]);
}
