/**
 * GetCostForecast from the recent daily run rate (mean and spread of the last 7 finished days).
 * https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_GetCostForecast.html
 */
import { AwsError, validation } from "../../core/errors.ts";
import type { SandboxContext, SandboxRequest } from "../../core/types.ts";
import { billOf } from "../../workload/bill.ts";
import { DAY } from "../../workload/model.ts";
import { isActiveTag } from "./cost-allocation-tags.ts";
import { compileExpression, type LinePredicate } from "./expression.ts";
import { addMonths, amount, formatDate, readGranularity, readTimePeriod, splitPeriods } from "./periods.ts";

const FORECAST_METRICS: Record<string, "cost" | "usage"> = {
  AMORTIZED_COST: "cost",
  BLENDED_COST: "cost",
  NET_AMORTIZED_COST: "cost",
  NET_UNBLENDED_COST: "cost",
  UNBLENDED_COST: "cost",
  USAGE_QUANTITY: "usage",
  NORMALIZED_USAGE_AMOUNT: "usage",
};
const RUN_RATE_DAYS = 7;

export interface RunRate {
  /** Mean per day. */
  mean: number;
  /** Standard deviation of the daily values. */
  sd: number;
}

/** Daily run rate of cost (or usage) over the last finished days with data. */
export function runRate(ctx: SandboxContext, keep: LinePredicate, field: "cost" | "usage" = "cost"): RunRate {
  const today = Math.floor(ctx.now() / DAY) * DAY;
  const first = Math.max(today - RUN_RATE_DAYS * DAY, Math.ceil(ctx.workload.historyStart() / DAY) * DAY);
  const values: number[] = [];
  for (const day of billOf(ctx.workload).days(first, today)) {
    values.push(day.lines.reduce((s, l) => (keep(l) ? s + l[field] : s), 0));
  }
  if (values.length === 0) return { mean: 0, sd: 0 };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / Math.max(1, values.length - 1);
  return { mean, sd: Math.sqrt(variance) };
}

/** Expected value from `from` to `to` at the run rate; the part of today already past is not forecast. */
export function forecastBetween(
  rate: RunRate,
  from: number,
  to: number,
  now: number,
): { mean: number; days: number } {
  const start = Math.max(from, now);
  const days = Math.max(0, (to - start) / DAY);
  return { mean: rate.mean * days, days };
}

/** Two-sided standard normal quantile for a prediction interval level in percent (Acklam's approximation). */
export function zForLevel(level: number): number {
  const p = 1 - (1 - level / 100) / 2;
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628274631,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const [a0, a1, a2, a3, a4, a5] = a as [number, number, number, number, number, number];
  const [b0, b1, b2, b3, b4] = b as [number, number, number, number, number];
  const [c0, c1, c2, c3, c4, c5] = c as [number, number, number, number, number, number];
  const [d0, d1, d2, d3] = d as [number, number, number, number];
  if (p > 0.97575) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return (
      -(((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) /
      ((((d0 * q + d1) * q + d2) * q + d3) * q + 1)
    );
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) /
    (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1)
  );
}

export function getCostForecast(
  ctx: SandboxContext,
  input: Record<string, unknown>,
  req: SandboxRequest,
): unknown {
  const period = readTimePeriod(input.TimePeriod);
  const metric = input.Metric;
  if (typeof metric !== "string" || !(metric in FORECAST_METRICS)) {
    throw validation(
      `Metric ${String(metric)} is not valid. Valid values are ${Object.keys(FORECAST_METRICS).join(", ")}`,
    );
  }
  const granularity = readGranularity(input.Granularity, "GetCostForecast");
  const level = input.PredictionIntervalLevel === undefined ? 80 : Number(input.PredictionIntervalLevel);
  if (!Number.isInteger(level) || level < 51 || level > 99)
    throw validation(
      `PredictionIntervalLevel ${String(input.PredictionIntervalLevel)} is not valid: use an integer from 51 to 99`,
    );
  const keep: LinePredicate =
    input.Filter === undefined
      ? () => true
      : compileExpression(input.Filter, ctx.accountId, "Filter", (key) => isActiveTag(ctx, key));
  const now = ctx.now();
  const today = Math.floor(now / DAY) * DAY;
  if (period.start >= period.end)
    throw validation(
      `Requested Start: ${formatDate(period.start)} must be before requested End: ${formatDate(period.end)}`,
    );
  if (period.start < today)
    throw validation(
      `Start date ${formatDate(period.start)} must be equal to or later than the current date ${formatDate(today)}`,
    );
  const horizon = granularity === "DAILY" ? addMonths(today, 3) + DAY : addMonths(today, 18);
  if (period.end > horizon)
    throw validation(
      `End date ${formatDate(period.end)} is too far in the future: ${granularity} forecasts reach ${formatDate(horizon)} at most`,
    );
  if (now - ctx.workload.historyStart() < DAY)
    throw new AwsError(
      "DataUnavailableException",
      "Insufficient amount of historical data to generate forecast.",
      400,
    );

  const field = FORECAST_METRICS[metric] ?? "cost";
  const rate = runRate(ctx, keep, field);
  const z = zForLevel(level);
  let total = 0;
  const results = splitPeriods(period, granularity).map((p) => {
    const f = forecastBetween(rate, p.start, p.end, now);
    total += f.mean;
    const half = z * rate.sd * Math.sqrt(f.days);
    return {
      TimePeriod: { Start: formatDate(p.start), End: formatDate(p.end) },
      MeanValue: amount(f.mean),
      PredictionIntervalLowerBound: amount(Math.max(0, f.mean - half)),
      PredictionIntervalUpperBound: amount(f.mean + half),
    };
  });
  req.notes.periods = results.length;
  return {
    Total: { Amount: amount(total), Unit: field === "cost" ? "USD" : "N/A" },
    ForecastResultsByTime: results,
  };
}
