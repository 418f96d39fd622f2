/** Cost panels: daily cost by service (stacked), Bedrock cost per model, estimated vs billed with the gap, month-to-date vs budget with forecast. */
import type { CostsData, DailyCost, Panel } from "../../../server/api/contract.ts";
import type { SpecDataset } from "../charts.ts";
import { clear, h } from "../dom.ts";
import { formatTime, formatUsd } from "../format.ts";
import { costExplorerLink } from "../links.ts";
import { chartCard, panelFrame, setStatus } from "../panel.ts";
import { looksLikeModel, modelColor, modelName, paletteColor } from "../theme.ts";
import type { ViewContext } from "../view.ts";

/** The budget the month-to-date chart compares with: its limit and its own spend (its own scope). */
export interface BudgetRef {
  name: string;
  limit: number;
  actual: number;
  forecast: number | null;
  scope?: string;
}

export interface CostPanels {
  node: HTMLElement;
  render(panel: Panel<CostsData>, ctx: ViewContext, budget: BudgetRef | null): void;
}

const DAY = 86_400_000;

/** One stacked dataset per group key, points at each day's midnight UTC. */
export function stackedByGroup(
  days: DailyCost[],
  color: (key: string, index: number) => string,
  name: (key: string) => string,
): SpecDataset[] {
  const keys = [...new Set(days.flatMap((d) => Object.keys(d.groups)))].sort();
  return keys.map((key, i) => ({
    label: name(key),
    color: color(key, i),
    points: days.map(
      (d) => [Date.parse(`${d.date.slice(0, 10)}T00:00:00Z`), d.groups[key] ?? 0] as [number, number],
    ),
  }));
}

/** Per day: estimated and billed totals over models, and the gap (billed - estimated) where billed is known. */
export function reconcileByDay(
  rows: CostsData["reconciliation"],
): Array<{ t: number; estimated: number; billed: number | null; gap: number | null }> {
  const byDay = new Map<string, { estimated: number; billed: number | null }>();
  for (const r of rows) {
    const day = byDay.get(r.date) ?? { estimated: 0, billed: null };
    day.estimated += r.estimatedUsd;
    if (r.billedUsd !== null) day.billed = (day.billed ?? 0) + r.billedUsd;
    byDay.set(r.date, day);
  }
  return [...byDay.entries()]
    .map(([date, v]) => ({
      t: Date.parse(`${date.slice(0, 10)}T00:00:00Z`),
      ...v,
      gap: v.billed === null ? null : v.billed - v.estimated,
    }))
    .sort((a, b) => a.t - b.t);
}

export function costPanels(): CostPanels {
  const frame = panelFrame("panel-costs", "Costs", "costs", true);
  const byService = chartCard("costs-by-service", "Daily cost by service");
  const byModel = chartCard("costs-by-model", "Bedrock cost per model");
  const recon = chartCard("costs-reconciliation", "Estimated vs billed per day (gap)");
  const mtd = chartCard("costs-mtd", "Budget: its own spend vs its limit");
  const summary = h("p", { class: "cost-summary" });
  const notices = h("div", { class: "cost-notices" });
  const reconTable = h("div", { class: "table-wrap" });
  const cacheTable = h("div", { class: "table-wrap" });
  const unrecognisedTable = h("div", { class: "table-wrap" });
  frame.body.append(
    summary,
    notices,
    h("div", { class: "chart-grid" }, byService.root, byModel.root, recon.root, mtd.root),
    h(
      "details",
      { class: "chart-table", open: "" },
      h("summary", { text: "Reconciliation by model and day, with the cause of each gap" }),
      reconTable,
    ),
    h(
      "details",
      { class: "chart-table" },
      h("summary", { text: "Prompt caching per model: savings and cache writes never read" }),
      cacheTable,
    ),
    h(
      "details",
      { class: "chart-table" },
      h("summary", { text: "Unrecognised usage types (Bedrock spend not attributed to a model)" }),
      unrecognisedTable,
    ),
  );

  return {
    node: frame.section,
    render(panel, _ctx, budget) {
      setStatus(frame, panel);
      const data = panel.data;
      if (!data) return;
      const start = data.range.start;
      const end = data.range.end;
      const dayBounds = (days: Array<{ date: string }>) => {
        const ts = days.map((d) => Date.parse(`${d.date.slice(0, 10)}T00:00:00Z`));
        return ts.length ? { min: Math.min(...ts) - DAY / 2, max: Math.max(...ts) + DAY / 2 } : {};
      };
      byService.update(
        {
          id: "costs-by-service",
          title: "Daily cost by service",
          type: "bar",
          x: "time",
          unit: "USD",
          stacked: true,
          timeUnit: "day",
          ...dayBounds(data.byService),
          datasets: stackedByGroup(
            data.byService,
            (_k, i) => paletteColor(i),
            (k) => k,
          ),
        },
        { href: costExplorerLink(start, end, "SERVICE"), label: "Cost Explorer" },
      );
      byModel.update(
        {
          id: "costs-by-model",
          title: "Bedrock cost per model (all Bedrock services; adds up to the Bedrock total)",
          type: "bar",
          x: "time",
          unit: "USD",
          stacked: true,
          timeUnit: "day",
          ...dayBounds(data.bedrockByModel),
          datasets: stackedByGroup(
            data.bedrockByModel,
            (k, i) => (looksLikeModel(k) ? modelColor(k) : paletteColor(i + 3)),
            (k) => (looksLikeModel(k) ? modelName(k) : k),
          ),
        },
        { href: costExplorerLink(start, end, "USAGE_TYPE", "Amazon Bedrock"), label: "Cost Explorer" },
      );
      const days = reconcileByDay(data.reconciliation);
      recon.update(
        {
          id: "costs-reconciliation",
          title: "Estimated vs billed",
          type: "bar",
          x: "time",
          unit: "USD",
          timeUnit: "day",
          ...dayBounds(data.reconciliation),
          datasets: [
            {
              label: "Estimated (tokens × price)",
              color: "#56b4e9",
              points: days.map((d) => [d.t, d.estimated]),
            },
            {
              label: "Billed (Cost Explorer)",
              color: "#0072b2",
              points: days.filter((d) => d.billed !== null).map((d) => [d.t, d.billed ?? 0]),
            },
            {
              label: "Gap (billed − estimated)",
              color: "#d55e00",
              as: "line",
              points: days.filter((d) => d.gap !== null).map((d) => [d.t, d.gap ?? 0]),
            },
          ],
        },
        { href: costExplorerLink(start, end, "USAGE_TYPE", "Amazon Bedrock"), label: "Cost Explorer" },
      );
      // The budget against its own spend (AWS Budgets' ActualSpend / ForecastedSpend in the budget's
      // scope); the Bedrock month to date is its own bar, never divided by an all-services budget.
      const labels = [
        "Bedrock billed month to date",
        budget ? `${budget.name} spend (${budget.scope ?? "its scope"})` : "Budget spend",
        budget ? `${budget.name} forecast` : "Budget forecast",
        budget ? `${budget.name} limit` : "Budget limit",
      ];
      mtd.update(
        {
          id: "costs-mtd",
          title: "Budget: its own spend vs its limit",
          type: "bar",
          x: "category",
          xTitle: "measure",
          unit: "USD",
          horizontal: true,
          labels,
          datasets: [
            {
              label: "USD",
              color: "#0072b2",
              values: [
                data.monthToDate,
                budget?.actual ?? null,
                budget?.forecast ?? null,
                budget?.limit ?? null,
              ],
            },
          ],
        },
        { href: costExplorerLink(monthStart(end), end, "SERVICE"), label: "Cost Explorer" },
      );
      summary.textContent = costSummary(data, budget);
      renderNotices(notices, data);
      renderRecon(reconTable, data.reconciliation);
      renderCache(cacheTable, data.cacheEconomics ?? []);
      renderUnrecognised(unrecognisedTable, data.unrecognised ?? []);
    },
  };
}

/** One sentence: Bedrock billed so far and its projection; the budget in its own scope. */
export function costSummary(data: CostsData, budget: BudgetRef | null): string {
  const f = data.forecast;
  const p = f?.projected ?? null;
  // Before a month start the forecast is the rest of the month (added to the month to date); after
  // it, a forecast made last month holds this whole month (its entry is the projection itself).
  const made = f
    ? f.wholeMonth
      ? `whole-month forecast made ${f.madeOn}`
      : `month to date + forecast made ${f.madeOn} to ${formatTime(f.end)}`
    : "";
  const projection = !f
    ? ", no forecast yet"
    : p
      ? `, month end projected at ${formatUsd(p.mean)} (${formatUsd(p.low)}–${formatUsd(p.high)}, ${made})`
      : `, month end not projected yet (the month to date is not in Cost Explorer yet; forecast made ${f.madeOn})`;
  const services = data.bedrockServices?.length ? ` (${data.bedrockServices.join(", ")})` : "";
  const budgetText = budget
    ? ` Budget ${budget.name} (${budget.scope ?? "its own scope"}): ${formatUsd(budget.actual)} of ${formatUsd(budget.limit)} spent${budget.forecast === null ? "" : `, forecast ${formatUsd(budget.forecast)}${budget.forecast > budget.limit ? ", over its limit" : ", within its limit"}`}.`
    : "";
  const mtd = data.monthToDate === null ? "not yet in Cost Explorer" : formatUsd(data.monthToDate);
  return `Bedrock billed month to date ${mtd}${services}${projection}.${budgetText} Cost Explorer lags up to 24 h: recent days are estimated from token counts.`;
}

/** What the data cannot say, in words: unrecognised usage types, unpriced models, price coverage, profiles. */
export function costNotices(data: CostsData): string[] {
  const out: string[] = [];
  if (data.monthToDateNote) out.push(`Month to date: ${data.monthToDateNote}`);
  const pending = data.notInCostExplorer ?? [];
  if (pending.length > 0)
    out.push(
      `Not yet in Cost Explorer: ${pending.join(", ")}. The answer shown was fetched before ${pending.length === 1 ? "that day" : "those days"} began; Cost Explorer is asked again on its own cadence (costs.refreshesPerDay), so the billed figures are missing there, not $0. The estimate from token counts is shown.`,
    );
  const unknown = data.unrecognised ?? [];
  if (unknown.length > 0) {
    const total = unknown.reduce((n, u) => n + u.amountUsd, 0);
    out.push(
      `${formatUsd(total)} of Bedrock spend is in usage types this dashboard cannot attribute to a model (shown as "unrecognised usage types"): ${unknown.map((u) => `${u.usageType} (${u.service}) ${formatUsd(u.amountUsd)}`).join("; ")}.`,
    );
  }
  const p = data.prices;
  if (p) {
    for (const u of p.unpriced)
      out.push(`No price for ${u.model}: ${u.reason}. It is left out of the estimate, not priced at $0.`);
    out.push(
      `Estimate priced for ${p.region} from the price table as of ${p.asOf} (${p.source}); Regions with prices: ${p.regions.join(", ")}.`,
    );
    for (const prof of p.profiles)
      out.push(
        prof.model
          ? `Application inference profile ${prof.id} is priced as ${prof.model}.`
          : `Application inference profile ${prof.id} could not be resolved: ${prof.error ?? "unknown"}.`,
      );
  }
  return out;
}

function renderNotices(el: HTMLElement, data: CostsData): void {
  clear(el);
  for (const text of costNotices(data)) el.appendChild(h("p", { class: "cost-notice", text }));
}

function renderCache(el: HTMLElement, rows: NonNullable<CostsData["cacheEconomics"]>): void {
  clear(el);
  if (rows.length === 0) {
    el.appendChild(h("p", { text: "No prompt-cache tokens in CloudWatch for this range." }));
    return;
  }
  const head = h(
    "tr",
    {},
    ...[
      "model",
      "cache-read tokens",
      "saved vs input price",
      "cache-write tokens",
      "cache-write spend",
      "writes never read",
      "write-only days",
    ].map((c) => h("th", { scope: "col", text: c })),
  );
  const body = rows.map((r) =>
    h(
      "tr",
      {},
      h("th", { scope: "row", text: modelName(r.model) }),
      h("td", { text: String(r.cacheReadTokens) }),
      h("td", { text: formatUsd(r.savedUsd) }),
      h("td", { text: String(r.cacheWriteTokens) }),
      h("td", { text: formatUsd(r.cacheWriteUsd) }),
      h("td", { text: formatUsd(r.unreadWriteUsd) }),
      h("td", { text: r.writeOnlyDays.length ? r.writeOnlyDays.join(", ") : "none" }),
    ),
  );
  el.appendChild(
    h(
      "table",
      {},
      h("caption", { text: "Prompt caching per model (CloudWatch cache token counts × prices)" }),
      h("thead", {}, head),
      h("tbody", {}, ...body),
    ),
  );
}

function renderUnrecognised(el: HTMLElement, rows: NonNullable<CostsData["unrecognised"]>): void {
  clear(el);
  if (rows.length === 0) {
    el.appendChild(h("p", { text: "Every Bedrock dollar in this range is attributed to a model." }));
    return;
  }
  const head = h(
    "tr",
    {},
    ...["usage type", "service", "amount", "days"].map((c) => h("th", { scope: "col", text: c })),
  );
  const body = rows.map((r) =>
    h(
      "tr",
      {},
      h("th", { scope: "row", text: r.usageType }),
      h("td", { text: r.service }),
      h("td", { text: formatUsd(r.amountUsd) }),
      h("td", { text: String(r.days) }),
    ),
  );
  el.appendChild(
    h(
      "table",
      {},
      h("caption", { text: "Bedrock usage types not attributed to a model" }),
      h("thead", {}, head),
      h("tbody", {}, ...body),
    ),
  );
}

function monthStart(iso: string): string {
  return `${iso.slice(0, 7)}-01T00:00:00Z`;
}

function renderRecon(el: HTMLElement, rows: CostsData["reconciliation"]): void {
  clear(el);
  const head = h(
    "tr",
    {},
    ...["date", "model", "estimated", "billed", "gap", "cause", "why"].map((c) =>
      h("th", { scope: "col", text: c }),
    ),
  );
  const body = rows.map((r) =>
    h(
      "tr",
      {},
      h("th", { scope: "row", text: r.date.slice(0, 10) }),
      h("td", { text: modelName(r.model) }),
      h("td", { text: formatUsd(r.estimatedUsd) }),
      h("td", { text: r.billedUsd === null ? "not billed yet" : formatUsd(r.billedUsd) }),
      h("td", { text: r.gapUsd === null ? "–" : formatUsd(r.gapUsd) }),
      h("td", { text: r.cause }),
      h("td", { text: r.detail ?? "" }),
    ),
  );
  el.appendChild(
    h(
      "table",
      {},
      h("caption", { text: "Estimated vs billed Bedrock cost per model and day" }),
      h("thead", {}, head),
      h("tbody", {}, ...body),
    ),
  );
}
