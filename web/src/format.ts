/** Number and unit formatting for the page: pure functions, no DOM. */
import type { Series } from "../../server/api/contract.ts";

export type Unit = Series["unit"];

const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });
const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const twoDecimals = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** 950 -> "950", 12_345 -> "12.3K", 2_500_000 -> "2.5M". */
export function formatCount(value: number): string {
  if (!Number.isFinite(value)) return "–";
  if (Math.abs(value) < 10_000) return Number.isInteger(value) ? integer.format(value) : trim(value, 2);
  return compact.format(value);
}

/** 850 -> "850 ms", 2_340 -> "2.34 s", 95_000 -> "1.6 min". */
export function formatMs(value: number): string {
  if (!Number.isFinite(value)) return "–";
  const abs = Math.abs(value);
  if (abs < 1) return `${trim(value, 2)} ms`;
  if (abs < 1000) return `${integer.format(value)} ms`;
  if (abs < 60_000) return `${trim(value / 1000, 2)} s`;
  return `${trim(value / 60_000, 1)} min`;
}

/** Dollars: "$12.34"; small amounts keep significant digits: "$0.0042"; zero is "$0.00". */
export function formatUsd(value: number): string {
  if (!Number.isFinite(value)) return "–";
  const abs = Math.abs(value);
  const sign = value < 0 ? "-" : "";
  if (abs === 0) return "$0.00";
  if (abs < 0.01) return `${sign}$${abs.toPrecision(2)}`;
  if (abs >= 100_000) return `${sign}$${compact.format(abs)}`;
  return `${sign}$${twoDecimals.format(abs)}`;
}

/** A ratio as a percentage: 0.0234 -> "2.34 %". */
export function formatRatio(value: number): string {
  return formatPercent(value * 100);
}

/** A percentage value: 2.345 -> "2.35 %", 80 -> "80 %". */
export function formatPercent(value: number): string {
  if (!Number.isFinite(value)) return "–";
  const digits = Math.abs(value) >= 10 ? 0 : Math.abs(value) >= 1 ? 1 : 2;
  return `${trim(value, digits)} %`;
}

export function formatTokens(value: number): string {
  return `${formatCount(value)} tokens`;
}

export function formatUnit(unit: Unit, value: number | null): string {
  if (value === null) return "–";
  switch (unit) {
    case "Milliseconds":
      return formatMs(value);
    case "USD":
      return formatUsd(value);
    case "Percent":
      return formatPercent(value);
    case "Tokens":
      return formatTokens(value);
    default:
      return formatCount(value);
  }
}

/** A relative change (0.1 = +10 %) with its sign: "+10 %", "-3.2 %", "±0 %". */
export function formatChange(change: number | null): string {
  if (change === null || !Number.isFinite(change)) return "no previous data";
  if (change === 0) return "±0 %";
  const pct = change * 100;
  return `${pct > 0 ? "+" : ""}${formatPercent(pct)}`;
}

/** Axis tick labels: short, unit-aware (token counts without the word "tokens"). */
export function formatTick(unit: Unit, value: number): string {
  return unit === "Tokens" ? formatCount(value) : formatUnit(unit, value);
}

/** "3 min ago", "2 h ago", for an ISO time against `now` (ms). */
export function formatAge(iso: string | null, now: number): string {
  if (!iso) return "never";
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return "unknown";
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${trim(s / 3600, 1)} h ago`;
  return `${trim(s / 86_400, 1)} d ago`;
}

/**
 * One formatter for every time shown: `toLocaleString` with options builds a new
 * Intl.DateTimeFormat on each call, which made the chart tables (a row per point) the page's
 * largest cost on a 24 h view.
 */
const timeFormat = new Intl.DateTimeFormat(undefined, {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  timeZoneName: "short",
});

/** "2026-11-22 03:15 UTC" style, in the viewer's locale but explicit about the zone. */
export function formatTime(iso: string | number): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "–";
  return timeFormat.format(d);
}

const trimFormats = new Map<number, Intl.NumberFormat>();

function trim(value: number, digits: number): string {
  let f = trimFormats.get(digits);
  if (!f) {
    f = new Intl.NumberFormat("en-US", { maximumFractionDigits: digits });
    trimFormats.set(digits, f);
  }
  return f.format(value);
}
