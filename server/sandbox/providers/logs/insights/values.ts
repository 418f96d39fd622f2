/** Values flowing through a Logs Insights pipeline, their comparison and their output format. */

/** A point in time (epoch ms); output as AWS formats @timestamp: "2026-11-18 15:04:05.000". */
export class Timestamp {
  constructor(readonly ms: number) {}
}

export type Value = string | number | boolean | Timestamp | undefined;

/** A row: an event's fields (read lazily from the event), or a stats group (a Map). */
export interface Row {
  get(field: string): Value;
  set(field: string, value: Value): unknown;
  has(field: string): boolean;
  keys(): Iterable<string>;
}

export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").replace("Z", "");
}

/** The string AWS puts in ResultField.value. */
export function formatValue(value: Value): string | undefined {
  if (value === undefined) return undefined;
  if (value instanceof Timestamp) return formatTimestamp(value.ms);
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : undefined;
  return String(value);
}

/**
 * A computed number as Logs Insights prints it: Java's Double.toString. Plain decimal with at
 * least one digit after the point for 0.001 <= |x| < 10^7 ("15.0", "102.25"), otherwise
 * scientific with a capital E ("1.28E8", "1.0E-4"); the digits are the shortest that round-trip.
 */
export function javaDouble(x: number): string | undefined {
  if (!Number.isFinite(x)) return x > 0 ? "Infinity" : x < 0 ? "-Infinity" : "NaN";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const abs = Math.abs(x);
  if (abs >= 1e-3 && abs < 1e7) {
    const text = String(x);
    return text.includes(".") ? text : `${text}.0`;
  }
  const [mantissa, exponent] = x.toExponential().split("e") as [string, string];
  const m = mantissa.includes(".") ? mantissa : `${mantissa}.0`;
  return `${m}E${Number(exponent)}`;
}

/** Numeric view of a value: numbers, timestamps (ms), numeric strings and booleans (1/0). */
export function toNumber(value: Value): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "number") return value;
  if (value instanceof Timestamp) return value.ms;
  if (typeof value === "boolean") return value ? 1 : 0;
  const trimmed = value.trim();
  if (trimmed === "") return undefined;
  const n = Number(trimmed);
  return Number.isNaN(n) ? undefined : n;
}

export function toText(value: Value): string | undefined {
  if (value === undefined) return undefined;
  if (value instanceof Timestamp) return formatTimestamp(value.ms);
  return String(value);
}

export function truthy(value: Value): boolean {
  if (value === undefined) return false;
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value !== 0;
  if (value instanceof Timestamp) return true;
  return value.length > 0;
}

/**
 * Compare two values: numerically when both sides read as numbers (or one is a timestamp),
 * else as strings. Undefined when either side is absent (comparisons with absent fields fail).
 */
export function compareValues(a: Value, b: Value): number | undefined {
  if (a === undefined || b === undefined) return undefined;
  const numeric =
    typeof a === "number" || typeof b === "number" || a instanceof Timestamp || b instanceof Timestamp;
  if (numeric) {
    const x = toNumber(a);
    const y = toNumber(b);
    if (x !== undefined && y !== undefined) return x < y ? -1 : x > y ? 1 : 0;
  }
  const s = toText(a)!;
  const t = toText(b)!;
  return s < t ? -1 : s > t ? 1 : 0;
}

/** Ordering for sort: absent values last whatever the direction, as Logs Insights does. */
export function sortCompare(a: Value, b: Value, descending: boolean): number {
  if (a === undefined && b === undefined) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  const c = compareValues(a, b) ?? 0;
  return descending ? -c : c;
}
