/**
 * Cost-allocation tags (ce:ListCostAllocationTags) and which of them Cost Explorer can group and
 * filter by. https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_ListCostAllocationTags.html
 * Request: Status (Active|Inactive), TagKeys (1-100), Type (AWSGenerated|UserDefined), NextToken,
 * MaxResults (1-1000, 100 by default). Response: CostAllocationTags [{TagKey, Type, Status,
 * LastUpdatedDate, LastUsedDate}], NextToken. Real output: test/fixtures/bedrock/cost-allocation.json.
 *
 * The realistic account's keys: the application profiles' resource tags `team` and `app`; the
 * IAM principal tags Bedrock copies into billing data as `iamPrincipal/<key>` (`iamPrincipal/team`,
 * `iamPrincipal/cost-center`); and the AWS-generated `aws:createdBy`, never activated. All but
 * `aws:createdBy` are Active unless `settings.costExplorer.costAllocationTags` says otherwise. An
 * Inactive key's tag data is not in Cost Explorer: grouping by it puts every cost under "<key>$"
 * and a Tags filter on one of its values matches nothing.
 */
import { AwsError, validation } from "../../core/errors.ts";
import type { SandboxContext } from "../../core/types.ts";
import { scenarioOf } from "../../workload/scenario.ts";

type Status = "Active" | "Inactive";
type TagType = "AWSGenerated" | "UserDefined";

interface TagEntry {
  TagKey: string;
  Type: TagType;
  Status: Status;
  LastUpdatedDate?: string;
  LastUsedDate?: string;
}

const ACTIVATED = "2026-10-02T08:15:00Z";

function catalogue(ctx: SandboxContext): TagEntry[] {
  if (!scenarioOf(ctx.workload).tagged) return [];
  const overrides = ctx.settings.costExplorer?.costAllocationTags ?? {};
  const lastUsed = `${new Date(ctx.now()).toISOString().slice(0, 10)}T00:00:00Z`;
  const keys: Array<[string, TagType, Status]> = [
    ["app", "UserDefined", "Active"],
    ["aws:createdBy", "AWSGenerated", "Inactive"],
    ["iamPrincipal/cost-center", "UserDefined", "Active"],
    ["iamPrincipal/team", "UserDefined", "Active"],
    ["team", "UserDefined", "Active"],
  ];
  return keys.map(([TagKey, Type, status]) => {
    const Status = overrides[TagKey] ?? status;
    const entry: TagEntry = { TagKey, Type, Status };
    if (Status === "Active") entry.LastUpdatedDate = ACTIVATED;
    if (TagKey !== "aws:createdBy") entry.LastUsedDate = lastUsed;
    return entry;
  });
}

/** Whether Cost Explorer has tag data for a key (an Active cost-allocation tag). */
export function isActiveTag(ctx: SandboxContext, key: string): boolean {
  return catalogue(ctx).some((t) => t.TagKey === key && t.Status === "Active");
}

export function listCostAllocationTags(ctx: SandboxContext, input: Record<string, unknown>): unknown {
  const { Status, Type, TagKeys, NextToken, MaxResults } = input;
  if (Status !== undefined && Status !== "Active" && Status !== "Inactive")
    throw validation(`Status ${String(Status)} is not valid; use Active or Inactive`);
  if (Type !== undefined && Type !== "AWSGenerated" && Type !== "UserDefined")
    throw validation(`Type ${String(Type)} is not valid; use AWSGenerated or UserDefined`);
  if (TagKeys !== undefined && (!Array.isArray(TagKeys) || TagKeys.length < 1 || TagKeys.length > 100))
    throw validation("TagKeys must list 1 to 100 tag keys");
  const max = MaxResults === undefined ? 100 : Number(MaxResults);
  if (!Number.isInteger(max) || max < 1 || max > 1000)
    throw validation("MaxResults must be between 1 and 1000");
  const all = catalogue(ctx).filter(
    (t) =>
      (Status === undefined || t.Status === Status) &&
      (Type === undefined || t.Type === Type) &&
      (TagKeys === undefined || (TagKeys as unknown[]).includes(t.TagKey)),
  );
  let offset = 0;
  if (NextToken !== undefined) {
    offset = Number(Buffer.from(String(NextToken), "base64url").toString());
    if (!Number.isInteger(offset) || offset < 0 || offset > all.length)
      throw new AwsError("InvalidNextTokenException", "The pagination token is invalid.", 400);
  }
  const out: Record<string, unknown> = { CostAllocationTags: all.slice(offset, offset + max) };
  if (offset + max < all.length) out.NextToken = Buffer.from(String(offset + max)).toString("base64url");
  return out;
}
