/**
 * The metrics panel: every Lambda series per configured function (in the Lambda region) and
 * every Bedrock series per configured model ID (in the Bedrock region), one GetMetricData
 * input per region per refresh.
 */
import type { MetricsData, Series } from "../api/contract.ts";
import type { AwsClients } from "../aws/clients.ts";
import { bedrockRegion, type Config, invokeModelId, lambdaRegion } from "../config.ts";
import { getMetricData, MAX_QUERIES_PER_CALL, type MetricRequest, zeroFill } from "./metric-data.ts";
import { accountTotals, planAccountSeries } from "./metrics-accounts.ts";
import { DEFAULT_MAX_POINTS, MAX_DATAPOINTS_PER_CALL, type TimeRange, withMaxPoints } from "./range.ts";

interface StatSpec {
  metric: string;
  stat: MetricRequest["stat"];
  unit: Series["unit"];
  label: string;
}

/**
 * The statistics the page draws (web/src/panels/lambda.ts, bedrock.ts) and the KPIs read, and no
 * others: GetMetricData bills every series requested, 288 times a day on the 24 h view. Duration
 * p50/p99, ConcurrentExecutions and the Bedrock latency average/p99 were bought and never shown
 * (the range-wide Duration p50/p90/p99 come from server/sources/lambda-percentiles.ts).
 */
export const LAMBDA_STATS: readonly StatSpec[] = [
  { metric: "Invocations", stat: "Sum", unit: "Count", label: "Invocations" },
  { metric: "Duration", stat: "Average", unit: "Milliseconds", label: "Duration avg" },
  { metric: "Duration", stat: "p90", unit: "Milliseconds", label: "Duration p90" },
  { metric: "Duration", stat: "Maximum", unit: "Milliseconds", label: "Duration max" },
  { metric: "Errors", stat: "Sum", unit: "Count", label: "Errors" },
  { metric: "Throttles", stat: "Sum", unit: "Count", label: "Throttles" },
];

export const BEDROCK_STATS: readonly StatSpec[] = [
  { metric: "Invocations", stat: "Sum", unit: "Count", label: "Invocations" },
  { metric: "InvocationLatency", stat: "p50", unit: "Milliseconds", label: "Latency p50" },
  { metric: "InvocationLatency", stat: "p90", unit: "Milliseconds", label: "Latency p90" },
  { metric: "InputTokenCount", stat: "Sum", unit: "Tokens", label: "Input tokens" },
  { metric: "OutputTokenCount", stat: "Sum", unit: "Tokens", label: "Output tokens" },
  { metric: "InvocationThrottles", stat: "Sum", unit: "Count", label: "Throttles" },
  { metric: "InvocationClientErrors", stat: "Sum", unit: "Count", label: "Client errors" },
  { metric: "InvocationServerErrors", stat: "Sum", unit: "Count", label: "Server errors" },
  // Server-side time to first token (streaming calls only; AWS/Bedrock since March 2026).
  { metric: "TimeToFirstToken", stat: "p50", unit: "Milliseconds", label: "TTFT p50" },
  { metric: "TimeToFirstToken", stat: "p90", unit: "Milliseconds", label: "TTFT p90" },
];

/**
 * Quota usage per model at one minute: EstimatedTPMQuotaUsage is the absolute number of tokens
 * counted against the TPM quota (input + cache writes + output x burndown), not a percentage.
 */
export const QUOTA_STATS: readonly StatSpec[] = [
  { metric: "EstimatedTPMQuotaUsage", stat: "Sum", unit: "Tokens", label: "TPM quota usage" },
  { metric: "Invocations", stat: "Sum", unit: "Count", label: "Requests" },
  { metric: "InvocationThrottles", stat: "Sum", unit: "Count", label: "Throttles" },
];

/** Quotas are per minute: ranges up to 24 h get 60 s quota series (1,440 points at most). */
export const QUOTA_MINUTE_RANGE_S = 86_400;

/**
 * The period of the quota series for a fetched range: 60 s up to 24 h (retention permitting), else
 * the range's. The fetched range is the requested one aligned outwards to its period, so the 24 h
 * preset spans up to one period more than 24 h: that still counts as 24 h.
 */
export function quotaPeriod(range: TimeRange, now: Date, maxPoints = DEFAULT_MAX_POINTS): number {
  const span = (range.end.getTime() - range.start.getTime()) / 1000;
  const ageDays = (now.getTime() - range.start.getTime()) / 86_400_000;
  const fits = span <= QUOTA_MINUTE_RANGE_S + range.periodSeconds && span / 60 <= maxPoints;
  return fits && ageDays <= 15 ? 60 : range.periodSeconds;
}

export interface MetricsFilter {
  /** Lambda function names to include (all configured when empty). */
  functions?: readonly string[];
  /** Model IDs (base or as invoked) to include (all configured when empty). */
  models?: readonly string[];
}

interface Planned extends MetricRequest {
  kind: "lambda" | "bedrock" | "quota";
  resource: string;
  spec: StatSpec;
}

export function selectedFunctions(config: Config, filter: MetricsFilter = {}): string[] {
  const all = config.lambda.functions.map((f) => f.name);
  return filter.functions?.length ? all.filter((f) => filter.functions!.includes(f)) : all;
}

export function selectedModels(config: Config, filter: MetricsFilter = {}): string[] {
  const wanted = filter.models ?? [];
  return config.bedrock.models
    .filter((m) => wanted.length === 0 || wanted.includes(m.id) || wanted.includes(invokeModelId(m)))
    .map(invokeModelId);
}

/** Every series a refresh asks for, in a stable order. */
export function planSeries(config: Config, filter: MetricsFilter = {}): Planned[] {
  const out: Planned[] = [];
  for (const fn of selectedFunctions(config, filter)) {
    for (const spec of LAMBDA_STATS) {
      out.push({
        key: `lambda:${fn}:${spec.metric}:${spec.stat}`,
        kind: "lambda",
        resource: fn,
        spec,
        region: lambdaRegion(config),
        namespace: "AWS/Lambda",
        metricName: spec.metric,
        dimensions: { FunctionName: fn },
        stat: spec.stat,
      });
    }
  }
  for (const modelId of selectedModels(config, filter)) {
    for (const spec of BEDROCK_STATS) {
      out.push({
        key: `bedrock:${modelId}:${spec.metric}:${spec.stat}`,
        kind: "bedrock",
        resource: modelId,
        spec,
        region: bedrockRegion(config),
        namespace: "AWS/Bedrock",
        metricName: spec.metric,
        dimensions: { ModelId: modelId },
        stat: spec.stat,
      });
    }
  }
  for (const modelId of selectedModels(config, filter)) {
    for (const spec of QUOTA_STATS) {
      out.push({
        key: `quota:${modelId}:${spec.metric}:${spec.stat}`,
        kind: "quota",
        resource: modelId,
        spec,
        region: bedrockRegion(config),
        namespace: "AWS/Bedrock",
        metricName: spec.metric,
        dimensions: { ModelId: modelId },
        stat: spec.stat,
      });
    }
  }
  return out;
}

/** The point budget per series so that one call never exceeds 100,800 datapoints (no truncation). */
export function maxPointsFor(seriesCount: number): number {
  const perCall = Math.min(MAX_QUERIES_PER_CALL, Math.max(1, seriesCount));
  return Math.min(DEFAULT_MAX_POINTS, Math.floor(MAX_DATAPOINTS_PER_CALL / perCall));
}

/** The range (and period) fetchMetrics really asks CloudWatch for, given how many series it plans. */
export function fetchedRange(
  config: Config,
  requested: TimeRange,
  now: Date,
  filter: MetricsFilter = {},
): TimeRange {
  const series =
    planSeries(config, filter).length +
    planAccountSeries(config, selectedFunctions(config, filter), selectedModels(config, filter)).length;
  return withMaxPoints(requested, now, maxPointsFor(series));
}

/**
 * The series the overview's KPI deltas read from the previous period (server/api/overview.ts
 * `headline`): invocations, errors and the Duration p90 per function; invocations, the TTFT p90
 * and the token sums per model. GetMetricData bills each series requested.
 */
const KPI_SERIES = new Set([
  "lambda:Invocations:Sum",
  "lambda:Errors:Sum",
  "lambda:Duration:p90",
  "bedrock:Invocations:Sum",
  "bedrock:TimeToFirstToken:p90",
  "bedrock:InputTokenCount:Sum",
  "bedrock:OutputTokenCount:Sum",
]);

export function isKpiSeries(p: { kind: string; spec: { metric: string; stat: string } }): boolean {
  return KPI_SERIES.has(`${p.kind}:${p.spec.metric}:${p.spec.stat}`);
}

export interface FetchMetricsOptions {
  /**
   * Only the KPI series (the previous period of the overview's comparisons): the same range and
   * period as the full panel (planned from the full series count, so every KPI comes out the
   * same), without the chart-only, quota and per-account series.
   */
  kpiOnly?: boolean;
}

export async function fetchMetrics(
  clients: AwsClients,
  config: Config,
  requested: TimeRange,
  now: Date,
  filter: MetricsFilter = {},
  options: FetchMetricsOptions = {},
): Promise<MetricsData> {
  const base = planSeries(config, filter);
  const perAccount = planAccountSeries(
    config,
    selectedFunctions(config, filter),
    selectedModels(config, filter),
  );
  // Every series goes in the same calls: fetchedRange's period and the quota series' datapoint
  // budget both come from their count.
  const count = base.length + perAccount.length;
  const range = withMaxPoints(requested, now, maxPointsFor(count));
  // Per-minute quota series are bounded by the call's datapoint budget, not by the chart density
  // (DEFAULT_MAX_POINTS) the other series are fetched at.
  const seriesPerCall = Math.max(1, Math.min(MAX_QUERIES_PER_CALL, count));
  const qPeriod = quotaPeriod(range, now, Math.floor(MAX_DATAPOINTS_PER_CALL / seriesPerCall));
  const all = base.map((p) => (p.kind === "quota" ? { ...p, periodSeconds: qPeriod } : p));
  const planned = options.kpiOnly ? all.filter(isKpiSeries) : all;
  const accountSeries = options.kpiOnly ? [] : perAccount;
  // A Bedrock Sum the quota series already hold (Invocations, InvocationThrottles per model, at
  // one minute or at the range's period) is summed from them, not bought a second time.
  const derived = new Map<string, string>();
  const quotaKeys = new Set(planned.filter((p) => p.kind === "quota").map((p) => p.key));
  for (const p of planned) {
    const source = `quota:${p.resource}:${p.spec.metric}:${p.spec.stat}`;
    if (p.kind === "bedrock" && p.stat === "Sum" && quotaKeys.has(source)) derived.set(p.key, source);
  }
  const bought = planned.filter((p) => !derived.has(p.key));
  const fetched =
    bought.length + accountSeries.length === 0
      ? { points: new Map<string, Array<[number, number]>>(), calls: 0, partial: [] }
      : await getMetricData(
          (region) => clients.cloudwatch({ region }),
          [...bought, ...accountSeries],
          range.start,
          range.end,
          range.periodSeconds,
        );
  for (const [key, source] of derived) {
    fetched.points.set(key, rebin(fetched.points.get(source) ?? [], range.start, range.periodSeconds));
  }
  const toSeries = (p: Planned): Series => {
    const raw = fetched.points.get(p.key) ?? [];
    const period = p.periodSeconds ?? range.periodSeconds;
    return {
      id: p.key,
      label: p.spec.label,
      unit: p.spec.unit,
      resource: p.resource,
      stat: p.stat,
      points: p.stat === "Sum" ? zeroFill(raw, range.start, range.end, period) : raw,
    };
  };
  const lambda = planned.filter((p) => p.kind === "lambda").map(toSeries);
  for (const fn of selectedFunctions(config, filter)) lambda.push(errorRateSeries(lambda, fn));
  const bedrock = planned.filter((p) => p.kind === "bedrock").map(toSeries);
  const sumOf = (list: readonly Series[], metric: string) =>
    list.filter((s) => s.id.endsWith(`:${metric}:Sum`)).reduce((n, s) => n + total(s), 0);
  const accounts =
    config.aws.accounts && !options.kpiOnly
      ? accountTotals(config, perAccount, fetched.points, {
          lambdaInvocations: sumOf(lambda, "Invocations"),
          lambdaErrors: sumOf(lambda, "Errors"),
          bedrockInvocations: sumOf(bedrock, "Invocations"),
          inputTokens: sumOf(bedrock, "InputTokenCount"),
          outputTokens: sumOf(bedrock, "OutputTokenCount"),
          bedrockErrors: sumOf(bedrock, "InvocationClientErrors") + sumOf(bedrock, "InvocationServerErrors"),
          bedrockThrottles: sumOf(bedrock, "InvocationThrottles"),
        })
      : undefined;
  return {
    range: {
      start: range.start.toISOString(),
      end: range.end.toISOString(),
      preset: range.preset,
      periodSeconds: range.periodSeconds,
    },
    lambda,
    bedrock,
    quota: { periodSeconds: qPeriod, series: planned.filter((p) => p.kind === "quota").map(toSeries) },
    ...(accounts ? { accounts } : {}),
    calls: fetched.calls,
  };
}

/**
 * Sums of finer points per period from `start` (a CloudWatch Sum over a period is the sum of the
 * Sums of the periods inside it), sorted by time; empty periods are left out, as CloudWatch does.
 */
export function rebin(
  points: ReadonlyArray<[number, number]>,
  start: Date,
  periodSeconds: number,
): Array<[number, number]> {
  const from = start.getTime();
  const step = periodSeconds * 1000;
  const sums = new Map<number, number>();
  for (const [t, v] of points) {
    const bin = from + Math.floor((t - from) / step) * step;
    sums.set(bin, (sums.get(bin) ?? 0) + v);
  }
  return [...sums.entries()].sort((a, b) => a[0] - b[0]);
}

/** Errors / Invocations per period, in percent (computed here: no metric-math query to pay for). */
export function errorRateSeries(lambda: readonly Series[], fn: string): Series {
  const find = (metric: string) => lambda.find((s) => s.id === `lambda:${fn}:${metric}:Sum`)?.points ?? [];
  const errors = new Map(find("Errors"));
  const points: Array<[number, number]> = find("Invocations")
    .filter(([, n]) => n > 0)
    .map(([t, n]) => [t, Math.round(((errors.get(t) ?? 0) / n) * 10_000) / 100]);
  return {
    id: `lambda:${fn}:ErrorRate:Percent`,
    label: "Error rate",
    unit: "Percent",
    resource: fn,
    stat: "ErrorRate",
    points,
  };
}

/** Sum of a series' values. */
export function total(series: Series | undefined): number {
  return (series?.points ?? []).reduce((sum, [, v]) => sum + v, 0);
}
