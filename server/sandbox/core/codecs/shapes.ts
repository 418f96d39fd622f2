/**
 * Values between the handlers and the codecs. Handlers read inputs in the awsJson document form
 * (timestamps as epoch seconds, blobs as base64) and return outputs with `Date` timestamps; the
 * SDK's own shape serializers want `Date` and `Uint8Array`. These walk a schema to convert.
 */
import type { NormalizedSchema } from "@smithy/core/schema";

type Plain = Record<string, unknown>;

function isPlainObject(value: unknown): value is Plain {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function toDate(value: unknown): unknown {
  if (value instanceof Date) return value;
  if (typeof value === "number") return new Date(value * 1000);
  if (typeof value === "string") {
    const ms = Date.parse(value);
    return Number.isFinite(ms) ? new Date(ms) : value;
  }
  return value;
}

/** A handler's output as the SDK's shape serializers expect it (Date timestamps, byte blobs). */
export function toTyped(ns: NormalizedSchema, value: unknown): unknown {
  if (value === undefined || value === null) return value;
  if (ns.isTimestampSchema()) return toDate(value);
  if (ns.isBlobSchema()) return typeof value === "string" ? Buffer.from(value, "base64") : value;
  if (ns.isListSchema()) {
    if (!Array.isArray(value)) return value;
    const member = ns.getValueSchema();
    return value.map((v) => toTyped(member, v));
  }
  if (ns.isMapSchema()) {
    if (!isPlainObject(value)) return value;
    const member = ns.getValueSchema();
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toTyped(member, v)]));
  }
  if (ns.isStructSchema()) {
    if (!isPlainObject(value)) return value;
    const out: Plain = {};
    for (const [name, member] of ns.structIterator()) {
      if (value[name] !== undefined && value[name] !== null) out[name] = toTyped(member, value[name]);
    }
    return out;
  }
  return value;
}

/** A decoded SDK-typed value in the awsJson document form handlers read. */
export function toPlain(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (Array.isArray(value)) return value.map(toPlain);
  if (isPlainObject(value)) {
    const out: Plain = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toPlain(v);
    return out;
  }
  return value;
}
