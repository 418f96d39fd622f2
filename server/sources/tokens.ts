/**
 * Daily Bedrock token counts per model from CloudWatch (InputTokenCount / OutputTokenCount,
 * Sum, 1-day period): the basis of the near-real-time cost estimate. One GetMetricData call.
 */
import type { AwsClients } from "../aws/clients.ts";
import { bedrockRegion, type Config } from "../config.ts";
import type { DailyTokens } from "../pricing/reconcile.ts";
import type { CostWindow } from "./costs.ts";
import { getMetricData, type MetricRequest } from "./metric-data.ts";
import { selectedModels } from "./metrics.ts";
import { isoDay } from "./range.ts";

export async function fetchDailyTokens(
  clients: AwsClients,
  config: Config,
  window: CostWindow,
  models?: readonly string[],
): Promise<DailyTokens[]> {
  const ids = selectedModels(config, models ? { models } : {});
  const region = bedrockRegion(config);
  const requests: MetricRequest[] = ids.flatMap((modelId) =>
    (["InputTokenCount", "OutputTokenCount"] as const).map((metricName) => ({
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
    for (const [metric, field] of [
      ["InputTokenCount", "input"],
      ["OutputTokenCount", "output"],
    ] as const) {
      for (const [t, v] of fetched.points.get(`${modelId}|${metric}`) ?? []) {
        const date = isoDay(new Date(t));
        const row = out.get(`${date}|${modelId}`) ?? { date, modelId, input: 0, output: 0 };
        row[field] += v;
        out.set(`${date}|${modelId}`, row);
      }
    }
  }
  return [...out.values()].sort((a, b) => a.date.localeCompare(b.date) || a.modelId.localeCompare(b.modelId));
}
