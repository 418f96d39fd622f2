/** Cost panels: daily cost by service (stacked), Bedrock cost per model, estimated vs billed with the gap, month-to-date vs budget with forecast. */
import type { CostsData, DailyCost, Panel } from "../../../server/api/contract.ts";
import type { SpecDataset } from "../charts.ts";
import { clear, h } from "../dom.ts";
import { formatTime, formatUsd } from "../format.ts";
import { costExplorerLink } from "../links.ts";
import { chartCard, panelFrame, setStatus } from "../panel.ts";
import { looksLikeModel, modelColor, modelName, paletteColor } from "../theme.ts";
import type { ViewContext } from "../view.ts";

export interface CostPanels {
  node: HTMLElement;
  render(panel: Panel<CostsData>, ctx: ViewContext, budgetUsd: number | null): void;
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
  const mtd = chartCard("costs-mtd", "Month to date vs budget");
  const summary = h("p", { class: "cost-summary" });
  const reconTable = h("div", { class: "table-wrap" });
  frame.body.append(
    summary,
    h("div", { class: "chart-grid" }, byService.root, byModel.root, recon.root, mtd.root),
    h(
      "details",
      { class: "chart-table" },
      h("summary", { text: "Reconciliation by model and day, with the cause of each gap" }),
      reconTable,
    ),
  );

  return {
    node: frame.section,
    render(panel, _ctx, budgetUsd) {
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
          title: "Bedrock cost per model",
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
      const labels = ["Month to date", "Month end (forecast)", "Budget"];
      const remaining = data.forecast?.mean ?? null;
      mtd.update(
        {
          id: "costs-mtd",
          title: "Month to date vs budget",
          type: "bar",
          x: "category",
          xTitle: "measure",
          unit: "USD",
          horizontal: true,
          stacked: true,
          labels,
          datasets: [
            {
              label: "Billed month to date",
              color: "#0072b2",
              values: [data.monthToDate, data.monthToDate, null],
            },
            { label: "Forecast rest of month", color: "#e69f00", values: [null, remaining, null] },
            { label: "Budget", color: "#999933", values: [null, null, budgetUsd] },
          ],
        },
        { href: costExplorerLink(monthStart(end), end, "SERVICE"), label: "Cost Explorer" },
      );
      summary.textContent = costSummary(data, budgetUsd);
      renderRecon(reconTable, data.reconciliation);
    },
  };
}

/** One sentence: billed so far, the month-end projection (MTD + forecast of the rest) and the budget. */
export function costSummary(data: CostsData, budgetUsd: number | null): string {
  const f = data.forecast;
  const projection = f
    ? `, month end projected at ${formatUsd(data.monthToDate + f.mean)} (${formatUsd(data.monthToDate + f.low)}–${formatUsd(data.monthToDate + f.high)}, forecast to ${formatTime(f.end)})`
    : ", no forecast yet";
  const budget =
    budgetUsd === null
      ? ""
      : f && data.monthToDate + f.mean > budgetUsd
        ? `, over the ${formatUsd(budgetUsd)} budget`
        : `, within the ${formatUsd(budgetUsd)} budget`;
  return `Billed month to date ${formatUsd(data.monthToDate)}${projection}${budget}. Cost Explorer lags up to 24 h: recent days are estimated from token counts.`;
}

function monthStart(iso: string): string {
  return `${iso.slice(0, 7)}-01T00:00:00Z`;
}

function renderRecon(el: HTMLElement, rows: CostsData["reconciliation"]): void {
  clear(el);
  const head = h(
    "tr",
    {},
    ...["date", "model", "estimated", "billed", "gap", "cause"].map((c) =>
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
