/**
 * The sandbox's CloudWatch, one set of handlers over the three protocols CloudWatch accepts:
 * awsJson 1.0 (X-Amz-Target GraniteServiceVersion20100801.<Op>, query-compatible errors), awsQuery
 * (form POST, XML; botocore before 1.42.7) and Smithy RPC v2 CBOR
 * (POST /service/GraniteServiceVersion20100801/operation/<Op>). Operations: GetMetricData, GetMetricStatistics, ListMetrics, PutMetricData,
 * PutDashboard, GetDashboard, ListDashboards, DeleteDashboards. AWS/Lambda and AWS/Bedrock
 * metrics come from the workload; custom metrics and dashboards live in memory until reset().
 */
import * as sdk from "@aws-sdk/client-cloudwatch";
import { ServiceModel } from "../../core/service-model.ts";
import type { JsonProvider, SandboxContext } from "../../core/types.ts";
import { Alarms } from "./alarms.ts";
import { CustomMetrics } from "./custom-metrics.ts";
import { Dashboards } from "./dashboards.ts";
import { getMetricData, type MetricsBackend } from "./get-metric-data.ts";
import { getMetricStatistics } from "./get-metric-statistics.ts";
import { listMetrics } from "./list-metrics.ts";
import { putMetricData } from "./put-metric-data.ts";
import { workloadSeries } from "./series.ts";
import { WorkloadMinutes } from "./workload-minutes.ts";

const model = new ServiceModel(sdk, "com.amazonaws.cloudwatch");

export function createCloudWatchProvider(ctx: SandboxContext): JsonProvider {
  const custom = new CustomMetrics();
  const dashboards = new Dashboards(ctx.accountId, () => ctx.now());
  const minutes = new WorkloadMinutes(ctx.workload);
  // Linked source accounts (this account is their monitoring account): AccountId per query.
  // A linked account's workloads by region: its default-region one and any elsewhere.
  const linked = new Map(
    ctx.linkedAccounts.map((a) => [
      a.id,
      new Map(
        [a.workload, ...a.elsewhere].map((w) => [
          w.region === a.workload.region ? ctx.defaultRegion : w.region,
          { workload: w, minutes: new WorkloadMinutes(w) },
        ]),
      ),
    ]),
  );
  const backendIn = (region: string): MetricsBackend => ({
    source: (metric, accountId) => {
      if (accountId !== undefined && accountId !== ctx.accountId) {
        // A linked account's AWS metrics in the region asked; nothing for an account that is not
        // linked, or that runs nothing in that region.
        const account = linked.get(accountId)?.get(region);
        return account && metric.Namespace.startsWith("AWS/")
          ? workloadSeries(account.workload, account.minutes, metric)
          : undefined;
      }
      return metric.Namespace.startsWith("AWS/")
        ? workloadSeries(ctx.workload, minutes, metric)
        : custom.find(metric);
    },
    now: () => ctx.now(),
  });
  const backend = backendIn(ctx.defaultRegion);
  const alarms = new Alarms(backend, ctx.accountId);
  return {
    kind: "json",
    service: "cloudwatch",
    targetPrefix: "GraniteServiceVersion20100801",
    protocol: "1.0",
    queryCompatible: true,
    query: { version: "2010-08-01", xmlNamespace: "http://monitoring.amazonaws.com/doc/2010-08-01/", model },
    rpcV2Cbor: { serviceName: "GraniteServiceVersion20100801", model, queryCompatible: true },
    // PutMetricData: "limited to 1 MB in size for HTTP POST requests" (API reference);
    // GetMetricData: 614,400 bytes, as CloudWatch answered in influxdata/telegraf#10842.
    requestLimits: { PutMetricData: 1_048_576, GetMetricData: 614_400 },
    operations: {
      GetMetricData: (input, req) => {
        const { output, metricsRequested } = getMetricData(input, backendIn(req.region));
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
      PutMetricAlarm: (input, req) => alarms.put(input, req.region),
      DescribeAlarms: (input) => alarms.describe(input),
      DescribeAlarmsForMetric: (input) => alarms.forMetric(input),
      DescribeAlarmHistory: (input) => alarms.historyOf(input),
      DeleteAlarms: (input) => alarms.delete(input),
      SetAlarmState: (input) => alarms.setState(input),
    },
    reset() {
      custom.clear();
      dashboards.clear();
      alarms.clear();
    },
  };
}
