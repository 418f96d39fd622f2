/** KPI cards: invocations, error rate, p90 latency, Bedrock TTFT p90, tokens, estimated Bedrock cost, MTD vs budget with forecast; each with its change against the previous period. */
import type { KpiValue, OverviewData, Panel } from "../../../server/api/contract.ts";
import { clear, h } from "../dom.ts";
import { formatChange, formatCount, formatMs, formatPercent, formatUsd } from "../format.ts";
import { panelFrame, setStatus } from "../panel.ts";

export interface KpiPanel {
  node: HTMLElement;
  render(panel: Panel<OverviewData>): void;
}

/** Whether a rise is bad for this KPI (costs, errors, latency) or neutral (traffic). */
type Direction = "up-bad" | "neutral";

function kpiValue(kpi: KpiValue, kind: "count" | "ratio" | "ms" | "usd" | "tokens"): string {
  if (kpi.value === null) return "–";
  switch (kind) {
    case "ratio":
      return kpi.unit === "Percent" ? formatPercent(kpi.value) : formatPercent(kpi.value * 100);
    case "ms":
      return formatMs(kpi.value);
    case "usd":
      return formatUsd(kpi.value);
    default:
      return formatCount(kpi.value);
  }
}

function card(
  id: string,
  label: string,
  value: string,
  change: number | null,
  direction: Direction,
  note?: string,
): HTMLElement {
  const trend = change === null || change === 0 ? "flat" : change > 0 ? "up" : "down";
  const tone = direction === "neutral" || trend === "flat" ? "neutral" : trend === "up" ? "bad" : "good";
  const arrow = trend === "up" ? "▲" : trend === "down" ? "▼" : "";
  return h(
    "div",
    { class: "kpi", "data-kpi": id },
    h("span", { class: "kpi-label", text: label }),
    h("strong", { class: "kpi-value", text: value }),
    h("span", {
      class: `kpi-change tone-${tone}`,
      text: `${arrow} ${formatChange(change)} vs previous period`.trim(),
    }),
    note ? h("small", { class: "kpi-note", text: note }) : null,
  );
}

export function kpiPanel(): KpiPanel {
  const frame = panelFrame("panel-kpis", "At a glance", "overview", true);
  const cards = h("div", { class: "kpis" });
  frame.body.appendChild(cards);
  return {
    node: frame.section,
    render(panel) {
      setStatus(frame, panel);
      const d = panel.data;
      if (!d) return;
      clear(cards);
      // The budget is compared with its own spend (Budgets' ActualSpend / ForecastedSpend, in the
      // budget's scope), never with the Bedrock-only month to date shown as the value.
      const b = d.budget ?? null;
      const budgetNote = b
        ? `${b.name} (${b.scope}): ${formatUsd(b.actual)} of ${formatUsd(b.limit)} (${formatPercent((b.actual / b.limit) * 100)}); forecast ${b.forecast === null ? "–" : formatUsd(b.forecast)}`
        : d.forecastUsd !== null
          ? `Bedrock month-end forecast ${formatUsd(d.forecastUsd)}`
          : "no forecast yet";
      const overBudget = b !== null && b.forecast !== null && b.forecast > b.limit;
      const mtd = h(
        "div",
        { class: overBudget ? "kpi kpi-alert" : "kpi", "data-kpi": "mtd" },
        h("span", { class: "kpi-label", text: "Bedrock billed month to date" }),
        h("strong", {
          class: "kpi-value",
          text: d.monthToDateUsd === null ? "–" : formatUsd(d.monthToDateUsd),
        }),
        h("span", {
          class: `kpi-change tone-${overBudget ? "bad" : "neutral"}`,
          text:
            b === null
              ? "no budget found"
              : overBudget
                ? "budget forecast exceeds limit"
                : "budget forecast within limit",
        }),
        h("small", { class: "kpi-note", text: budgetNote }),
      );
      cards.append(
        card(
          "invocations",
          "Lambda invocations",
          kpiValue(d.invocations, "count"),
          d.invocations.change,
          "neutral",
        ),
        card("errorRate", "Error rate", kpiValue(d.errorRate, "ratio"), d.errorRate.change, "up-bad"),
        card("p90", "Lambda p90 latency", kpiValue(d.p90LatencyMs, "ms"), d.p90LatencyMs.change, "up-bad"),
        card(
          "ttft",
          "Bedrock TTFT p90",
          d.ttftP90Ms ? kpiValue(d.ttftP90Ms, "ms") : "–",
          d.ttftP90Ms?.change ?? null,
          "up-bad",
          "server-side time to first token, streaming calls",
        ),
        card("tokens", "Bedrock tokens", kpiValue(d.tokens, "tokens"), d.tokens.change, "neutral"),
        card(
          "cost",
          "Estimated Bedrock cost",
          kpiValue(d.estimatedCostUsd, "usd"),
          d.estimatedCostUsd.change,
          "up-bad",
          "tokens × list price",
        ),
        mtd,
      );
    },
  };
}
