/**
 * Daily Bedrock token counts per model ID from CloudWatch, all four token types the bill charges
 * (AWS/Bedrock InputTokenCount, OutputTokenCount, CacheReadInputTokenCount,
 * CacheWriteInputTokenCount; Sum, 1-day period): the basis of the near-real-time cost estimate.
 *
 * The model IDs are the configured ones plus every ModelId CloudWatch lists for AWS/Bedrock
 * (ListMetrics, free of GetMetricData charges), so a `global.` profile, an application inference
 * profile or a Claude model the config does not name is still estimated. One GetMetricData call
 * (per 500 series).
 */
import { ListMetricsCommand } from "@aws-sdk/client-cloudwatch";
import type { AwsClients } from "../aws/clients.ts";
import { bedrockRegion, type Config } from "../config.ts";
import type { DailyTokens } from "../pricing/reconcile.ts";
import type { CostWindow } from "./costs.ts";
import { awsCall } from "./errors.ts";
import { getMetricData, type MetricRequest } from "./metric-data.ts";
import { selectedModels } from "./metrics.ts";
import { isoDay } from "./range.ts";

export const TOKEN_METRICS = [
  ["InputTokenCount", "input"],
  ["OutputTokenCount", "output"],
  ["CacheReadInputTokenCount", "cacheRead"],
  ["CacheWriteInputTokenCount", "cacheWrite"],
] as const;

/** ModelId dimension values CloudWatch holds token metrics for (ListMetrics, pages followed). */
export async function listedModelIds(clients: AwsClients, region: string): Promise<string[]> {
  const client = clients.cloudwatch({ region });
  const ids = new Set<string>();
  let token: string | undefined;
  do {
    const page = await awsCall("ListMetrics", () =>
      client.send(
        new ListMetricsCommand({
          Namespace: "AWS/Bedrock",
          MetricName: "InputTokenCount",
          ...(token ? { NextToken: token } : {}),
        }),
      ),
    );
    for (const m of page.Metrics ?? []) {
      const id = m.Dimensions?.find((d) => d.Name === "ModelId")?.Value;
      if (id && m.Dimensions?.length === 1) ids.add(id);
    }
    token = page.NextToken;
  } while (token);
  return [...ids].sort();
}

export async function fetchDailyTokens(
  clients: AwsClients,
  config: Config,
  window: CostWindow,
  models?: readonly string[],
): Promise<DailyTokens[]> {
  const region = bedrockRegion(config);
  const configured = selectedModels(config, models ? { models } : {});
  const ids = models ? configured : [...new Set([...configured, ...(await listedModelIds(clients, region))])];
  const requests: MetricRequest[] = ids.flatMap((modelId) =>
    TOKEN_METRICS.map(([metricName]) => ({
      key: `${modelId}|${metricName}`,
      region,
      namespace: "AWS/Bedrock",
      metricName,
      dimensions: { ModelId: modelId },
      stat: "Sum" as const,
    })),
  );
  if (requests.length === 0) return [];
  const start = new Date(`${window.start}T00:00:00Z`);
  const end = new Date(`${window.end}T00:00:00Z`);
  const fetched = await getMetricData((r) => clients.cloudwatch({ region: r }), requests, start, end, 86_400);
  const out = new Map<string, DailyTokens>();
  for (const modelId of ids) {
    for (const [metric, field] of TOKEN_METRICS) {
      for (const [t, v] of fetched.points.get(`${modelId}|${metric}`) ?? []) {
        const date = isoDay(new Date(t));
        const row = out.get(`${date}|${modelId}`) ?? {
          date,
          modelId,
          input: 0,
          output: 0,
          cacheRead: 0,
          cacheWrite: 0,
        };
        row[field] += v;
        out.set(`${date}|${modelId}`, row);
      }
    }
  }
  return [...out.values()].sort((a, b) => a.date.localeCompare(b.date) || a.modelId.localeCompare(b.modelId));
}
