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
import type { MetricsData, Panel, QuotasData } from "./contract.ts";
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

/** The applied-quotas cache key per configuration (computed once, not per request). */
const quotaKeys = new WeakMap<Config, string>();

export async function appliedQuotas(deps: QuotasDeps, force = false): Promise<Panel<QuotasResult>> {
  const region = bedrockRegion(deps.config);
  let key = quotaKeys.get(deps.config);
  if (key === undefined) {
    key = cacheKey("quotas", { region, models: deps.config.bedrock.models.map(invokeModelId).sort() });
    quotaKeys.set(deps.config, key);
  }
  const fetch = () => fetchQuotas(deps.clients.serviceQuotas({ region }), deps.config, region);
  return toPanel(await deps.cache.get(key, deps.config.quotas.ttlSeconds * 1000, fetch, { force }));
}

/**
 * The derived panel data per metrics data object (held only as long as the cache holds that
 * object: a replaced entry's quotas data goes with it), recomputed when another input changed.
 */
const derived = new WeakMap<MetricsData, { inputs: readonly unknown[]; data: QuotasData }>();

function derive(config: Config, metrics: MetricsData, quotas: Panel<QuotasResult>): QuotasData {
  const inputs = [config, quotas.data, quotas.asOf, quotas.error, config.quotas.hotPercent];
  const known = derived.get(metrics);
  if (known?.inputs.every((part, i) => part === inputs[i])) return known.data;
  const data = quotasData(config, metrics, quotas);
  derived.set(metrics, { inputs, data });
  return data;
}

function quotasData(config: Config, metrics: MetricsData, quotas: Panel<QuotasResult>): QuotasData {
  const labels = new Map(config.bedrock.models.map((m) => [invokeModelId(m), m.label ?? m.id]));
  const region = bedrockRegion(config);
  const period = metrics.quota?.periodSeconds ?? metrics.range.periodSeconds;
  return {
    range: metrics.range,
    periodSeconds: period,
    perMinute: period === 60,
    hotPercent: config.quotas.hotPercent,
    region,
    models: quotaUsage({
      metrics,
      quotas: quotas.data?.models ?? null,
      labels,
      region,
      hotPercent: config.quotas.hotPercent,
    }),
    quotasAsOf: quotas.asOf,
    quotasError: quotas.error,
  };
}

export async function quotasPanel(
  deps: QuotasDeps,
  q: Pick<DataQuery, "range" | "functions" | "models">,
): Promise<Panel<QuotasData>> {
  const [metrics, quotas] = await Promise.all([deps.dashboard.metrics(q), appliedQuotas(deps)]);
  if (!metrics.data) return { ...metrics, data: null };
  // Computed once per metrics data object and applied-quotas answer: an unchanged panel is the
  // same object, so its bytes and ETag (server/api/encode.ts) are reused.
  const data = derive(deps.config, metrics.data, quotas);
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
