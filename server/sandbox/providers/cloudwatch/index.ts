/**
 * The sandbox's CloudWatch (awsJson 1.0, X-Amz-Target GraniteServiceVersion20100801.<Op>,
 * query-compatible errors): GetMetricData, GetMetricStatistics, ListMetrics, PutMetricData,
 * PutDashboard, GetDashboard, ListDashboards, DeleteDashboards. AWS/Lambda and AWS/Bedrock
 * metrics come from the workload; custom metrics and dashboards live in memory until reset().
 */
import type { JsonProvider, SandboxContext } from "../../core/types.ts";
import { CustomMetrics } from "./custom-metrics.ts";
import { Dashboards } from "./dashboards.ts";
import { getMetricData, type MetricsBackend } from "./get-metric-data.ts";
import { getMetricStatistics } from "./get-metric-statistics.ts";
import { listMetrics } from "./list-metrics.ts";
import { putMetricData } from "./put-metric-data.ts";
import { workloadSeries } from "./series.ts";
import { WorkloadMinutes } from "./workload-minutes.ts";

export function createCloudWatchProvider(ctx: SandboxContext): JsonProvider {
  const custom = new CustomMetrics();
  const dashboards = new Dashboards(ctx.accountId, () => ctx.now());
  const minutes = new WorkloadMinutes(ctx.workload);
  // Linked source accounts (this account is their monitoring account): AccountId per query.
  const linked = new Map(
    ctx.linkedAccounts.map((a) => [a.id, { workload: a.workload, minutes: new WorkloadMinutes(a.workload) }]),
  );
  const backend: MetricsBackend = {
    source: (metric, accountId) => {
      if (accountId !== undefined && accountId !== ctx.accountId) {
        // A linked account's AWS metrics; nothing for an account that is not linked.
        const account = linked.get(accountId);
        return account && metric.Namespace.startsWith("AWS/")
          ? workloadSeries(account.workload, account.minutes, metric)
          : undefined;
      }
      return metric.Namespace.startsWith("AWS/")
        ? workloadSeries(ctx.workload, minutes, metric)
        : custom.find(metric);
    },
    now: () => ctx.now(),
  };
  return {
    kind: "json",
    service: "cloudwatch",
    targetPrefix: "GraniteServiceVersion20100801",
    protocol: "1.0",
    queryCompatible: true,
    operations: {
      GetMetricData: (input, req) => {
        const { output, metricsRequested } = getMetricData(input, backend);
        req.notes.metricsRequested = metricsRequested;
        return output;
      },
      GetMetricStatistics: (input, req) => {
        req.notes.metricsRequested = 1;
        return getMetricStatistics(input, backend);
      },
      ListMetrics: (input) => listMetrics(input, ctx.workload, custom, ctx.accountId, ctx.now()),
      PutMetricData: (input) => putMetricData(input, custom, ctx.now()),
      PutDashboard: (input) => dashboards.put(input),
      GetDashboard: (input) => dashboards.get(input),
      ListDashboards: (input) => dashboards.list(input),
      DeleteDashboards: (input) => dashboards.delete(input),
    },
    reset() {
      custom.clear();
      dashboards.clear();
    },
  };
}
