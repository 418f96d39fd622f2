/**
 * Cost Explorer filter expressions (also Budgets' FilterExpression): validation as AWS applies it
 * and evaluation against bill lines. https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_Expression.html
 */
import { validation } from "../../core/errors.ts";
import type { BillLine } from "../../workload/bill.ts";

export interface Expression {
  And?: Expression[];
  Or?: Expression[];
  Not?: Expression;
  Dimensions?: KeyValues;
  Tags?: KeyValues;
  CostCategories?: KeyValues;
}

interface KeyValues {
  Key?: string;
  Values?: string[];
  MatchOptions?: string[];
}

export type LinePredicate = (line: BillLine) => boolean;

/** Dimensions the sandbox's bill has values for; every other documented dimension has one constant value. */
export const DIMENSIONS = [
  "SERVICE",
  "USAGE_TYPE",
  "REGION",
  "LINKED_ACCOUNT",
  "RECORD_TYPE",
  "OPERATION",
] as const;
const CONSTANT_DIMENSIONS: Record<string, string> = {
  AZ: "NoAZ",
  INSTANCE_TYPE: "NoInstanceType",
  PLATFORM: "NoPlatform",
  TENANCY: "NoTenancy",
  PURCHASE_TYPE: "On Demand",
  LEGAL_ENTITY_NAME: "Amazon Web Services, Inc.",
  INVOICING_ENTITY: "Amazon Web Services, Inc.",
  BILLING_ENTITY: "AWS",
  USAGE_TYPE_GROUP: "NoUsageTypeGroup",
};

/** The value of a dimension for a bill line, or undefined when the dimension is not known. */
export function dimensionValue(line: BillLine, key: string, accountId: string): string | undefined {
  switch (key) {
    case "SERVICE":
      return line.service;
    case "USAGE_TYPE":
      return line.usageType;
    case "REGION":
      return line.region;
    case "LINKED_ACCOUNT":
      return accountId;
    case "RECORD_TYPE":
      return "Usage";
    case "OPERATION":
      return line.operation;
  }
  return CONSTANT_DIMENSIONS[key];
}

export function isKnownDimension(key: string): boolean {
  return (DIMENSIONS as readonly string[]).includes(key) || key in CONSTANT_DIMENSIONS;
}

const ROOTS = ["And", "Or", "Not", "Dimensions", "Tags", "CostCategories"] as const;
const DIMENSION_MATCH = new Set(["EQUALS", "CASE_SENSITIVE"]);
const TAG_MATCH = new Set([
  "EQUALS",
  "ABSENT",
  "CASE_SENSITIVE",
  "CASE_INSENSITIVE",
  "STARTS_WITH",
  "ENDS_WITH",
  "CONTAINS",
]);

/**
 * Validate an expression tree and compile it to a predicate over bill lines. `activeTag` says
 * which tag keys are active cost-allocation tags: an inactive key's values are not in Cost
 * Explorer, so its lines count as untagged.
 */
export function compileExpression(
  raw: unknown,
  accountId: string,
  path = "Filter",
  activeTag: (key: string) => boolean = () => true,
): LinePredicate {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw))
    throw validation(`${path} must be an Expression object`);
  const e = raw as Expression;
  const present = ROOTS.filter((k) => e[k] !== undefined);
  if (present.length > 1) {
    throw validation(
      "Expression has more than one roots. Only one root operator is allowed for each expression: And, Or, Not, Dimensions, Tags, CostCategories",
    );
  }
  if (present.length === 0)
    throw validation(
      "Expression has no root operator. Use one of: And, Or, Not, Dimensions, Tags, CostCategories",
    );
  if (e.And !== undefined || e.Or !== undefined) {
    const op = e.And !== undefined ? "And" : "Or";
    const list = (e.And ?? e.Or) as unknown;
    if (!Array.isArray(list) || list.length < 2)
      throw validation(`${path}.${op} must hold at least 2 expressions`);
    const parts = list.map((x, i) => compileExpression(x, accountId, `${path}.${op}[${i}]`, activeTag));
    return op === "And" ? (l) => parts.every((p) => p(l)) : (l) => parts.some((p) => p(l));
  }
  if (e.Not !== undefined) {
    const inner = compileExpression(e.Not, accountId, `${path}.Not`, activeTag);
    return (l) => !inner(l);
  }
  if (e.Dimensions !== undefined) return compileDimensions(e.Dimensions, accountId, `${path}.Dimensions`);
  const kv = (e.Tags ?? e.CostCategories) as KeyValues;
  const what = e.Tags !== undefined ? "Tags" : "CostCategories";
  const options = kv.MatchOptions ?? ["EQUALS"];
  for (const o of options)
    if (!TAG_MATCH.has(o)) throw validation(`${path}.${what}.MatchOptions value ${o} is not valid`);
  // Lines carry cost-allocation tags (BillLine.tags); the sandbox has no cost categories.
  const key = e.Tags !== undefined ? kv.Key : undefined;
  if (e.Tags !== undefined && (typeof key !== "string" || key.length === 0))
    throw validation(`${path}.Tags.Key is required: the cost-allocation tag key, e.g. team`);
  const tagValue = (l: BillLine): string =>
    key !== undefined && activeTag(key) ? (l.tags?.[key] ?? "") : "";
  if (options.includes("ABSENT")) return (l) => tagValue(l) === "";
  const values = kv.Values ?? [];
  const insensitive = options.includes("CASE_INSENSITIVE");
  const norm = (v: string) => (insensitive ? v.toLowerCase() : v);
  const wanted = values.map(norm);
  const test = options.includes("STARTS_WITH")
    ? (v: string) => wanted.some((w) => v !== "" && v.startsWith(w))
    : options.includes("ENDS_WITH")
      ? (v: string) => wanted.some((w) => v !== "" && v.endsWith(w))
      : options.includes("CONTAINS")
        ? (v: string) => wanted.some((w) => v !== "" && v.includes(w))
        : (v: string) => wanted.includes(v);
  return (l) => test(norm(tagValue(l)));
}

function compileDimensions(kv: KeyValues, accountId: string, path: string): LinePredicate {
  const key = kv.Key;
  if (typeof key !== "string" || !isKnownDimension(key)) {
    throw validation(
      `${path}.Key ${key === undefined ? "is missing" : `"${String(key)}" is not a valid dimension`}; use e.g. SERVICE, USAGE_TYPE, REGION, LINKED_ACCOUNT, RECORD_TYPE or OPERATION`,
    );
  }
  const values = kv.Values;
  if (!Array.isArray(values) || values.length === 0)
    throw validation(`${path}.Values must list at least one value for dimension ${key}`);
  for (const o of kv.MatchOptions ?? []) {
    if (!DIMENSION_MATCH.has(o))
      throw validation(
        `${path}.MatchOptions value ${o} is not valid for Dimensions; valid values are EQUALS and CASE_SENSITIVE`,
      );
  }
  const set = new Set(values);
  return (l) => {
    const v = dimensionValue(l, key, accountId);
    return v !== undefined && set.has(v);
  };
}
