/**
 * A budget's CalculatedSpend (ActualSpend, ForecastedSpend) and its notifications' state, computed
 * from the same bill Cost Explorer serves, for the budget's current period and cost filters.
 */
import { AwsError } from "../../core/errors.ts";
import type { SandboxContext } from "../../core/types.ts";
import { DAY } from "../../workload/model.ts";
import { sumBill } from "../costexplorer/cost-and-usage.ts";
import { compileExpression, dimensionValue, type LinePredicate } from "../costexplorer/expression.ts";
import { forecastBetween, runRate } from "../costexplorer/forecast.ts";
import type { NotificationShape, Spend, StoredBudget } from "./store.ts";

/** Budgets' CostFilters keys -> Cost Explorer dimensions. */
export const COST_FILTER_KEYS: Readonly<Record<string, string>> = {
  Service: "SERVICE",
  UsageType: "USAGE_TYPE",
  Region: "REGION",
  LinkedAccount: "LINKED_ACCOUNT",
  Operation: "OPERATION",
  RecordType: "RECORD_TYPE",
  AZ: "AZ",
  InstanceType: "INSTANCE_TYPE",
  PurchaseType: "PURCHASE_TYPE",
  LegalEntityName: "LEGAL_ENTITY_NAME",
  InvoicingEntity: "INVOICING_ENTITY",
  Tenancy: "TENANCY",
  Platform: "PLATFORM",
  UsageTypeGroup: "USAGE_TYPE_GROUP",
};

export function budgetPredicate(budget: StoredBudget, accountId: string): LinePredicate {
  const parts: LinePredicate[] = [];
  for (const [key, values] of Object.entries(budget.CostFilters ?? {})) {
    if (key === "TagKeyValue") {
      // Sandbox resources are untagged: only "<tag>$" (no value) matches.
      const matchesUntagged = values.some((v) => v.endsWith("$"));
      parts.push(() => matchesUntagged);
      continue;
    }
    const dim = COST_FILTER_KEYS[key];
    if (!dim)
      throw new AwsError(
        "InvalidParameterException",
        `Invalid cost filter key: ${key}. Valid keys are ${Object.keys(COST_FILTER_KEYS).join(", ")}, TagKeyValue`,
      );
    const set = new Set(values);
    parts.push((l) => set.has(dimensionValue(l, dim, accountId) ?? ""));
  }
  if (budget.FilterExpression) {
    try {
      parts.push(compileExpression(budget.FilterExpression, accountId, "FilterExpression"));
    } catch (err) {
      throw new AwsError("InvalidParameterException", err instanceof Error ? err.message : String(err));
    }
  }
  return (l) => parts.every((p) => p(l));
}

/** The budget period containing `now` (UTC), as [start, end) epoch ms. */
export function currentPeriod(budget: StoredBudget, now: number): { start: number; end: number } {
  const d = new Date(now);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  switch (budget.TimeUnit) {
    case "DAILY": {
      const start = Math.floor(now / DAY) * DAY;
      return { start, end: start + DAY };
    }
    case "QUARTERLY": {
      const q = Math.floor(m / 3) * 3;
      return { start: Date.UTC(y, q, 1), end: Date.UTC(y, q + 3, 1) };
    }
    case "ANNUALLY":
      return { start: Date.UTC(y, 0, 1), end: Date.UTC(y + 1, 0, 1) };
    case "CUSTOM":
      return { start: budget.TimePeriod.Start * 1000, end: budget.TimePeriod.End * 1000 };
    default:
      return { start: Date.UTC(y, m, 1), end: Date.UTC(y, m + 1, 1) };
  }
}

/** Amounts as Budgets prints them: plain decimals, no exponent. */
export function budgetAmount(x: number): string {
  const fixed = (Math.abs(x) < 5e-11 ? 0 : x).toFixed(10).replace(/0+$/, "");
  return fixed.endsWith(".") ? `${fixed}0` : fixed;
}

export interface SpendFigures {
  actual: number;
  forecast: number;
  limit: number | undefined;
  unit: string;
}

export function spendFigures(ctx: SandboxContext, budget: StoredBudget): SpendFigures {
  const now = ctx.now();
  const period = currentPeriod(budget, now);
  const unit = budget.BudgetLimit?.Unit ?? "USD";
  const limit = budgetLimit(budget, period.start);
  if (budget.BudgetType !== "COST" && budget.BudgetType !== "USAGE")
    return { actual: 0, forecast: 0, limit, unit };
  const keep = budgetPredicate(budget, ctx.accountId);
  const field = budget.BudgetType === "COST" ? "cost" : "usage";
  const to = Math.min(period.end, Math.floor(now / DAY) * DAY + DAY);
  const actual = period.start >= to ? 0 : sumBill(ctx, { start: period.start, end: to }, keep).sum[field];
  const rest = forecastBetween(runRate(ctx, keep, field), period.start, period.end, now).mean;
  return { actual, forecast: actual + rest, limit, unit };
}

function budgetLimit(budget: StoredBudget, periodStart: number): number | undefined {
  const planned = budget.PlannedBudgetLimits?.[String(Math.floor(periodStart / 1000))];
  const raw = planned?.Amount ?? budget.BudgetLimit?.Amount;
  return raw === undefined ? undefined : Number(raw);
}

export function calculatedSpend(f: SpendFigures): { ActualSpend: Spend; ForecastedSpend: Spend } {
  return {
    ActualSpend: { Amount: budgetAmount(f.actual), Unit: f.unit },
    ForecastedSpend: { Amount: budgetAmount(f.forecast), Unit: f.unit },
  };
}

/** ALARM when the notification's spend (actual or forecasted) compares true against its threshold. */
export function notificationState(n: NotificationShape, f: SpendFigures): "ALARM" | "OK" {
  const spend = n.NotificationType === "FORECASTED" ? f.forecast : f.actual;
  let value = spend;
  if ((n.ThresholdType ?? "PERCENTAGE") === "PERCENTAGE") {
    if (!f.limit) return "OK";
    value = (spend / f.limit) * 100;
  }
  const t = n.Threshold;
  const hit =
    n.ComparisonOperator === "GREATER_THAN"
      ? value > t
      : n.ComparisonOperator === "LESS_THAN"
        ? value < t
        : Math.abs(value - t) < 1e-9;
  return hit ? "ALARM" : "OK";
}
