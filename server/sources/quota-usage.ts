/**
 * Usage against quota, per model: per-minute EstimatedTPMQuotaUsage (tokens) and Invocations
 * (requests) against the applied TPM and RPM quotas — peak and p95 of the per-minute values,
 * headroom in the busiest minute, minutes above the hot share, throttles beside them — and one
 * plain sentence saying it. Pure: the metrics and quotas come in, the figures go out.
 */
import type { MetricsData, ModelQuotaUsage, QuotaLimit, QuotaUse, Series } from "../api/contract.ts";
import { type ModelQuotas, type QuotaFigure, quotaConsoleUrl } from "./quotas.ts";

export interface UsageInput {
  metrics: MetricsData;
  quotas: readonly ModelQuotas[] | null;
  labels: ReadonlyMap<string, string>;
  region: string;
  hotPercent: number;
}

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Nearest-rank percentile of values (0 for none). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** 800000 -> "800k", 4000000 -> "4M", 1250 -> "1,250". */
export function compact(n: number): string {
  if (n >= 1_000_000) return `${round(n / 1_000_000, 2)}M`;
  if (n >= 10_000) return `${round(n / 1000, 1)}k`;
  return Math.round(n).toLocaleString("en-US");
}

function perMinute(points: Array<[number, number]>, periodSeconds: number): Array<[number, number]> {
  const minutes = periodSeconds / 60;
  return minutes === 1 ? points : points.map(([t, v]) => [t, v / minutes]);
}

function use(points: Array<[number, number]>, limit: number | null, hotPercent: number): QuotaUse {
  let peak = 0;
  let peakAt: number | null = null;
  for (const [t, v] of points)
    if (v > peak) {
      peak = v;
      peakAt = t;
    }
  const p95 = percentile(
    points.map(([, v]) => v),
    95,
  );
  const pct = (v: number) => (limit && limit > 0 ? round((v / limit) * 100) : null);
  const peakPercent = pct(peak);
  return {
    peak: round(peak, 2),
    peakAt: peakAt === null ? null : new Date(peakAt).toISOString(),
    p95: round(p95, 2),
    peakPercent,
    p95Percent: pct(p95),
    headroomPercent: peakPercent === null ? null : round(100 - peakPercent),
    minutesAbove: limit ? points.filter(([, v]) => v > (limit * hotPercent) / 100).length : 0,
  };
}

function limitOf(f: QuotaFigure | null, region: string): QuotaLimit | null {
  return f ? { ...f, consoleUrl: quotaConsoleUrl(region, f.code) } : null;
}

function hhmm(iso: string): string {
  return `${iso.slice(11, 16)} UTC`;
}

export function sentenceFor(
  u: Omit<ModelQuotaUsage, "sentence">,
  hotPercent: number,
  perMinute: boolean,
): string {
  const per = perMinute
    ? ""
    : " (averaged per minute of each period; pick a range of 24 h or less for per-minute peaks)";
  if (!u.tpm)
    return `${u.label}: no tokens-per-minute quota found in Service Quotas, so no headroom can be computed; peak ${compact(u.tokens.peak)} tokens a minute${per}.`;
  if (u.tokens.peak === 0) return `${u.label} used none of its ${compact(u.tpm.value)} TPM in this range.`;
  const at = u.tokens.peakAt ? ` at ${hhmm(u.tokens.peakAt)}` : "";
  const throttles =
    u.throttles === 0
      ? "no throttles"
      : u.throttlesInHotMinutes > 0
        ? `${u.throttlesInHotMinutes} throttle${u.throttlesInHotMinutes === 1 ? "" : "s"} in the same minutes (${u.throttles} in the range)`
        : `${u.throttles} throttle${u.throttles === 1 ? "" : "s"} in the range, none in its busiest minutes`;
  let text = `${u.label} peaked at ${u.tokens.peakPercent}% of its ${compact(u.tpm.value)} TPM${at}${per}; ${throttles}.`;
  const hot = (u.tokens.peakPercent ?? 0) >= hotPercent || u.throttlesInHotMinutes > 0;
  if (hot)
    text += ` Request an increase: quota ${u.tpm.code} (${u.tpm.name}) ${u.tpm.consoleUrl}${u.tpm.adjustable ? "" : " — not adjustable in the console; open a support case"}.`;
  return text;
}

/** Per model usage against its quotas, from the metrics panel's quota series. */
export function quotaUsage(input: UsageInput): ModelQuotaUsage[] {
  const q = input.metrics.quota;
  const period = q?.periodSeconds ?? input.metrics.range.periodSeconds;
  const series = q?.series ?? [];
  const find = (model: string, metric: string): Series | undefined =>
    series.find((s) => s.resource === model && s.id === `quota:${model}:${metric}:Sum`);
  const models = [...new Set(series.map((s) => s.resource))];
  return models.map((modelId) => {
    const quotas = input.quotas?.find((m) => m.modelId === modelId);
    const tpm = limitOf(quotas?.tpm ?? null, input.region);
    const rpm = limitOf(quotas?.rpm ?? null, input.region);
    const tokens = perMinute(find(modelId, "EstimatedTPMQuotaUsage")?.points ?? [], period);
    const requests = perMinute(find(modelId, "Invocations")?.points ?? [], period);
    const throttles = find(modelId, "InvocationThrottles")?.points ?? [];
    const hot = new Set<number>();
    for (const [t, v] of tokens) if (tpm && v > (tpm.value * input.hotPercent) / 100) hot.add(t);
    for (const [t, v] of requests) if (rpm && v > (rpm.value * input.hotPercent) / 100) hot.add(t);
    const usage: Omit<ModelQuotaUsage, "sentence"> = {
      modelId,
      label: input.labels.get(modelId) ?? modelId,
      endpoint: quotas?.endpoint ?? "on-demand",
      tpm,
      rpm,
      tokens: use(tokens, tpm?.value ?? null, input.hotPercent),
      requests: use(requests, rpm?.value ?? null, input.hotPercent),
      throttles: throttles.reduce((n, [, v]) => n + v, 0),
      throttlesInHotMinutes: throttles.filter(([t]) => hot.has(t)).reduce((n, [, v]) => n + v, 0),
      series: { tokens, requests, throttles },
    };
    if (quotas?.note) usage.note = quotas.note;
    return { ...usage, sentence: sentenceFor(usage, input.hotPercent, period === 60) };
  });
}
