/**
 * Panel chrome: a titled section with "as of", a stale/error badge, and chart cards that carry
 * the CSV/PNG downloads, the console deep link, an HTML legend that toggles series, and the
 * accessible table alternative.
 */
import type { Panel } from "../../server/api/contract.ts";
import { type ChartSpec, getChart, renderChart, specTable } from "./charts.ts";
import { clear, download, h } from "./dom.ts";
import { formatAge, formatTime, formatUnit } from "./format.ts";
import { toCsv } from "./tabular.ts";

export interface PanelFrame {
  section: HTMLElement;
  body: HTMLElement;
  status: HTMLElement;
}

/** A panel section; `source` names the API source it reads (for tests and the badge). */
export function panelFrame(id: string, title: string, source: string, wide = false): PanelFrame {
  const heading = h("h2", { id: `${id}-title`, text: title });
  const status = h("p", { class: "panel-status", "aria-live": "polite" });
  const body = h("div", { class: "panel-body" });
  const section = h(
    "section",
    {
      class: wide ? "panel panel-wide" : "panel",
      id,
      "data-source": source,
      "aria-labelledby": `${id}-title`,
    },
    h("header", { class: "panel-head" }, heading, status),
    body,
  );
  return { section, body, status };
}

/** Shows "as of" and, when stale or failed, a badge with the reason; never touches the body. */
export function setStatus(frame: PanelFrame, panel: Panel<unknown>, now = Date.now()): void {
  clear(frame.status);
  const asOf = h("span", { class: "as-of", title: panel.asOf ? formatTime(panel.asOf) : "never fetched" });
  asOf.textContent = `as of ${formatAge(panel.asOf, now)}`;
  frame.status.appendChild(asOf);
  frame.section.dataset.stale = String(panel.stale);
  frame.section.dataset.error = panel.error ? panel.error.code : "";
  if (panel.error || panel.stale) {
    const kind = panel.error && panel.data === null ? "error" : "stale";
    const reason = panel.error
      ? `${panel.error.code}: ${panel.error.message}${panel.error.permission ? ` (needs ${panel.error.permission})` : ""}`
      : "Served from cache past its refresh time; a refresh is in flight.";
    const badge = h("span", {
      class: `badge badge-${kind}`,
      role: "status",
      title: reason,
      "data-badge": kind,
    });
    badge.textContent = kind === "error" ? "error" : "stale";
    const detail = h("span", { class: "badge-reason", text: reason });
    frame.status.append(badge, detail);
  }
}

export interface ChartCard {
  root: HTMLElement;
  update(spec: ChartSpec, link?: { href: string; label: string }): void;
}

/** A chart with its toolbar, HTML legend and table alternative. */
export function chartCard(id: string, title: string): ChartCard {
  const canvas = h("canvas", { id: `chart-${id}`, role: "img", "data-chart": id });
  const legend = h("div", { class: "legend", role: "group", "aria-label": `${title}: series` });
  const table = h("div", { class: "table-wrap" });
  const empty = h("p", { class: "empty", hidden: true, text: "No data points in this range." });
  const csvButton = h("button", { type: "button", class: "tool", "data-action": "csv", text: "CSV" });
  const pngButton = h("button", { type: "button", class: "tool", "data-action": "png", text: "PNG" });
  const link = h("a", { class: "tool", target: "_blank", rel: "noopener noreferrer", hidden: true });
  const titleEl = h("h3", { text: title });
  // The table (a row per point: 288 on a 24 h chart) is built when it is opened, not on every
  // render: twenty of them made up most of a page load's work.
  const details = h("details", { class: "chart-table" }, h("summary", { text: "Show as table" }), table);
  let current: ChartSpec | null = null;
  let tableFor: ChartSpec | null = null;
  const showTable = () => {
    if (!details.open || !current || tableFor === current) return;
    renderTable(table, current, title);
    tableFor = current;
  };
  details.addEventListener("toggle", showTable);
  const root = h(
    "figure",
    { class: "chart-card", "data-card": id },
    h("div", { class: "chart-head" }, titleEl, h("div", { class: "tools" }, csvButton, pngButton, link)),
    legend,
    h("div", { class: "chart-box" }, canvas, empty),
    details,
  );
  csvButton.setAttribute("aria-label", `Download ${title} as CSV`);
  pngButton.setAttribute("aria-label", `Download ${title} as PNG`);

  csvButton.addEventListener("click", () => {
    if (current)
      download(`${id}.csv`, new Blob([toCsv(specTable(current))], { type: "text/csv;charset=utf-8" }));
  });
  pngButton.addEventListener("click", () => {
    const chart = getChart(id);
    if (!chart) return;
    chart.canvas.toBlob((blob) => {
      if (blob) download(`${id}.png`, blob);
    }, "image/png");
  });

  return {
    root,
    update(spec, deepLink) {
      current = spec;
      const count = spec.datasets.reduce((n, d) => n + (d.points?.length ?? d.values?.length ?? 0), 0);
      empty.hidden = count > 0;
      canvas.setAttribute("aria-label", `${title}: chart; the same data is in the table below.`);
      renderChart(canvas, spec);
      renderLegend(legend, id, spec);
      showTable();
      if (deepLink) {
        link.hidden = false;
        link.href = deepLink.href;
        link.textContent = deepLink.label;
        link.setAttribute("aria-label", `${deepLink.label} (opens the AWS console in a new tab)`);
      } else link.hidden = true;
    },
  };
}

function renderLegend(legend: HTMLElement, id: string, spec: ChartSpec): void {
  clear(legend);
  const chart = getChart(id);
  spec.datasets.forEach((d, i) => {
    const visible = chart ? chart.isDatasetVisible(i) : true;
    const swatch = h("span", { class: d.dashed ? "swatch swatch-dashed" : "swatch", "aria-hidden": "true" });
    swatch.style.setProperty("--swatch", d.color);
    const button = h(
      "button",
      { type: "button", class: "legend-item", "aria-pressed": String(visible) },
      swatch,
      d.label,
    );
    button.addEventListener("click", () => {
      const c = getChart(id);
      if (!c) return;
      const show = !c.isDatasetVisible(i);
      c.setDatasetVisibility(i, show);
      c.update("none");
      button.setAttribute("aria-pressed", String(show));
    });
    legend.appendChild(button);
  });
}

function renderTable(wrap: HTMLElement, spec: ChartSpec, title: string): void {
  clear(wrap);
  const table = specTable(spec);
  const head = h("tr", {}, ...table.columns.map((c) => h("th", { scope: "col", text: c })));
  const rows = table.rows.map((row) =>
    h(
      "tr",
      {},
      ...row.map((cell, i) =>
        i === 0
          ? h("th", {
              scope: "row",
              text: typeof cell === "string" && spec.x === "time" ? formatTime(cell) : String(cell ?? ""),
            })
          : h("td", { text: typeof cell === "number" ? formatUnit(spec.unit, cell) : "–" }),
      ),
    ),
  );
  wrap.appendChild(
    h("table", {}, h("caption", { text: title }), h("thead", {}, head), h("tbody", {}, ...rows)),
  );
}
