/**
 * Optional: publish a run's per-model results to a custom CloudWatch namespace with PutMetricData
 * (dimensions Model and Suite) so they can be alarmed on in AWS.
 */
import { type MetricDatum, PutMetricDataCommand, type StandardUnit } from "@aws-sdk/client-cloudwatch";
import type { BenchModelStats } from "../api/contract.ts";
import type { AwsClients } from "../aws/clients.ts";

export function metricData(suite: string, stats: readonly BenchModelStats[], timestamp: Date): MetricDatum[] {
  const data: MetricDatum[] = [];
  for (const s of stats) {
    const dims = [
      { Name: "Model", Value: s.modelId },
      { Name: "Suite", Value: suite },
    ];
    const add = (name: string, value: number, unit: StandardUnit) => {
      if (Number.isFinite(value))
        data.push({ MetricName: name, Dimensions: dims, Timestamp: timestamp, Value: value, Unit: unit });
    };
    add("TimeToFirstTokenP90", s.ttftMs.p90, "Milliseconds");
    add("EndToEndP50", s.endToEndMs.p50, "Milliseconds");
    add("EndToEndP90", s.endToEndMs.p90, "Milliseconds");
    add("InterTokenLatencyP50", s.interTokenMs.p50, "Milliseconds");
    add("OutputTokensPerSecond", s.outputTokensPerSecond, "Count/Second");
    add("ErrorRate", s.errorRate * 100, "Percent");
    add("ThrottleRate", s.throttleRate * 100, "Percent");
    add("QualityPassRate", s.qualityPassRate * 100, "Percent");
    add("CostPer1kRequests", s.costPer1kRequestsUsd, "None");
    add("Requests", s.count, "Count");
  }
  return data;
}

/** Returns the number of data points sent (PutMetricData accepts up to 1000 per call). */
export async function publishRun(
  clients: AwsClients,
  namespace: string,
  suite: string,
  stats: readonly BenchModelStats[],
  timestamp: Date,
): Promise<number> {
  const data = metricData(suite, stats, timestamp);
  const cw = clients.cloudwatch();
  for (let i = 0; i < data.length; i += 1000) {
    await cw.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: data.slice(i, i + 1000) }));
  }
  return data.length;
}
