/**
 * awsQuery request parameters (`MetricData.member.1.Dimensions.member.2.Name=…`,
 * `Attributes.entry.1.key=…`) read back into an operation's input, driven by the SDK's input
 * schema: the inverse of @aws-sdk/core's QueryShapeSerializer (list members `member.N` unless
 * `xmlFlattened`, maps `entry.N.key`/`entry.N.value`, member names from `xmlName`, an empty list
 * as `Name=`). Values come out in the awsJson document form handlers read.
 */
import type { NormalizedSchema } from "@smithy/core/schema";

interface Tree {
  value?: string;
  children: Map<string, Tree>;
}

function tree(params: URLSearchParams): Tree {
  const root: Tree = { children: new Map() };
  for (const [key, value] of params) {
    let node = root;
    for (const part of key.split(".")) {
      let next = node.children.get(part);
      if (!next) {
        next = { children: new Map() };
        node.children.set(part, next);
      }
      node = next;
    }
    node.value = value;
  }
  return root;
}

function indexed(node: Tree): Tree[] {
  return [...node.children.entries()]
    .filter(([k]) => /^\d+$/.test(k))
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([, v]) => v);
}

function scalar(ns: NormalizedSchema, raw: string): unknown {
  if (ns.isBooleanSchema()) return raw === "true" ? true : raw === "false" ? false : raw;
  if (ns.isNumericSchema()) {
    const n = Number(raw);
    return raw.trim() !== "" && Number.isFinite(n) ? n : raw;
  }
  if (ns.isTimestampSchema()) {
    if (/^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
    const ms = Date.parse(raw);
    return Number.isFinite(ms) ? ms / 1000 : raw;
  }
  return raw;
}

function read(ns: NormalizedSchema, node: Tree): unknown {
  if (ns.isListSchema()) {
    if (node.children.size === 0) return [];
    const member = ns.getValueSchema();
    const container = ns.getMergedTraits().xmlFlattened
      ? node
      : node.children.get(member.getMergedTraits().xmlName ?? "member");
    return container ? indexed(container).map((item) => read(member, item)) : [];
  }
  if (ns.isMapSchema()) {
    const keySchema = ns.getKeySchema();
    const valueSchema = ns.getValueSchema();
    const keyName = keySchema.getMergedTraits().xmlName ?? "key";
    const valueName = valueSchema.getMergedTraits().xmlName ?? "value";
    const container = ns.getMergedTraits().xmlFlattened ? node : node.children.get("entry");
    const out: Record<string, unknown> = {};
    for (const entry of container ? indexed(container) : []) {
      const key = entry.children.get(keyName)?.value;
      const value = entry.children.get(valueName);
      if (key !== undefined && value) out[key] = read(valueSchema, value);
    }
    return out;
  }
  if (ns.isStructSchema()) {
    const out: Record<string, unknown> = {};
    for (const [name, member] of ns.structIterator()) {
      const child = node.children.get(member.getMergedTraits().xmlName ?? name);
      if (child) out[name] = read(member, child);
    }
    return out;
  }
  return node.value === undefined ? undefined : scalar(ns, node.value);
}

/** The operation input carried by awsQuery parameters (Action and Version excluded). */
export function readQueryInput(input: NormalizedSchema, params: URLSearchParams): Record<string, unknown> {
  const value = read(input, tree(params));
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
