/** CSV for the tabular endpoints (RFC 4180 quoting; formula-leading cells neutralised). */
import type {
  AttributionData,
  BudgetsData,
  CostsData,
  LogsData,
  MetricsData,
  UsageData,
} from "./contract.ts";

type Cell = string | number | boolean | null | undefined;

/**
 * Text a spreadsheet would run as a formula (`=HYPERLINK(...)`, `+`, `-`, `@`, a tab or CR first,
 * also after leading spaces, also in full-width forms) gets a leading `'` (OWASP CSV injection).
 */
const FORMULA = /^[\s\u3000]*[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

export function csvCell(value: Cell | readonly string[]): string {
  if (value === null || value === undefined) return "";
  let text = Array.isArray(value) ? value.join("; ") : String(value);
  if (typeof value !== "number" && typeof value !== "boolean" && FORMULA.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const cell = (value: Cell): string => csvCell(value);

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
  // A day the Cost Explorer answer does not hold yet: a row that says so, not a missing day or $0.
  for (const d of data.notInCostExplorer ?? [])
    rows.push([d, "service", "all services", null, null, "not yet in Cost Explorer", null]);
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

/** One row per group per day, the unattributed remainder included (`unattributed` = true). */
export function attributionCsv(data: AttributionData): string {
  return toCsv(
    [
      "date",
      "by",
      "group",
      "label",
      "unattributed",
      "billed_usd",
      "estimated_usd",
      "input_tokens",
      "output_tokens",
    ],
    data.groups.flatMap((g) =>
      g.days.map((d) => [
        d.date,
        data.by,
        g.key,
        g.label,
        g.unattributed,
        d.billedUsd,
        d.estimatedUsd,
        d.inputTokens,
        d.outputTokens,
      ]),
    ),
  );
}
