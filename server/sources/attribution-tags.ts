/**
 * Billed Bedrock cost per cost-allocation tag value per day (Cost Explorer GetCostAndUsage DAILY,
 * GroupBy TAG, filtered to the Bedrock services) and whether a tag key is active for cost
 * allocation (ListCostAllocationTags). Cost Explorer answers each group key as `<key>$<value>`;
 * spend without the tag comes back as `<key>$` — the untagged remainder, kept, never dropped, so
 * the groups of a day add up to that day's Bedrock total. Each page costs $0.01: the caller caches
 * on the costs panel's cadence.
 */
import {
  type CostExplorerClient,
  GetCostAndUsageCommand,
  ListCostAllocationTagsCommand,
  type ResultByTime,
} from "@aws-sdk/client-cost-explorer";
import type { CostWindow } from "./costs.ts";
import { round, serviceFilter } from "./costs.ts";
import { awsCall } from "./errors.ts";

/** A day's billed cost per tag value; "" is spend without the tag. */
export interface TagDay {
  date: string;
  byValue: Record<string, number>;
  total: number;
  estimated: boolean;
}

export interface TagCosts {
  key: string;
  days: TagDay[];
  requests: number;
}

export interface TagStatus {
  key: string;
  /** "Active", "Inactive", or null when Cost Explorer has never seen the key on a resource. */
  status: "Active" | "Inactive" | null;
  type: string | null;
  lastUsedDate: string | null;
}

/** `team$backend` -> `backend`; `team$` -> "" (untagged). Keys of other tags are not ours. */
export function tagValueOf(groupKey: string, tagKey: string): string | null {
  const prefix = `${tagKey}$`;
  return groupKey.startsWith(prefix) ? groupKey.slice(prefix.length) : null;
}

export function parseTagResults(results: readonly ResultByTime[], tagKey: string): TagDay[] {
  const days = new Map<string, TagDay>();
  for (const r of results) {
    const date = r.TimePeriod?.Start ?? "";
    const day = days.get(date) ?? { date, byValue: {}, total: 0, estimated: r.Estimated ?? false };
    for (const g of r.Groups ?? []) {
      const value = tagValueOf(g.Keys?.[0] ?? "", tagKey) ?? "";
      const amount = Number(g.Metrics?.UnblendedCost?.Amount ?? 0);
      day.byValue[value] = round((day.byValue[value] ?? 0) + amount);
      day.total = round(day.total + amount);
    }
    // A day without groups (no Bedrock spend) still says 0 through Total.
    if ((r.Groups ?? []).length === 0) day.total = round(Number(r.Total?.UnblendedCost?.Amount ?? 0));
    days.set(date, day);
  }
  return [...days.values()].sort((a, b) => a.date.localeCompare(b.date));
}

export class TagCostsSource {
  constructor(private readonly client: CostExplorerClient) {}

  /** Daily Bedrock cost grouped by one tag key, all pages. */
  async byTag(window: CostWindow, tagKey: string, bedrockServices: readonly string[]): Promise<TagCosts> {
    const results: ResultByTime[] = [];
    let token: string | undefined;
    let pages = 0;
    const filter = serviceFilter(bedrockServices);
    do {
      const page = await awsCall("GetCostAndUsage", () =>
        this.client.send(
          new GetCostAndUsageCommand({
            TimePeriod: { Start: window.start, End: window.end },
            Granularity: "DAILY",
            Metrics: ["UnblendedCost"],
            GroupBy: [{ Type: "TAG", Key: tagKey }],
            ...(filter ? { Filter: filter } : {}),
            ...(token ? { NextPageToken: token } : {}),
          }),
        ),
      );
      pages += 1;
      results.push(...(page.ResultsByTime ?? []));
      token = page.NextPageToken;
    } while (token);
    return { key: tagKey, days: parseTagResults(results, tagKey), requests: pages };
  }

  /** The status of each key (ListCostAllocationTags with TagKeys, one request per 100 keys). */
  async status(keys: readonly string[]): Promise<{ tags: TagStatus[]; requests: number }> {
    const found = new Map<string, TagStatus>();
    let requests = 0;
    for (let i = 0; i < keys.length; i += 100) {
      let token: string | undefined;
      do {
        const page = await awsCall("ListCostAllocationTags", () =>
          this.client.send(
            new ListCostAllocationTagsCommand({
              TagKeys: keys.slice(i, i + 100),
              ...(token ? { NextToken: token } : {}),
            }),
          ),
        );
        requests += 1;
        for (const t of page.CostAllocationTags ?? []) {
          if (!t.TagKey) continue;
          found.set(t.TagKey, {
            key: t.TagKey,
            status: t.Status === "Active" || t.Status === "Inactive" ? t.Status : null,
            type: t.Type ?? null,
            lastUsedDate: t.LastUsedDate ?? null,
          });
        }
        token = page.NextToken;
      } while (token);
    }
    const tags = keys.map((key) => found.get(key) ?? { key, status: null, type: null, lastUsedDate: null });
    return { tags, requests };
  }
}
