/**
 * The Quotas panel: the metrics panel's per-minute quota series (same cache entry, so no extra
 * GetMetricData) against the applied quotas from Service Quotas (cached for hours: quotas rarely
 * change, and each refresh would otherwise page through every Bedrock quota twice).
 */
import type { AwsClients } from "../aws/clients.ts";
import { cacheKey } from "../cache/keys.ts";
import type { SwrCache } from "../cache/swr-cache.ts";
import { bedrockRegion, type Config, invokeModelId } from "../config.ts";
import { quotaUsage } from "../sources/quota-usage.ts";
import { fetchQuotas, type QuotasResult } from "../sources/quotas.ts";
import type { Panel, QuotasData } from "./contract.ts";
import { toCsv } from "./csv.ts";
import type { Dashboard } from "./dashboard.ts";
import { toPanel } from "./dashboard.ts";
import type { DataQuery } from "./params.ts";

export interface QuotasDeps {
  config: Config;
  clients: AwsClients;
  cache: SwrCache;
  dashboard: Dashboard;
}

export async function appliedQuotas(deps: QuotasDeps, force = false): Promise<Panel<QuotasResult>> {
  const region = bedrockRegion(deps.config);
  const models = deps.config.bedrock.models.map(invokeModelId).sort();
  const key = cacheKey("quotas", { region, models });
  const fetch = () => fetchQuotas(deps.clients.serviceQuotas({ region }), deps.config, region);
  return toPanel(await deps.cache.get(key, deps.config.quotas.ttlSeconds * 1000, fetch, { force }));
}

export async function quotasPanel(
  deps: QuotasDeps,
  q: Pick<DataQuery, "range" | "functions" | "models">,
): Promise<Panel<QuotasData>> {
  const [metrics, quotas] = await Promise.all([deps.dashboard.metrics(q), appliedQuotas(deps)]);
  if (!metrics.data) return { ...metrics, data: null };
  const labels = new Map(deps.config.bedrock.models.map((m) => [invokeModelId(m), m.label ?? m.id]));
  const region = bedrockRegion(deps.config);
  const period = metrics.data.quota?.periodSeconds ?? metrics.data.range.periodSeconds;
  const data: QuotasData = {
    range: metrics.data.range,
    periodSeconds: period,
    perMinute: period === 60,
    hotPercent: deps.config.quotas.hotPercent,
    region,
    models: quotaUsage({
      metrics: metrics.data,
      quotas: quotas.data?.models ?? null,
      labels,
      region,
      hotPercent: deps.config.quotas.hotPercent,
    }),
    quotasAsOf: quotas.asOf,
    quotasError: quotas.error,
  };
  return { ...metrics, data };
}

export function quotasCsv(data: QuotasData): string {
  return toCsv(
    [
      "model",
      "endpoint",
      "tpm_quota",
      "tpm_quota_code",
      "tpm_quota_name",
      "peak_tokens_per_minute",
      "peak_at",
      "p95_tokens_per_minute",
      "peak_percent",
      "p95_percent",
      "headroom_percent",
      "minutes_above_hot",
      "rpm_quota",
      "rpm_quota_code",
      "peak_requests_per_minute",
      "throttles",
      "throttles_in_hot_minutes",
    ],
    data.models.map((m) => [
      m.modelId,
      m.endpoint,
      m.tpm?.value,
      m.tpm?.code,
      m.tpm?.name,
      m.tokens.peak,
      m.tokens.peakAt,
      m.tokens.p95,
      m.tokens.peakPercent,
      m.tokens.p95Percent,
      m.tokens.headroomPercent,
      m.tokens.minutesAbove,
      m.rpm?.value,
      m.rpm?.code,
      m.requests.peak,
      m.throttles,
      m.throttlesInHotMinutes,
    ]),
  );
}
