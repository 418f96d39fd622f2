/**
 * GetCostAndUsage over the sandbox bill: periods, filter, up to two GroupBy, metrics, pagination.
 * https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_GetCostAndUsage.html
 */
import { createHash } from "node:crypto";
import { AwsError, validation } from "../../core/errors.ts";
import type { SandboxContext, SandboxRequest } from "../../core/types.ts";
import { type BillLine, billOf } from "../../workload/bill.ts";
import { isActiveTag } from "./cost-allocation-tags.ts";
import { compileExpression, dimensionValue, isKnownDimension, type LinePredicate } from "./expression.ts";
import {
  amount,
  checkUsagePeriod,
  formatDate,
  type Period,
  readGranularity,
  readTimePeriod,
  splitPeriods,
} from "./periods.ts";

export const COST_METRICS = [
  "AmortizedCost",
  "BlendedCost",
  "NetAmortizedCost",
  "NetUnblendedCost",
  "UnblendedCost",
] as const;
const METRICS = [...COST_METRICS, "NormalizedUsageAmount", "UsageQuantity"];
/** Groups per page: results are cut into pages between time periods once a page holds this many groups. */
export const PAGE_GROUPS = 200;

interface GroupDef {
  Type: "DIMENSION" | "TAG" | "COST_CATEGORY";
  Key: string;
}

interface MetricValue {
  Amount: string;
  Unit: string;
}

interface Sum {
  cost: number;
  usage: number;
  units: Set<string>;
}

export function readMetrics(raw: unknown): string[] {
  if (!Array.isArray(raw) || raw.length === 0)
    throw validation(`Metrics is required: one or more of ${METRICS.join(", ")}`);
  for (const m of raw) {
    if (typeof m !== "string" || !METRICS.includes(m))
      throw validation(`Metric ${String(m)} is not valid. Valid values are ${METRICS.join(", ")}`);
  }
  return raw as string[];
}

function readGroupBy(raw: unknown): GroupDef[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw validation("GroupBy must be a list of {Type, Key}");
  if (raw.length > 2) throw validation(`GroupBy can hold up to two group definitions; got ${raw.length}`);
  return raw.map((g: { Type?: unknown; Key?: unknown }, i) => {
    if (g.Type !== "DIMENSION" && g.Type !== "TAG" && g.Type !== "COST_CATEGORY") {
      throw validation(
        `GroupBy[${i}].Type ${String(g.Type)} is not valid; use DIMENSION, TAG or COST_CATEGORY`,
      );
    }
    if (typeof g.Key !== "string" || g.Key.length === 0) throw validation(`GroupBy[${i}].Key is required`);
    if (g.Type === "DIMENSION" && !isKnownDimension(g.Key)) {
      throw validation(
        `Group Definition dimension is invalid. Valid values are AZ, INSTANCE_TYPE, LEGAL_ENTITY_NAME, INVOICING_ENTITY, LINKED_ACCOUNT, OPERATION, PLATFORM, PURCHASE_TYPE, SERVICE, TENANCY, RECORD_TYPE, and USAGE_TYPE.`,
      );
    }
    return { Type: g.Type, Key: g.Key };
  });
}

function groupKey(line: BillLine, g: GroupDef, ctx: SandboxContext): string {
  if (g.Type === "DIMENSION") return dimensionValue(line, g.Key, ctx.accountId) ?? "";
  // "<key>$<value>"; untagged lines (and every line of an inactive key) group under "<key>$",
  // AWS's "No tag key" group, e.g. ["team$support"], ["iamPrincipal/team$"].
  if (g.Type === "TAG" && isActiveTag(ctx, g.Key)) return `${g.Key}$${line.tags?.[g.Key] ?? ""}`;
  return `${g.Key}$`;
}

export function metricValue(metric: string, s: Sum): MetricValue {
  if (metric === "UsageQuantity")
    return { Amount: amount(s.usage), Unit: s.units.size === 1 ? ([...s.units][0] ?? "N/A") : "N/A" };
  if (metric === "NormalizedUsageAmount") return { Amount: amount(0), Unit: "N/A" };
  return { Amount: amount(s.cost), Unit: "USD" };
}

function metricsOf(metrics: readonly string[], s: Sum): Record<string, MetricValue> {
  return Object.fromEntries(metrics.map((m) => [m, metricValue(m, s)]));
}

/** Sum the bill over [start, end) for lines matching a predicate. */
export function sumBill(
  ctx: SandboxContext,
  p: Period,
  keep: LinePredicate,
): { sum: Sum; estimated: boolean } {
  const sum: Sum = { cost: 0, usage: 0, units: new Set() };
  let estimated = false;
  for (const day of billOf(ctx.workload).days(p.start, p.end)) {
    estimated ||= day.estimated;
    for (const l of day.lines) {
      if (!keep(l)) continue;
      sum.cost += l.cost;
      sum.usage += l.usage;
      sum.units.add(l.unit);
    }
  }
  return { sum, estimated };
}

interface PageToken {
  h: string;
  i: number;
}

function requestHash(input: Record<string, unknown>): string {
  const { NextPageToken: _ignored, ...rest } = input;
  return createHash("sha256").update(JSON.stringify(rest)).digest("hex").slice(0, 16);
}

function readToken(raw: unknown, hash: string): number {
  if (raw === undefined || raw === null || raw === "") return 0;
  let token: PageToken | undefined;
  try {
    token = JSON.parse(Buffer.from(String(raw), "base64url").toString("utf8")) as PageToken;
  } catch {
    token = undefined;
  }
  if (!token || typeof token.h !== "string" || typeof token.i !== "number") {
    throw new AwsError(
      "InvalidNextTokenException",
      "The pagination token is invalid. Try again without a pagination token.",
      400,
    );
  }
  if (token.h !== hash) {
    throw new AwsError(
      "RequestChangedException",
      "Your request parameters changed between pages. Try again with the old parameters or without a pagination token.",
      400,
    );
  }
  return token.i;
}

export function getCostAndUsage(
  ctx: SandboxContext,
  input: Record<string, unknown>,
  req: SandboxRequest,
): unknown {
  const period = readTimePeriod(input.TimePeriod);
  const granularity = readGranularity(input.Granularity, "GetCostAndUsage");
  const metrics = readMetrics(input.Metrics);
  const groupBy = readGroupBy(input.GroupBy);
  const keep: LinePredicate =
    input.Filter === undefined
      ? () => true
      : compileExpression(input.Filter, ctx.accountId, "Filter", (key) => isActiveTag(ctx, key));
  checkUsagePeriod(period, ctx.now());
  const hash = requestHash(input);
  const first = readToken(input.NextPageToken, hash);
  const periods = splitPeriods(period, granularity);
  if (first >= periods.length)
    throw new AwsError(
      "InvalidNextTokenException",
      "The pagination token is invalid. Try again without a pagination token.",
      400,
    );

  const results: unknown[] = [];
  let groupsOnPage = 0;
  let next = first;
  for (; next < periods.length && (results.length === 0 || groupsOnPage < PAGE_GROUPS); next++) {
    const p = periods[next] as Period;
    const result = periodResult(ctx, p, metrics, groupBy, keep);
    groupsOnPage += result.Groups.length;
    results.push(result);
  }
  req.notes.periods = results.length;
  req.notes.groups = groupsOnPage;
  const out: Record<string, unknown> = {};
  if (groupBy.length > 0) out.GroupDefinitions = groupBy;
  out.ResultsByTime = results;
  out.DimensionValueAttributes = groupBy.some((g) => g.Type === "DIMENSION" && g.Key === "LINKED_ACCOUNT")
    ? [{ Value: ctx.accountId, Attributes: { description: "bedrock-ops sandbox" } }]
    : [];
  if (next < periods.length)
    out.NextPageToken = Buffer.from(JSON.stringify({ h: hash, i: next } satisfies PageToken)).toString(
      "base64url",
    );
  return out;
}

function periodResult(
  ctx: SandboxContext,
  p: Period,
  metrics: string[],
  groupBy: GroupDef[],
  keep: LinePredicate,
) {
  const timePeriod = { Start: formatDate(p.start), End: formatDate(p.end) };
  if (groupBy.length === 0) {
    const { sum, estimated } = sumBill(ctx, p, keep);
    return {
      TimePeriod: timePeriod,
      Total: metricsOf(metrics, sum),
      Groups: [] as unknown[],
      Estimated: estimated,
    };
  }
  const groups = new Map<string, { keys: string[]; sum: Sum }>();
  let estimated = false;
  for (const day of billOf(ctx.workload).days(p.start, p.end)) {
    estimated ||= day.estimated;
    for (const l of day.lines) {
      if (!keep(l)) continue;
      const keys = groupBy.map((g) => groupKey(l, g, ctx));
      const id = keys.join("\u0000");
      let g = groups.get(id);
      if (!g) {
        g = { keys, sum: { cost: 0, usage: 0, units: new Set() } };
        groups.set(id, g);
      }
      g.sum.cost += l.cost;
      g.sum.usage += l.usage;
      g.sum.units.add(l.unit);
    }
  }
  const sorted = [...groups.values()].sort((a, b) => a.keys.join("|").localeCompare(b.keys.join("|")));
  return {
    TimePeriod: timePeriod,
    Total: {},
    Groups: sorted.map((g) => ({ Keys: g.keys, Metrics: metricsOf(metrics, g.sum) })),
    Estimated: estimated,
  };
}
