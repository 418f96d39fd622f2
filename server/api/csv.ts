/** CSV for the tabular endpoints (RFC 4180 quoting; formula-leading cells neutralised). */
import type { BudgetsData, CostsData, LogsData, MetricsData, UsageData } from "./contract.ts";

type Cell = string | number | boolean | null | undefined;

function cell(value: Cell): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly Cell[]>): string {
  return [header, ...rows].map((r) => r.map(cell).join(",")).join("\r\n") + "\r\n";
}

export function metricsCsv(data: MetricsData): string {
  const rows = [...data.lambda, ...data.bedrock].flatMap((s) =>
    s.points.map(
      ([t, v]) =>
        [new Date(t).toISOString(), s.resource, s.id.split(":").at(-2), s.stat, s.unit, v] as Cell[],
    ),
  );
  return toCsv(["timestamp", "resource", "metric", "stat", "unit", "value"], rows);
}

export function logsCsv(data: LogsData): string {
  return toCsv(
    ["bin", "avg_ms", "min_ms", "max_ms", "count"],
    data.durations.map((d) => [d.bin, d.avg, d.min, d.max, d.count]),
  );
}

export function costsCsv(data: CostsData): string {
  const rows: Cell[][] = [];
  for (const d of data.byService)
    for (const [k, v] of Object.entries(d.groups))
      rows.push([d.date, "service", k, v, null, null, d.estimated]);
  for (const r of data.reconciliation)
    rows.push([r.date, "model", r.model, r.billedUsd, r.estimatedUsd, r.cause, null]);
  return toCsv(["date", "kind", "name", "billed_usd", "estimated_usd", "cause", "estimated_by_aws"], rows);
}

export function budgetsCsv(data: BudgetsData): string {
  return toCsv(
    ["name", "limit_usd", "actual_usd", "forecast_usd", "percent_used", "time_unit"],
    data.budgets.map((b) => [b.name, b.limit, b.actual, b.forecast, b.percentUsed, b.timeUnit]),
  );
}

export function usageCsv(data: UsageData): string {
  return toCsv(
    ["api", "count", "estimated_usd"],
    data.calls.map((c) => [c.api, c.count, c.estimatedUsd]),
  );
}
