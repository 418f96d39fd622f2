/**
 * The overview KPIs, computed from the panels (same cache keys, so no extra AWS calls beyond
 * the previous-period metrics used for the comparison).
 */
import { bedrockRegion, type Config } from "../config.ts";
import { costOf, type PriceBook } from "../pricing/prices.ts";
import { estimateDaily } from "../pricing/reconcile.ts";
import { selectedModels } from "../sources/metrics.ts";
import type { TimeRange } from "../sources/range.ts";
import type { KpiValue, MetricsData, OverviewData, Panel, Series } from "./contract.ts";
import type { Dashboard } from "./dashboard.ts";
import type { DataQuery } from "./params.ts";

export interface Headline {
  invocations: number;
  errors: number;
  errorRate: number | null;
  /** Lambda Duration p90, the per-period p90s weighted by invocations. */
  p90LatencyMs: number | null;
  /** Bedrock TimeToFirstToken p90, the per-model per-period p90s weighted by invocations. */
  ttftP90Ms: number | null;
  tokens: number;
  estimatedCostUsd: number;
}

const sumOf = (s: Series | undefined) => (s?.points ?? []).reduce((n, [, v]) => n + v, 0);
const find = (list: readonly Series[], resource: string, metric: string, stat: string) =>
  list.find((s) => s.resource === resource && s.id.endsWith(`:${metric}:${stat}`));

export function headline(data: MetricsData, config: Config, prices: PriceBook): Headline {
  const fns = [...new Set(data.lambda.map((s) => s.resource))];
  let invocations = 0;
  let errors = 0;
  let weighted = 0;
  let weight = 0;
  for (const fn of fns) {
    const inv = find(data.lambda, fn, "Invocations", "Sum");
    invocations += sumOf(inv);
    errors += sumOf(find(data.lambda, fn, "Errors", "Sum"));
    const counts = new Map(inv?.points ?? []);
    for (const [t, p90] of find(data.lambda, fn, "Duration", "p90")?.points ?? []) {
      const n = counts.get(t) ?? 0;
      weighted += p90 * n;
      weight += n;
    }
  }
  let tokens = 0;
  let cost = 0;
  let ttftWeighted = 0;
  let ttftWeight = 0;
  for (const model of new Set(data.bedrock.map((s) => s.resource))) {
    const calls = new Map(find(data.bedrock, model, "Invocations", "Sum")?.points ?? []);
    for (const [t, p90] of find(data.bedrock, model, "TimeToFirstToken", "p90")?.points ?? []) {
      const n = calls.get(t) ?? 0;
      ttftWeighted += p90 * n;
      ttftWeight += n;
    }
    const input = sumOf(find(data.bedrock, model, "InputTokenCount", "Sum"));
    const output = sumOf(find(data.bedrock, model, "OutputTokenCount", "Sum"));
    tokens += input + output;
    const price = prices.price(model, bedrockRegion(config));
    if (price) cost += costOf({ input, output }, price);
  }
  return {
    invocations,
    errors,
    errorRate: invocations > 0 ? Math.round((errors / invocations) * 10_000) / 100 : null,
    p90LatencyMs: weight > 0 ? Math.round((weighted / weight) * 100) / 100 : null,
    ttftP90Ms: ttftWeight > 0 ? Math.round((ttftWeighted / ttftWeight) * 100) / 100 : null,
    tokens,
    estimatedCostUsd: Math.round(cost * 1_000_000) / 1_000_000,
  };
}

function kpi(value: number | null, previous: number | null, unit: KpiValue["unit"]): KpiValue {
  const change =
    value !== null && previous !== null && previous !== 0
      ? Math.round(((value - previous) / previous) * 10_000) / 10_000
      : null;
  return { value, previous, change, unit };
}

/** Per models filter (a memoised query's array): the models shown, and them as a memo key part. */
const shownByFilter = new WeakMap<readonly string[], { models: ReadonlySet<string>; key: string }>();

/**
 * Today's tokens of the models the metrics panel shows (the daily rows also hold every other
 * model CloudWatch lists, for the cost estimate).
 */
function shownModels(
  config: Config,
  models: readonly string[],
): { models: ReadonlySet<string>; key: string } {
  let shown = shownByFilter.get(models);
  if (!shown) {
    const list = selectedModels(config, models.length ? { models: [...models] } : {});
    shown = { models: new Set(list), key: list.join(",") };
    shownByFilter.set(models, shown);
  }
  return shown;
}

export async function overview(
  dashboard: Dashboard,
  config: Config,
  q: DataQuery,
): Promise<Panel<OverviewData>> {
  const [current, previous, costs, budgets, daily] = await Promise.all([
    dashboard.metrics(q),
    dashboard.metrics(q, false, true),
    dashboard.costsPanel(q),
    dashboard.budgetsPanel(),
    dashboard.dailyTokens(
      dashboard.fetchWindow(dashboard.costWindow(q.range), q.range.kind === "preset"),
      q.models,
    ),
  ]);
  const today = dashboard.today();
  const shown = shownModels(config, q.models);
  // The range as resolved now, only when the metrics panel (whose data holds it) has nothing yet.
  const range = current.data ? null : dashboard.resolve(q.range);
  const data = dashboard.overviewData.get(
    [
      current.data,
      previous.data,
      costs.data,
      budgets.data,
      daily.value,
      shown.key,
      today,
      range?.start.getTime() ?? null,
      range?.end.getTime() ?? null,
      range?.periodSeconds ?? null,
      range?.preset ?? null,
    ],
    (): OverviewData => {
      const todayRows = estimateDaily(
        (daily.value ?? []).filter((d) => d.date === today && shown.models.has(d.modelId)),
        dashboard.prices,
        bedrockRegion(config),
      );
      const now = current.data ? headline(current.data, config, dashboard.prices) : null;
      const before = previous.data ? headline(previous.data, config, dashboard.prices) : null;
      const managed = config.budgets.managed.map((b) => b.name);
      const budget = budgets.data?.budgets.find((b) => managed.includes(b.name)) ?? budgets.data?.budgets[0];
      const projected = costs.data?.forecast?.projected ?? null;
      return {
        range: current.data?.range ?? shownRange(range ?? dashboard.resolve(q.range)),
        invocations: kpi(now?.invocations ?? null, before?.invocations ?? null, "Count"),
        errorRate: kpi(now?.errorRate ?? null, before?.errorRate ?? null, "Percent"),
        p90LatencyMs: kpi(now?.p90LatencyMs ?? null, before?.p90LatencyMs ?? null, "Milliseconds"),
        ttftP90Ms: kpi(now?.ttftP90Ms ?? null, before?.ttftP90Ms ?? null, "Milliseconds"),
        tokens: kpi(now?.tokens ?? null, before?.tokens ?? null, "Tokens"),
        estimatedCostUsd: kpi(now?.estimatedCostUsd ?? null, before?.estimatedCostUsd ?? null, "USD"),
        monthToDateUsd: costs.data?.monthToDate ?? null,
        // The month-end projection as the costs panel states it (month to date + the rest of the
        // month, or a whole-month forecast after a month start); null when it cannot be said yet.
        forecastUsd: projected ? Math.round(projected.mean * 100) / 100 : null,
        budgetUsd: budget?.limit ?? null,
        // The card compares the budget with the budget's own spend (its own scope), never with the
        // Bedrock-only month to date.
        budget: budget
          ? {
              name: budget.name,
              limit: budget.limit,
              actual: budget.actual,
              forecast: budget.forecast,
              scope: budget.scope ?? "all services",
            }
          : null,
        tokensToday: daily.value ? todayRows.reduce((n, r) => n + r.input + r.output, 0) : null,
        estimatedCostTodayUsd: daily.value
          ? Math.round(todayRows.reduce((n, r) => n + (r.estimatedUsd ?? 0), 0) * 1_000_000) / 1_000_000
          : null,
      };
    },
  );
  const errors = [current.error, costs.error, budgets.error].filter((e) => e !== null);
  return {
    data,
    asOf: current.asOf,
    stale: current.stale || costs.stale || budgets.stale,
    error: errors[0] ?? null,
  };
}

/** A resolved range as the contract shows it. */
function shownRange(range: TimeRange): OverviewData["range"] {
  return {
    start: range.start.toISOString(),
    end: range.end.toISOString(),
    preset: range.preset,
    periodSeconds: range.periodSeconds,
  };
}
