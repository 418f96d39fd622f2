/**
 * Lambda panels: invocations, duration avg/p90/max, errors and throttles, cold starts and memory,
 * per-function figures for Text- and JSON-format functions alike (timeouts, out of memory, INIT
 * billing), and the seed's Logs Insights table.
 */
import type { LogsData, MetricsData, Panel } from "../../../server/api/contract.ts";
import { clear, h } from "../dom.ts";
import { formatCount, formatMs, formatPercent } from "../format.ts";
import { cloudWatchMetricsLink, logsInsightsLink, type MetricRef, SEED_DURATION_QUERY } from "../links.ts";
import { type ChartCard, chartCard, type PanelFrame, panelFrame, setStatus } from "../panel.ts";
import { pick, resources } from "../series.ts";
import { paletteColor } from "../theme.ts";
import type { ViewContext } from "../view.ts";

export interface LambdaPanels {
  nodes: HTMLElement[];
  renderMetrics(panel: Panel<MetricsData>, ctx: ViewContext): void;
  renderLogs(panel: Panel<LogsData>, ctx: ViewContext): void;
}

const lambdaRef = (fn: string, metric: string, stat: string): MetricRef => ({
  namespace: "AWS/Lambda",
  metric,
  dimension: "FunctionName",
  value: fn,
  stat,
});

export function lambdaPanels(): LambdaPanels {
  const metricsFrame = panelFrame("panel-lambda", "Lambda", "metrics", true);
  const invocations = chartCard("lambda-invocations", "Invocations");
  const duration = chartCard("lambda-duration", "Duration avg / p90 / max");
  const errors = chartCard("lambda-errors", "Errors and throttles");
  metricsFrame.body.append(grid(invocations, duration, errors));

  const logsFrame = panelFrame("panel-logs", "Lambda runtime (Logs Insights)", "logs", true);
  const tiles = h("div", { class: "tiles" });
  const insights = chartCard("logs-durations", "Duration per 5 minutes: avg / min / max (REPORT lines)");
  const insightsTable = h("div", { class: "table-wrap table-visible" });
  const functionsTable = h("div", { class: "table-wrap table-visible" });
  logsFrame.body.append(
    tiles,
    h("h3", { class: "sub", text: "Per function (each read in its own log format)" }),
    functionsTable,
    grid(insights),
    h("h3", { class: "sub", text: "Logs Insights result" }),
    insightsTable,
  );

  return {
    nodes: [metricsFrame.section, logsFrame.section],
    renderMetrics(panel, ctx) {
      setStatus(metricsFrame, panel);
      const data = panel.data;
      if (!data) return;
      const fns = resources(data.lambda);
      const window = ctx.window(data.range);
      const bounds = { min: Date.parse(data.range.start), max: Date.parse(data.range.end) };
      const period = data.range.periodSeconds;
      const multi = fns.length > 1;
      const name = (fn: string, label: string) => (multi ? `${fn} ${label}` : label);
      const pickPoints = (fn: string, metric: string, stat: string) =>
        pick(data.lambda, fn, metric, stat)?.points ?? [];
      invocations.update(
        {
          id: "lambda-invocations",
          title: "Invocations",
          type: "bar",
          x: "time",
          unit: "Count",
          ...bounds,
          datasets: fns.map((fn, i) => ({
            label: name(fn, "Invocations"),
            color: paletteColor(i),
            points: pickPoints(fn, "Invocations", "Sum"),
          })),
        },
        {
          href: cloudWatchMetricsLink(
            ctx.region,
            fns.map((fn) => lambdaRef(fn, "Invocations", "Sum")),
            window,
            period,
          ),
          label: "CloudWatch",
        },
      );
      const stats: Array<[string, string, string, boolean]> = [
        ["Average", "avg", "#0072b2", false],
        ["p90", "p90", "#e69f00", true],
        ["Maximum", "max", "#d55e00", false],
      ];
      duration.update(
        {
          id: "lambda-duration",
          title: "Duration",
          type: "line",
          x: "time",
          unit: "Milliseconds",
          ...bounds,
          datasets: fns.flatMap((fn) =>
            stats.map(([stat, label, color, dashed]) => ({
              label: name(fn, label),
              color,
              dashed,
              points: pickPoints(fn, "Duration", stat),
            })),
          ),
        },
        {
          href: cloudWatchMetricsLink(
            ctx.region,
            fns.flatMap((fn) => stats.map(([s]) => lambdaRef(fn, "Duration", s))),
            window,
            period,
          ),
          label: "CloudWatch",
        },
      );
      errors.update(
        {
          id: "lambda-errors",
          title: "Errors and throttles",
          type: "bar",
          x: "time",
          unit: "Count",
          stacked: true,
          ...bounds,
          datasets: fns.flatMap((fn) => [
            { label: name(fn, "Errors"), color: "#d62828", points: pickPoints(fn, "Errors", "Sum") },
            { label: name(fn, "Throttles"), color: "#f4a261", points: pickPoints(fn, "Throttles", "Sum") },
          ]),
        },
        {
          href: cloudWatchMetricsLink(
            ctx.region,
            fns.flatMap((fn) => [lambdaRef(fn, "Errors", "Sum"), lambdaRef(fn, "Throttles", "Sum")]),
            window,
            period,
          ),
          label: "CloudWatch",
        },
      );
    },
    renderLogs(panel, ctx) {
      setStatus(logsFrame, panel);
      const data = panel.data;
      if (!data) return;
      renderTiles(tiles, data);
      const points = (f: (b: LogsData["durations"][number]) => number) =>
        data.durations.map((b) => [Date.parse(b.bin), f(b)] as [number, number]);
      insights.update(
        {
          id: "logs-durations",
          title: "Duration per 5 minutes",
          type: "line",
          x: "time",
          unit: "Milliseconds",
          min: Date.parse(data.range.start),
          max: Date.parse(data.range.end),
          datasets: [
            { label: "avg_duration", color: "#0072b2", points: points((b) => b.avg) },
            { label: "min_duration", color: "#009e73", points: points((b) => b.min), dashed: true },
            { label: "max_duration", color: "#d55e00", points: points((b) => b.max) },
          ],
        },
        {
          href: logsInsightsLink(ctx.region, ctx.logGroup, SEED_DURATION_QUERY, ctx.window(data.range)),
          label: "Logs Insights",
        },
      );
      renderInsightsTable(insightsTable, data);
      renderFunctions(functionsTable, data);
    },
  };
}

/**
 * One row per function: its log format (Text REPORT lines or JSON platform.report events) and
 * where that was read, the same figures for both, and the query that draws its duration chart.
 */
function renderFunctions(el: HTMLElement, data: LogsData): void {
  clear(el);
  const fns = data.functions ?? [];
  if (fns.length === 0) return;
  const cols = [
    "Function",
    "Log format",
    "Invocations",
    "p50 / p90 / p99",
    "Cold starts (avg init)",
    "Memory headroom",
    "Timeouts",
    "Out of memory",
    "Failed inits",
    "INIT share of billed time",
  ];
  const rows = fns.map((f) =>
    h(
      "tr",
      {},
      h("th", { scope: "row", text: f.name }),
      h("td", { text: `${f.logFormat} (${formatSourceLabel(f.formatSource)})` }),
      h("td", { text: formatCount(f.invocations) }),
      h("td", {
        text: f.percentiles
          ? `${formatMs(f.percentiles.p50)} / ${formatMs(f.percentiles.p90)} / ${formatMs(f.percentiles.p99)}`
          : "not available",
      }),
      h("td", { text: `${formatCount(f.coldStarts.count)} (${formatMs(f.coldStarts.avgInitMs)})` }),
      h("td", {
        text: f.memory
          ? `${formatPercent(f.memory.headroomPercent)} (max ${formatCount(f.memory.maxUsedMb)} of ${formatCount(f.memory.memorySizeMb)} MB)`
          : "no reports",
      }),
      h("td", { text: formatCount(f.outcomes.timeouts) }),
      h("td", { text: formatCount(f.outcomes.outOfMemory) }),
      h("td", { text: formatCount(f.outcomes.initFailures) }),
      h("td", {
        text: `${formatPercent(f.billing.initSharePercent)} of ${formatCount(f.billing.billedMs / 1000)} s`,
      }),
    ),
  );
  const queries = [...new Map(fns.map((f) => [f.logFormat, f.durationQuery])).entries()].map(
    ([format, query]) =>
      h(
        "details",
        { class: "query" },
        h("summary", { text: `Duration query for ${format}-format functions` }),
        h("pre", { text: query }),
      ),
  );
  el.append(
    h(
      "table",
      { class: "insights" },
      h("caption", {
        text: "Timeouts and out-of-memory from REPORT Status / JSON record.status; INIT is billed since 2025-08-01 (Billed Duration includes Init Duration)",
      }),
      h("thead", {}, h("tr", {}, ...cols.map((c) => h("th", { scope: "col", text: c })))),
      h("tbody", {}, ...rows),
    ),
    ...queries,
  );
}

function formatSourceLabel(source: NonNullable<LogsData["functions"]>[number]["formatSource"]): string {
  switch (source) {
    case "config":
      return "from config";
    case "lambda":
      return "LoggingConfig";
    case "log-group":
      return "detected in the log group";
    default:
      return "assumed: format unreadable";
  }
}

function grid(...cards: ChartCard[]): HTMLElement {
  return h("div", { class: "chart-grid" }, ...cards.map((c) => c.root));
}

function tile(label: string, value: string, note?: string): HTMLElement {
  return h(
    "div",
    { class: "tile" },
    h("span", { class: "tile-label", text: label }),
    h("strong", { text: value }),
    note ? h("small", { text: note }) : null,
  );
}

function renderTiles(el: HTMLElement, data: LogsData): void {
  clear(el);
  const cold = data.coldStarts;
  const mem = data.memory;
  const pct = data.percentiles;
  el.append(
    tile(
      "Cold starts",
      cold ? formatCount(cold.count) : "–",
      cold ? `init avg ${formatMs(cold.avgInitMs)}, max ${formatMs(cold.maxInitMs)}` : "no REPORT lines",
    ),
    tile(
      "Memory headroom",
      mem ? formatPercent(mem.headroomPercent) : "–",
      mem
        ? `max used ${formatCount(mem.maxUsedMb)} of ${formatCount(mem.memorySizeMb)} MB (avg ${formatCount(mem.avgUsedMb)} MB)`
        : "no REPORT lines",
    ),
    tile(
      "Duration p50 / p90 / p99",
      pct ? `${formatMs(pct.p50)} / ${formatMs(pct.p90)} / ${formatMs(pct.p99)}` : "–",
      pct ? `${formatCount(pct.count)} invocations` : undefined,
    ),
    tile(
      "Timeouts / out of memory",
      data.outcomes
        ? `${formatCount(data.outcomes.timeouts)} / ${formatCount(data.outcomes.outOfMemory)}`
        : "–",
      data.outcomes ? `failed inits ${formatCount(data.outcomes.initFailures)} (REPORT Status)` : undefined,
    ),
    tile(
      "Logs Insights scanned",
      `${formatCount(data.bytesScanned / 1_048_576)} MB`,
      data.scan
        ? `this refresh; ${formatCount(data.scan.binsReused)} closed 5-min bins reused from the cache`
        : "billed per GB scanned",
    ),
  );
  for (const note of data.notes ?? []) el.append(h("p", { class: "empty", text: note }));
}

function renderInsightsTable(el: HTMLElement, data: LogsData): void {
  clear(el);
  const head = h(
    "tr",
    {},
    ...["bin(5m)", "avg_duration", "min_duration", "max_duration"].map((c) =>
      h("th", { scope: "col", text: c }),
    ),
  );
  const rows = [...data.durations]
    .reverse()
    .map((b) =>
      h(
        "tr",
        {},
        h("th", { scope: "row", text: b.bin.replace("T", " ").slice(0, 19) }),
        h("td", { text: b.avg.toFixed(2) }),
        h("td", { text: b.min.toFixed(2) }),
        h("td", { text: b.max.toFixed(2) }),
      ),
    );
  el.appendChild(
    h(
      "table",
      { class: "insights" },
      h("caption", { text: "avg/min/max @duration (ms) of REPORT lines by bin(5m), newest first" }),
      h("thead", {}, head),
      h("tbody", {}, ...rows),
    ),
  );
}

export type { PanelFrame };
