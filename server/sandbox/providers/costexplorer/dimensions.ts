/**
 * GetDimensionValues for the dimensions the sandbox bill has (SERVICE, USAGE_TYPE, REGION, ...).
 * https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_GetDimensionValues.html
 */
import { validation } from "../../core/errors.ts";
import type { SandboxContext } from "../../core/types.ts";
import { billOf } from "../../workload/bill.ts";
import { isActiveTag } from "./cost-allocation-tags.ts";
import { compileExpression, DIMENSIONS, dimensionValue, type LinePredicate } from "./expression.ts";
import { checkUsagePeriod, readTimePeriod } from "./periods.ts";

export function getDimensionValues(ctx: SandboxContext, input: Record<string, unknown>): unknown {
  const period = readTimePeriod(input.TimePeriod);
  const key = input.Dimension;
  if (typeof key !== "string" || !(DIMENSIONS as readonly string[]).includes(key)) {
    throw validation(
      `Dimension ${String(key)} is not supported by the sandbox; use one of ${DIMENSIONS.join(", ")}`,
    );
  }
  if (input.Context !== undefined && input.Context !== "COST_AND_USAGE") {
    throw validation(`Context ${String(input.Context)} is not supported by the sandbox; use COST_AND_USAGE`);
  }
  checkUsagePeriod(period, ctx.now());
  const keep: LinePredicate =
    input.Filter === undefined
      ? () => true
      : compileExpression(input.Filter, ctx.accountId, "Filter", (key) => isActiveTag(ctx, key));
  const search = typeof input.SearchString === "string" ? input.SearchString.toLowerCase() : "";
  const values = new Set<string>();
  for (const day of billOf(ctx.workload).days(period.start, period.end)) {
    for (const l of day.lines) {
      const v = dimensionValue(l, key, ctx.accountId);
      if (v !== undefined && keep(l) && v.toLowerCase().includes(search)) values.add(v);
    }
  }
  const all = [...values].sort();
  const max = input.MaxResults === undefined ? all.length : Number(input.MaxResults);
  const offset =
    typeof input.NextPageToken === "string"
      ? Number(Buffer.from(input.NextPageToken, "base64url").toString("utf8")) || 0
      : 0;
  const page = all.slice(offset, offset + max);
  const out: Record<string, unknown> = {
    DimensionValues: page.map((Value) => ({
      Value,
      Attributes: key === "LINKED_ACCOUNT" ? { description: "bedrock-ops sandbox" } : {},
    })),
    ReturnSize: page.length,
    TotalSize: all.length,
  };
  if (offset + max < all.length) out.NextPageToken = Buffer.from(String(offset + max)).toString("base64url");
  return out;
}
