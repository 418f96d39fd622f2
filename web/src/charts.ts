/**
 * Chart.js factory: registers only the components the page uses (small bundle), builds line,
 * bar, stacked and mixed charts from a ChartSpec, keeps one instance per chart id, and
 * exposes a read-only summary for tests (window.__bedrockOps.charts()).
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartDataset,
  type ChartOptions,
  Filler,
  LinearScale,
  LineController,
  LineElement,
  type Plugin,
  PointElement,
  TimeScale,
  Tooltip,
} from "chart.js";
import "chartjs-adapter-date-fns";
import { formatTick, formatUnit, type Unit } from "./format.ts";
import { seriesTable, type Table } from "./tabular.ts";
import { chromeColors, withAlpha } from "./theme.ts";

Chart.register(
  LineController,
  BarController,
  LineElement,
  BarElement,
  PointElement,
  LinearScale,
  CategoryScale,
  TimeScale,
  Tooltip,
  Filler,
);

export interface SpecDataset {
  label: string;
  color: string;
  /** Time charts: [epoch ms, value]. */
  points?: Array<[number, number]>;
  /** Category charts: one value per label. */
  values?: Array<number | null>;
  dashed?: boolean;
  /** Mixed charts: draw this dataset as a line over bars. */
  as?: "line" | "bar";
  /** Marked points (e.g. regressions) get a larger triangle. */
  marks?: boolean[];
}

export interface ChartSpec {
  id: string;
  title: string;
  type: "line" | "bar";
  x: "time" | "category";
  unit: Unit;
  datasets: SpecDataset[];
  labels?: string[];
  xTitle?: string;
  stacked?: boolean;
  horizontal?: boolean;
  /** Time axis bounds (ms); the chart shows the whole range even when data is sparse. */
  min?: number;
  max?: number;
  timeUnit?: "minute" | "hour" | "day";
}

export interface ChartSummary {
  id: string;
  type: string;
  renders: number;
  /** The index axis bounds as drawn (epoch ms for time charts). */
  xRange: [number, number] | null;
  /** `marked`: points drawn as a marker (e.g. a benchmark regression). */
  datasets: Array<{ label: string; points: number; visible: boolean; marked: number }>;
}

type Datum = { x: number; y: number } | number | null;
type AnyChart = Chart<"line" | "bar", Datum[]>;
type AnyDataset = ChartDataset<"line" | "bar", Datum[]>;

const charts = new Map<string, { chart: AnyChart; spec: ChartSpec; renders: number }>();

const background: Plugin<"line" | "bar"> = {
  id: "opaqueBackground",
  beforeDraw(chart) {
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.globalCompositeOperation = "destination-over";
    ctx.fillStyle = chromeColors().background;
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};

/** The table behind a chart: the same numbers as the chart, for CSV and the accessible table. */
export function specTable(spec: ChartSpec): Table {
  if (spec.x === "time") {
    return seriesTable(
      spec.datasets.map((d) => ({ label: `${d.label} (${unitLabel(spec.unit)})`, points: d.points ?? [] })),
    );
  }
  const labels = spec.labels ?? [];
  return {
    columns: [spec.xTitle ?? "", ...spec.datasets.map((d) => `${d.label} (${unitLabel(spec.unit)})`)],
    rows: labels.map((label, i) => [label, ...spec.datasets.map((d) => d.values?.[i] ?? null)]),
  };
}

export function unitLabel(unit: Unit): string {
  return { Count: "count", Milliseconds: "ms", Percent: "%", Tokens: "tokens", USD: "USD" }[unit];
}

function toDataset(spec: ChartSpec, d: SpecDataset): AnyDataset {
  const type = d.as ?? spec.type;
  const data: Datum[] = spec.x === "time" ? (d.points ?? []).map(([x, y]) => ({ x, y })) : (d.values ?? []);
  const base = {
    type,
    label: d.label,
    data,
    borderColor: d.color,
    backgroundColor: type === "bar" ? withAlpha(d.color, 0.75) : withAlpha(d.color, 0.15),
    borderWidth: type === "bar" ? 0 : 2,
  };
  if (type === "bar") {
    // Dense time bars fill their slot so single-period spikes stay visible.
    const dense = spec.x === "time" && data.length > 60;
    return {
      ...base,
      stack: spec.stacked ? "stack" : undefined,
      ...(dense ? { barPercentage: 1, categoryPercentage: 1 } : {}),
    } as AnyDataset;
  }
  return {
    ...base,
    borderDash: d.dashed ? [6, 4] : [],
    pointRadius: d.marks ? d.marks.map((m) => (m ? 7 : 2)) : data.length > 60 ? 0 : 2,
    pointStyle: d.marks ? d.marks.map((m) => (m ? "triangle" : "circle")) : "circle",
    pointBackgroundColor: d.marks ? d.marks.map((m) => (m ? "#d62828" : d.color)) : d.color,
    pointHitRadius: 6,
    tension: 0.2,
    fill: false,
  } as AnyDataset;
}

/** A tick unit from the axis span, so every chart of a range labels its axis the same way. */
function autoUnit(spec: ChartSpec): "minute" | "hour" | "day" | undefined {
  if (spec.min === undefined || spec.max === undefined) return undefined;
  const span = spec.max - spec.min;
  return span <= 2 * 3_600_000 ? "minute" : span <= 3 * 86_400_000 ? "hour" : "day";
}

function options(spec: ChartSpec): ChartOptions<"line" | "bar"> {
  const chrome = chromeColors();
  const valueAxis = {
    beginAtZero: true,
    stacked: spec.stacked ?? false,
    grid: { color: chrome.grid },
    ticks: {
      color: chrome.muted,
      callback: (v: number | string) => formatTick(spec.unit, Number(v)),
      maxTicksLimit: 6,
    },
  };
  const indexAxis =
    spec.x === "time"
      ? {
          type: "time" as const,
          min: spec.min,
          max: spec.max,
          stacked: spec.stacked ?? false,
          time: { unit: spec.timeUnit ?? autoUnit(spec), tooltipFormat: "PP HH:mm" },
          grid: { color: chrome.grid },
          ticks: {
            color: chrome.muted,
            maxRotation: 0,
            autoSkip: true,
            autoSkipPadding: 16,
            maxTicksLimit: 8,
          },
        }
      : {
          type: "category" as const,
          stacked: spec.stacked ?? false,
          grid: { display: false },
          ticks: { color: chrome.muted },
        };
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    indexAxis: spec.horizontal ? "y" : "x",
    interaction: { mode: "index", intersect: false },
    scales: spec.horizontal ? { y: indexAxis, x: valueAxis } : { x: indexAxis, y: valueAxis },
    plugins: {
      tooltip: {
        callbacks: {
          label: (item) => {
            const raw = item.parsed as { x: number; y: number };
            const value = spec.horizontal ? raw.x : raw.y;
            return `${item.dataset.label ?? ""}: ${formatUnit(spec.unit, value)}`;
          },
        },
      },
    },
  } as ChartOptions<"line" | "bar">;
}

/** Draws (or redraws in place) the chart for a spec on a canvas; series hidden by the user stay hidden. */
export function renderChart(canvas: HTMLCanvasElement, spec: ChartSpec): AnyChart {
  const existing = charts.get(spec.id);
  const datasets = spec.datasets.map((d) => toDataset(spec, d));
  if (existing && existing.chart.canvas === canvas) {
    const hidden = new Set(
      existing.chart.data.datasets.filter((_, i) => !existing.chart.isDatasetVisible(i)).map((d) => d.label),
    );
    existing.chart.data.labels = spec.labels ?? [];
    existing.chart.data.datasets = datasets.map((d) => ({ ...d, hidden: hidden.has(d.label) }));
    existing.chart.options = options(spec);
    existing.chart.update("none");
    existing.spec = spec;
    existing.renders++;
    mark(canvas, spec, existing.renders);
    return existing.chart;
  }
  existing?.chart.destroy();
  const chart = new Chart<"line" | "bar", Datum[]>(canvas, {
    type: spec.type,
    data: { labels: spec.labels ?? [], datasets },
    options: options(spec),
    plugins: [background],
  });
  charts.set(spec.id, { chart, spec, renders: 1 });
  mark(canvas, spec, 1);
  return chart;
}

function mark(canvas: HTMLCanvasElement, spec: ChartSpec, renders: number): void {
  const points = spec.datasets.reduce(
    (n, d) => n + (d.points?.length ?? d.values?.filter((v) => v !== null).length ?? 0),
    0,
  );
  canvas.dataset.points = String(points);
  canvas.dataset.renders = String(renders);
}

export function getChart(id: string): AnyChart | undefined {
  return charts.get(id)?.chart;
}

export function destroyChart(id: string): void {
  charts.get(id)?.chart.destroy();
  charts.delete(id);
}

/** Re-applies theme colours after a prefers-color-scheme change. */
export function restyleAll(): void {
  for (const entry of charts.values()) {
    entry.chart.options = options(entry.spec);
    entry.chart.update("none");
  }
}

export function chartSummaries(): ChartSummary[] {
  return [...charts.entries()].map(([id, { chart, renders }]) => ({
    id,
    type: String((chart.config as { type?: string }).type ?? ""),
    renders,
    xRange: indexRange(chart),
    datasets: chart.data.datasets.map((d, i) => ({
      label: d.label ?? "",
      points: (d.data as unknown[]).filter((v) => v !== null && v !== undefined).length,
      visible: chart.isDatasetVisible(i),
      marked: markedPoints(d),
    })),
  }));
}

function indexRange(chart: AnyChart): [number, number] | null {
  const axis = chart.options.indexAxis === "y" ? chart.scales.y : chart.scales.x;
  return axis ? [axis.min, axis.max] : null;
}

function markedPoints(d: AnyDataset): number {
  const style = (d as { pointStyle?: unknown }).pointStyle;
  return Array.isArray(style) ? style.filter((s) => s === "triangle").length : 0;
}
