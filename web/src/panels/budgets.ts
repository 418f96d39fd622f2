/** Budgets as progress bars against the limit, with alert thresholds marked, actual and forecast. */
import type { BudgetsData, Panel } from "../../../server/api/contract.ts";
import { clear, h } from "../dom.ts";
import { formatPercent, formatUsd } from "../format.ts";
import { budgetsLink } from "../links.ts";
import { panelFrame, setStatus } from "../panel.ts";

export interface BudgetPanel {
  node: HTMLElement;
  render(panel: Panel<BudgetsData>): void;
}

/** The bar scale: the limit, or more when actual/forecast/thresholds go past it (so marks stay visible). */
export function barScale(
  limit: number,
  actual: number,
  forecast: number | null,
  thresholds: number[],
): number {
  const maxPct = Math.max(100, ...thresholds);
  return Math.max(limit * (maxPct / 100), actual, forecast ?? 0) * 1.05;
}

export function budgetPanel(): BudgetPanel {
  const frame = panelFrame("panel-budgets", "Budgets", "budgets");
  const list = h("div", { class: "budgets" });
  frame.body.appendChild(list);
  return {
    node: frame.section,
    render(panel) {
      setStatus(frame, panel);
      const data = panel.data;
      if (!data) return;
      clear(list);
      if (data.budgets.length === 0) {
        list.appendChild(
          h("p", {
            class: "empty",
            text: "No budgets found. Create the configured ones with `npx bedrock-ops budget setup` (see the README).",
          }),
        );
        return;
      }
      for (const b of data.budgets) {
        const scale = barScale(
          b.limit,
          b.actual,
          b.forecast,
          b.thresholds.map((t) => t.percent),
        );
        const pct = (v: number) => `${Math.min(100, (v / scale) * 100).toFixed(2)}%`;
        const actual = h("div", { class: b.actual > b.limit ? "bar-actual over" : "bar-actual" });
        actual.style.width = pct(b.actual);
        const track = h(
          "div",
          {
            class: "bar-track",
            role: "img",
            "aria-label": `${b.name}: ${formatUsd(b.actual)} of ${formatUsd(b.limit)}`,
          },
          actual,
        );
        if (b.forecast !== null) {
          const forecast = h("div", { class: "bar-forecast", title: `forecast ${formatUsd(b.forecast)}` });
          forecast.style.width = pct(b.forecast);
          track.insertBefore(forecast, actual);
        }
        const limit = h(
          "div",
          { class: "bar-limit", title: `limit ${formatUsd(b.limit)}` },
          h("span", { class: "bar-label bar-label-top", text: "limit" }),
        );
        limit.style.left = pct(b.limit);
        track.appendChild(limit);
        for (const t of b.thresholds) {
          const mark = h("div", {
            class: `bar-threshold ${t.state === "ALARM" ? "alarm" : ""} ${t.type === "FORECASTED" ? "forecasted" : ""}`,
            title: `${t.type} ${t.percent} % (${t.state})`,
          });
          mark.style.left = pct((b.limit * t.percent) / 100);
          track.appendChild(mark);
        }
        // A budget whose alert thresholds could not be read keeps its figures and says why.
        const thresholds = b.thresholdsError
          ? h("p", { class: "budget-note alarm", text: `Alert thresholds not shown: ${b.thresholdsError}` })
          : h(
              "ul",
              { class: "thresholds" },
              ...b.thresholds.map((t) =>
                h(
                  "li",
                  { class: t.state === "ALARM" ? "alarm" : "" },
                  `${t.type === "ACTUAL" ? "Actual" : "Forecast"} ≥ ${t.percent} % (${formatUsd((b.limit * t.percent) / 100)}): ${t.state === "ALARM" ? "ALARM" : "ok"}`,
                ),
              ),
            );
        list.appendChild(
          h(
            "div",
            { class: "budget", "data-budget": b.name },
            h(
              "div",
              { class: "budget-head" },
              h("a", {
                href: budgetsLink(b.name),
                target: "_blank",
                rel: "noopener noreferrer",
                text: b.name,
              }),
              h("span", {
                text: `${formatUsd(b.actual)} of ${formatUsd(b.limit)} ${b.timeUnit.toLowerCase()} (${formatPercent(b.percentUsed)}), ${b.scope ?? "all services"}`,
              }),
            ),
            track,
            h("p", {
              class: "budget-note",
              text:
                b.forecast === null
                  ? "No forecast yet."
                  : `Forecast ${formatUsd(b.forecast)} (${formatPercent((b.forecast / b.limit) * 100)} of the limit).`,
            }),
            thresholds,
          ),
        );
      }
    },
  };
}
