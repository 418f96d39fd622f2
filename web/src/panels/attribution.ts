/**
 * Attribution (issue #18): Bedrock spend per application inference profile, cost-allocation tag
 * value, IAM principal or request-metadata value. A "by" selector; per group and day the billed
 * cost (where the bill can say it) or the estimate, stacked so that the bars are the Bedrock total;
 * a table with billed, estimated, tokens and share; the unattributed row always shown; notes that
 * say when a mechanism is off and the command that turns it on.
 */
import type { AttributionData, AttributionGroup, Panel } from "../../../server/api/contract.ts";
import type { SpecDataset } from "../charts.ts";
import { clear, h } from "../dom.ts";
import { formatCount, formatUsd } from "../format.ts";
import { chartCard, panelFrame, setStatus } from "../panel.ts";
import { paletteColor } from "../theme.ts";

/** Human name of a view. */
export function viewName(by: string): string {
  if (by === "profile") return "Application inference profile";
  if (by === "principal") return "IAM principal";
  if (by.startsWith("tag:")) return `Cost-allocation tag "${by.slice(4)}"`;
  if (by.startsWith("metadata:")) return `Request metadata "${by.slice(9)}"`;
  return by;
}

const UNATTRIBUTED_COLOR = "#9e9e9e";
const money = (x: number | null) => (x === null ? "—" : formatUsd(x));

export interface AttributionPanel {
  node: HTMLElement;
  by(): string;
  render(panel: Panel<AttributionData>): void;
}

export function attributionPanel(onBy: (by: string) => void): AttributionPanel {
  const frame = panelFrame(
    "panel-attribution",
    "Attribution: cost per application, team and tenant",
    "attribution",
    true,
  );
  let current = "profile";
  const select = h("select", { id: "attribution-by", "aria-label": "Attribute Bedrock spend by" });
  select.append(h("option", { value: "profile", text: viewName("profile") }));
  select.addEventListener("change", () => {
    current = select.value;
    onBy(current);
  });
  const controls = h("label", { class: "attribution-by" }, "By ", select);
  const summary = h("p", { class: "panel-summary", "data-summary": "attribution" });
  const chart = chartCard("attribution-days", "Cost per group per day");
  const table = h("table", { class: "attribution-table", "data-table": "attribution" });
  const notes = h("ul", { class: "attribution-notes" });
  frame.body.append(
    controls,
    summary,
    notes,
    h("div", { class: "chart-grid" }, chart.root),
    h("div", { class: "table-wrap table-visible" }, table),
  );

  function setOptions(options: readonly string[]): void {
    const have = [...select.options].map((o) => o.value);
    if (have.join("|") === options.join("|")) return;
    clear(select);
    for (const o of options) select.append(h("option", { value: o, text: viewName(o) }));
    select.value = options.includes(current) ? current : (options[0] ?? "profile");
  }

  function row(g: AttributionGroup): HTMLTableRowElement {
    return h(
      "tr",
      {
        "data-group": g.key,
        ...(g.unattributed ? { class: "unattributed", "data-unattributed": "true" } : {}),
      },
      h(
        "th",
        { scope: "row", title: g.detail ?? "" },
        g.label,
        g.detail ? h("small", { text: ` ${g.detail}` }) : "",
      ),
      h("td", { text: money(g.billedUsd) }),
      h("td", { text: money(g.estimatedUsd) }),
      h("td", { text: formatCount(g.inputTokens) }),
      h("td", { text: formatCount(g.outputTokens) }),
      h("td", { text: g.calls === null ? "—" : formatCount(g.calls) }),
      h("td", { text: g.sharePercent === null ? "—" : `${g.sharePercent.toFixed(1)} %` }),
    );
  }

  return {
    node: frame.section,
    by: () => current,
    render(panel) {
      setStatus(frame, panel);
      const d = panel.data;
      if (!d) return;
      setOptions(d.options);
      frame.section.dataset.by = d.by;
      const figure = d.shareOf === "billed" ? "billedUsd" : "estimatedUsd";
      const total = d.total[figure];
      const rest = d.groups.find((g) => g.unattributed);
      summary.textContent = `${viewName(d.by)}: ${d.groups.length - 1} group(s) and the unattributed remainder, ${
        d.shareOf === "billed" ? "billed (Cost Explorer)" : "estimated (tokens × the base model's price)"
      } ${money(total)} over ${d.total.days.length} days; unattributed ${money(rest?.[figure] ?? null)}${
        rest?.sharePercent === null || rest === undefined ? "" : ` (${rest.sharePercent.toFixed(1)} %)`
      }.`;
      clear(notes);
      for (const n of d.notes) {
        const li = h("li", { class: `note-${n.level}`, "data-level": n.level }, n.message);
        if (n.command) li.append(" Run: ", h("code", { text: n.command }));
        notes.append(li);
      }
      for (const u of d.unpriced)
        notes.append(
          h(
            "li",
            { class: "note-warning", "data-level": "warning" },
            `No price for ${u.model}: ${u.reason}.`,
          ),
        );
      const datasets: SpecDataset[] = d.groups.map((g, i) => ({
        label: g.label,
        color: g.unattributed ? UNATTRIBUTED_COLOR : paletteColor(i),
        points: g.days.map(
          (day) => [Date.parse(`${day.date}T00:00:00Z`), day[figure] ?? 0] as [number, number],
        ),
      }));
      const first = d.total.days[0]?.date;
      const last = d.total.days.at(-1)?.date;
      chart.update({
        id: "attribution-days",
        title: `${d.shareOf === "billed" ? "Billed" : "Estimated"} cost per ${viewName(d.by).toLowerCase()} per day (stacked: the Bedrock total)`,
        type: "bar",
        x: "time",
        unit: "USD",
        stacked: true,
        timeUnit: "day",
        ...(first && last
          ? {
              min: Date.parse(`${first}T00:00:00Z`) - 43_200_000,
              max: Date.parse(`${last}T00:00:00Z`) + 43_200_000,
            }
          : {}),
        datasets,
      });
      clear(table);
      table.append(
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ...["Group", "Billed", "Estimated", "Input tokens", "Output tokens", "Calls", "Share"].map((t) =>
              h("th", { scope: "col", text: t }),
            ),
          ),
        ),
        h("tbody", {}, ...d.groups.map(row)),
        h(
          "tfoot",
          {},
          h(
            "tr",
            { "data-total": "true" },
            h("th", { scope: "row", text: "Bedrock total" }),
            h("td", { text: money(d.total.billedUsd) }),
            h("td", { text: money(d.total.estimatedUsd) }),
            h("td", { text: formatCount(d.groups.reduce((n, g) => n + g.inputTokens, 0)) }),
            h("td", { text: formatCount(d.groups.reduce((n, g) => n + g.outputTokens, 0)) }),
            h("td", { text: "" }),
            h("td", { text: "100 %" }),
          ),
        ),
      );
    },
  };
}
