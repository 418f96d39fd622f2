/** Cost Explorer time periods: date parsing, AWS's date rules, and splitting into DAILY/MONTHLY results. */
import { validation } from "../../core/errors.ts";
import { DAY } from "../../workload/model.ts";

export interface Period {
  start: number;
  end: number;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parse `yyyy-MM-dd` to epoch ms at 00:00 UTC; a ValidationException naming the field otherwise. */
export function parseDate(value: unknown, field: string): number {
  if (typeof value !== "string" || value.length === 0)
    throw validation(`${field} is required in the format yyyy-MM-dd`);
  const m = DATE.exec(value);
  const t = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  if (!m || Number.isNaN(t) || formatDate(t) !== value) {
    throw validation(`${field} ${value} is not a valid date. Use the format yyyy-MM-dd, e.g. 2026-11-01`);
  }
  return t;
}

export function formatDate(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

export function monthStart(t: number): number {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

export function addMonths(t: number, n: number): number {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1);
}

/** Read and check a TimePeriod object; returns [start, end) in epoch ms. */
export function readTimePeriod(raw: unknown): Period {
  if (raw === null || typeof raw !== "object")
    throw validation("TimePeriod is required: {Start: yyyy-MM-dd, End: yyyy-MM-dd}");
  const tp = raw as { Start?: unknown; End?: unknown };
  return { start: parseDate(tp.Start, "TimePeriod.Start"), end: parseDate(tp.End, "TimePeriod.End") };
}

/**
 * GetCostAndUsage's rules: Start before End, Start not after today, End at most the first day of
 * next month.
 */
export function checkUsagePeriod(p: Period, now: number): void {
  if (p.start >= p.end) throw validation("Start date (and hour) should be before end date (and hour)");
  const today = Math.floor(now / DAY) * DAY;
  if (p.start > today)
    throw validation(
      `Start date ${formatDate(p.start)} is after the current date ${formatDate(today)}: the start date must be equal to or earlier than today`,
    );
  if (p.end > addMonths(now, 1)) throw validation("end date past the beginning of next month");
  // Beyond the past 14 months (multi-year data) AWS answers only whole months: the text is AWS's,
  // as a 2026 Cost Explorer client met it (redhat-performance/cloud-governance#1011).
  if (p.start < addMonths(now, -14) && p.start !== monthStart(p.start))
    throw validation(
      "To retrieve data beyond the past 14 months, your start date needs to be the first day of the month.",
    );
  // Older periods are answered with zero amounts (no usage recorded), as an account with no history.
}

/** Split [start, end) into the result periods of a granularity (MONTHLY: calendar months, clipped). */
export function splitPeriods(p: Period, granularity: "DAILY" | "MONTHLY"): Period[] {
  const out: Period[] = [];
  if (granularity === "DAILY") {
    for (let t = p.start; t < p.end; t += DAY) out.push({ start: t, end: Math.min(t + DAY, p.end) });
    return out;
  }
  for (let t = p.start; t < p.end; ) {
    const next = Math.min(addMonths(t, 1), p.end);
    out.push({ start: t, end: next });
    t = next;
  }
  return out;
}

export function readGranularity(
  raw: unknown,
  op: "GetCostAndUsage" | "GetCostForecast",
): "DAILY" | "MONTHLY" {
  if (raw === "DAILY" || raw === "MONTHLY") return raw;
  if (raw === "HOURLY") {
    if (op === "GetCostForecast")
      throw validation("Granularity HOURLY is not supported for forecasts; use DAILY or MONTHLY");
    throw validation(
      "Hourly granularity is not enabled for this account. Enable hourly granularity in Cost Explorer preferences, or use DAILY or MONTHLY",
    );
  }
  if (raw === undefined) throw validation("Granularity is required: DAILY or MONTHLY");
  throw validation(`Granularity ${String(raw)} is not valid; use DAILY or MONTHLY`);
}

/** Amounts as Cost Explorer prints them: a decimal string with 10 places. */
export function amount(x: number): string {
  return (Math.abs(x) < 5e-11 ? 0 : x).toFixed(10);
}
