/**
 * The sandbox's AWS bill, derived from the workload: per UTC day, one line per (service, usage
 * type, region) with its unblended cost and usage quantity. Cost Explorer and Budgets both read it,
 * so they agree with each other and with the Bedrock calls behind the CloudWatch metrics.
 *
 * Finished days are cached (the workload is deterministic); live Bedrock calls are added on top
 * at read time, so a benchmark run shows in the bill at once.
 */

import { principalOf } from "./attribution.ts";
import { modelName, priceFor, SERVICE_RATES as R, regionCode, SERVICES } from "./bill-prices.ts";
import { type BedrockCall, DAY, type Workload } from "./model.ts";
import { applicationProfileOf, type Scenario, scenarioByName, scenarioOf } from "./scenario.ts";

export interface BillLine {
  service: string;
  usageType: string;
  region: string;
  operation: string;
  /** Unit of `usage` (UsageQuantity's unit in Cost Explorer). */
  unit: string;
  /** Unblended cost in USD (full precision; formatted only on the wire). */
  cost: number;
  usage: number;
  /**
   * Cost-allocation tags of the line, as Cost Explorer keys them: the application inference
   * profile's resource tags (`team`, `app`) and the calling IAM principal's tags as
   * `iamPrincipal/<key>` (Bedrock's IAM principal cost allocation, 2026). Absent: untagged.
   */
  tags?: Readonly<Record<string, string>>;
}

export interface BillDay {
  /** Epoch ms of 00:00 UTC. */
  start: number;
  /** Today and yesterday are estimated, as in Cost Explorer. */
  estimated: boolean;
  lines: BillLine[];
}

export function dayStart(t: number): number {
  return Math.floor(t / DAY) * DAY;
}

export class Bill {
  private readonly cache = new Map<number, BillLine[]>();

  constructor(private readonly workload: Workload) {}

  /** The bill of the UTC day starting at `start` (epoch ms, day-aligned), up to now. */
  day(start: number): BillDay {
    const now = this.workload.now();
    const today = dayStart(now);
    const estimated = start >= today - DAY;
    if (start > now) return { start, estimated: true, lines: [] };
    const base = this.workloadLines(start, now);
    const live = this.liveLines(start);
    return { start, estimated, lines: live.length === 0 ? base : merge(base, live) };
  }

  /** Bill days covering [from, to) (both day-aligned). */
  days(from: number, to: number): BillDay[] {
    const out: BillDay[] = [];
    for (let d = dayStart(from); d < to; d += DAY) out.push(this.day(d));
    return out;
  }

  /** The workload's own lines for a day; cached once the day is over and inside the history. */
  private workloadLines(start: number, now: number): BillLine[] {
    const finished = start + DAY <= now && start >= this.workload.historyStart();
    if (finished) {
      const hit = this.cache.get(start);
      if (hit) return hit;
    }
    const lines = this.compute(start, Math.min(start + DAY, now + 1));
    if (finished) {
      if (this.cache.size > 500) this.cache.clear();
      this.cache.set(start, lines);
    }
    return lines;
  }

  private compute(from: number, to: number): BillLine[] {
    const w = this.workload;
    const lines: BillLine[] = [];
    const scenario = scenarioOf(w);
    const byModel = w.bedrockCallsByModel(from, to);
    for (const modelId of w.models) {
      const calls = (byModel.get(modelId) ?? []).filter((c) => c.source === "workload");
      lines.push(...bedrockLines(modelId, calls, scenario, w.seed));
    }
    lines.push(...scenario.extraLines(w, from, to));
    let requests = 0;
    let gbSeconds = 0;
    for (const fn of w.functions) {
      for (const inv of w.invocations(fn, from, to)) {
        requests += 1;
        gbSeconds += (inv.billedMs / 1000) * (inv.memorySizeMb / 1024);
      }
    }
    if (requests > 0) lines.push(...supportingLines(w.region, from, requests, gbSeconds));
    return lines;
  }

  private liveLines(start: number): BillLine[] {
    const byModel = new Map<string, BedrockCall[]>();
    for (const call of this.workload.liveCalls()) {
      if (call.time < start || call.time >= start + DAY) continue;
      const list = byModel.get(call.modelId) ?? [];
      list.push(call);
      byModel.set(call.modelId, list);
    }
    const scenario = scenarioOf(this.workload);
    return [...byModel].flatMap(([modelId, calls]) =>
      bedrockLines(modelId, calls, scenario, this.workload.seed),
    );
  }
}

/**
 * The model an invoked ID bills as: application inference profiles (by ID, as the metrics name
 * them, or ARN) bill as the model they route to.
 */
function billedModel(modelId: string, scenario: Scenario): string {
  return applicationProfileOf(scenario, modelId)?.modelId ?? modelId;
}

const TOKEN_TYPES = [
  ["input", "input-tokens", "InputTokenCount"],
  ["output", "output-tokens", "OutputTokenCount"],
  ["cacheRead", "cache-read-input-token-count", "CacheReadInputTokenCount"],
  ["cacheWrite", "cache-write-input-token-count", "CacheWriteInputTokenCount"],
] as const;

/**
 * Token lines of one model: one per (region, token type); unpriced models are not billed.
 * Simple scenario: "Amazon Bedrock", quantities in tokens. Realistic: quantities in 1K tokens,
 * `global.` profiles under "Amazon Bedrock Service" with `-cross-region-global`, Claude Haiku 4.5
 * as the Marketplace service "Claude Haiku 4.5 (Amazon Bedrock Edition)" with `MP:` usage types
 * in tokens.
 */
export function bedrockLines(
  modelId: string,
  calls: readonly BedrockCall[],
  scenario: Scenario = scenarioByName("simple"),
  seed = 0,
): BillLine[] {
  const name = modelName(billedModel(modelId, scenario));
  if (!name) return [];
  const global = modelId.startsWith("global.");
  const profileTags = applicationProfileOf(scenario, modelId)?.tags ?? {};
  type Tally = Record<(typeof TOKEN_TYPES)[number][0], number> & {
    region: string;
    tags: Record<string, string> | undefined;
  };
  const byRegion = new Map<string, Tally>();
  for (const c of calls) {
    const tags = scenario.tagged ? lineTags(profileTags, c, seed) : undefined;
    const key = `${c.region}\u0000${tagKey(tags)}`;
    const t = byRegion.get(key) ?? {
      region: c.region,
      tags,
      input: 0,
      output: 0,
      cacheRead: 0,
      cacheWrite: 0,
    };
    t.input += c.inputTokens;
    t.output += c.outputTokens;
    t.cacheRead += c.cacheReadTokens ?? 0;
    t.cacheWrite += c.cacheWriteTokens ?? 0;
    byRegion.set(key, t);
  }
  const marketplace = scenario.thousands && name === "Claude4.5Haiku";
  const out: BillLine[] = [];
  for (const t of byRegion.values()) {
    const { region } = t;
    const tagged = t.tags ? { tags: t.tags } : {};
    const price = priceFor(region, name, global ? "global" : "in-region");
    if (!price) continue;
    const rc = regionCode(region);
    for (const [kind, suffix, mp] of TOKEN_TYPES) {
      const tokens = t[kind];
      if (tokens <= 0) continue;
      const rate =
        kind === "cacheRead"
          ? (price.cacheRead ?? price.input)
          : kind === "cacheWrite"
            ? (price.cacheWrite ?? price.input)
            : price[kind];
      const cost = (tokens * rate) / 1e6;
      if (marketplace) {
        out.push({
          service: "Claude Haiku 4.5 (Amazon Bedrock Edition)",
          usageType: `${rc}-MP:${rc}_${mp}${global ? "_Global" : ""}-Units`,
          region,
          operation: "Usage",
          unit: "Units",
          usage: tokens,
          cost,
          ...tagged,
        });
        continue;
      }
      out.push({
        service: scenario.thousands && global ? "Amazon Bedrock Service" : SERVICES.bedrock,
        usageType: `${rc}-${name}-${suffix}${global ? "-cross-region-global" : ""}`,
        region,
        operation: "InvokeModelInference",
        unit: scenario.thousands ? "1K tokens" : "Tokens",
        usage: scenario.thousands ? tokens / 1000 : tokens,
        cost,
        ...tagged,
      });
    }
  }
  return out;
}

/**
 * Lambda (requests and GB-seconds from the REPORT lines) and the small lines of the seed's
 * architecture around it: API Gateway in front, S3 for the site and memory, CloudFront, CloudWatch
 * Logs ingestion, DynamoDB. Quantities scale with the day's invocations, so they are deterministic.
 */
function supportingLines(region: string, day: number, requests: number, gbSeconds: number): BillLine[] {
  const rc = regionCode(region);
  const date = new Date(day);
  const daysInMonth = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  const line = (
    service: string,
    usageType: string,
    operation: string,
    unit: string,
    usage: number,
    rate: number,
    lineRegion = region,
  ): BillLine => ({
    service,
    usageType,
    region: lineRegion,
    operation,
    unit,
    usage,
    cost: usage * rate,
  });
  const storageGbMonth = 0.25 / daysInMonth;
  const pageRequests = requests * 3;
  return [
    line(SERVICES.lambda, `${rc}-Request`, "Invoke", "Requests", requests, R.lambdaRequest),
    line(
      SERVICES.lambda,
      `${rc}-Lambda-GB-Second`,
      "Invoke",
      "Lambda-GB-Second",
      gbSeconds,
      R.lambdaGbSecond,
    ),
    line(
      SERVICES.apiGateway,
      `${rc}-ApiGatewayRequest`,
      "ApiGatewayRequest",
      "Requests",
      requests,
      R.apiGatewayRequest,
    ),
    line(
      SERVICES.s3,
      `${rc}-TimedStorage-ByteHrs`,
      "StandardStorage",
      "GB-Mo",
      storageGbMonth,
      R.s3StorageGbMonth,
    ),
    line(SERVICES.s3, `${rc}-Requests-Tier1`, "PutObject", "Requests", requests, R.s3PutRequest),
    line(SERVICES.s3, `${rc}-Requests-Tier2`, "GetObject", "Requests", requests, R.s3GetRequest),
    line(
      SERVICES.cloudFront,
      "US-Requests-Tier1",
      "GET",
      "Requests",
      pageRequests,
      R.cloudFrontRequest,
      "global",
    ),
    line(
      SERVICES.cloudFront,
      "US-DataTransfer-Out-Bytes",
      "GET",
      "GB",
      pageRequests * 0.00002,
      R.cloudFrontGbOut,
      "global",
    ),
    line(
      SERVICES.cloudWatch,
      `${rc}-DataProcessing-Bytes`,
      "PutLogEvents",
      "GB",
      requests * 0.0000012,
      R.logsIngestGb,
    ),
    line(
      SERVICES.dynamo,
      `${rc}-ReadRequestUnits`,
      "GetItem",
      "ReadRequestUnits",
      requests,
      R.dynamoReadUnit,
    ),
    line(
      SERVICES.dynamo,
      `${rc}-WriteRequestUnits`,
      "PutItem",
      "WriteRequestUnits",
      requests * 2,
      R.dynamoWriteUnit,
    ),
  ];
}

/** A call's cost-allocation tags: its profile's resource tags and its principal's `iamPrincipal/` tags. */
function lineTags(
  profileTags: Readonly<Record<string, string>>,
  call: BedrockCall,
  seed: number,
): Record<string, string> | undefined {
  const tags: Record<string, string> = { ...profileTags };
  for (const [k, v] of Object.entries(principalOf(call, seed).tags)) tags[`iamPrincipal/${k}`] = v;
  return Object.keys(tags).length > 0 ? tags : undefined;
}

function tagKey(tags: Readonly<Record<string, string>> | undefined): string {
  return tags ? JSON.stringify(Object.entries(tags).sort(([a], [b]) => a.localeCompare(b))) : "";
}

/** Merge lines with the same (service, usage type, region, operation, tags). */
function merge(a: readonly BillLine[], b: readonly BillLine[]): BillLine[] {
  const map = new Map<string, BillLine>();
  for (const l of [...a, ...b]) {
    const key = `${l.service}|${l.usageType}|${l.region}|${l.operation}|${tagKey(l.tags)}`;
    const prev = map.get(key);
    if (prev) map.set(key, { ...prev, cost: prev.cost + l.cost, usage: prev.usage + l.usage });
    else map.set(key, { ...l });
  }
  return [...map.values()];
}

const bills = new WeakMap<Workload, Bill>();

/** The one bill of a workload, shared by Cost Explorer and Budgets (one cache). */
export function billOf(workload: Workload): Bill {
  let bill = bills.get(workload);
  if (!bill) {
    bill = new Bill(workload);
    bills.set(workload, bill);
  }
  return bill;
}
