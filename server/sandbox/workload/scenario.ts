/**
 * How the sandbox account bills (`sandbox.scenario`):
 *
 * - `simple`: today's behaviour before issue #12 — the configured models on demand, one service
 *   ("Amazon Bedrock"), usage types `USE1-NovaLite-input-tokens`, quantities in tokens.
 * - `realistic` (the default for `npm start`): a 2026 account. The configured models on demand,
 *   plus a `global.` Nova 2 Lite profile with prompt caching (billed under "Amazon Bedrock Service"
 *   with `-cross-region-global` usage types), Claude Haiku 4.5 through the `us.` profile billed as a
 *   Marketplace service ("Claude Haiku 4.5 (Amazon Bedrock Edition)", `USE1-MP:USE1_InputTokenCount-Units`
 *   in tokens, cache reads and writes), two tagged application inference profiles (`twinsupport01`
 *   -> Nova Pro, team=support; `twinsearch01` -> Nova Lite, team=search), a
 *   nightly Nova Lite batch job (`-batch`, half price, not in the runtime metrics), one usage type
 *   no parser knows (`USE1-Guardrail-AutomatedReasoningPolicyUnitsConsumed`), first-party
 *   quantities in 1K tokens, and each Region's own prices (eu-west-1 included).
 *
 * The CloudWatch metrics (including CacheReadInputTokenCount / CacheWriteInputTokenCount) come
 * from the same calls as the bill, so they agree.
 */
import type { BillLine } from "./bill.ts";
import { priceFor, regionCode } from "./bill-prices.ts";
import type { BedrockCall, Workload } from "./model.ts";
import { DAY } from "./model.ts";
import { hashString, uniform } from "./random.ts";

export type ScenarioName = "simple" | "realistic";
export const SCENARIOS: readonly ScenarioName[] = ["simple", "realistic"];

/** An application inference profile of the realistic account (GetInferenceProfile answers it). */
export interface ApplicationProfile {
  /** The profile ID: what AWS/Bedrock metrics report as `ModelId` (see APPLICATION_PROFILES). */
  id: string;
  name: string;
  description: string;
  /** The model it copies from (foundation model, in the account's Region). */
  modelId: string;
  /** Its resource tags (ListTagsForResource); cost-allocation tags on the bill once activated. */
  tags: Readonly<Record<string, string>>;
}

export interface Scenario {
  name: ScenarioName;
  /** Model IDs the workload calls beyond the configured ones (as CloudWatch reports them). */
  extraModels(region: string, accountId: string): string[];
  applicationProfiles(): readonly ApplicationProfile[];
  /** Add cache tokens (and anything else the scenario changes) to a generated call. */
  shapeCall(call: BedrockCall, seed: number): BedrockCall;
  /** Whether first-party quantities are billed in 1K tokens (AWS's unit) or tokens (simple). */
  thousands: boolean;
  /** Whether Bedrock bill lines carry cost-allocation tags (profile tags, iamPrincipal/ tags). */
  tagged: boolean;
  /** Lines of the day that do not come from runtime calls (batch jobs, other Bedrock features). */
  extraLines(workload: Workload, dayStart: number, until: number): BillLine[];
}

export const REALISTIC_PROFILE_ID = "twinsupport01";
export const SEARCH_PROFILE_ID = "twinsearch01";

/**
 * The realistic account's application inference profiles. Calls made through one appear in
 * AWS/Bedrock with the profile **ID** as the `ModelId` dimension (not the ARN the caller passed):
 * cloud-custodian's InferenceProfileMetrics (c7n/resources/bedrock.py, PR #10786) queries
 * `ModelId = inferenceProfileId`, and AWS samples for multi-tenant profiles query
 * `Dimensions=[{'Name': 'ModelId', 'Value': profile_id}]` (IDs such as `p24qm5pye2qr`).
 */
export const APPLICATION_PROFILES: readonly ApplicationProfile[] = [
  {
    id: REALISTIC_PROFILE_ID,
    name: "twin-support",
    description: "twin-api support answers (cost allocation tag team=support)",
    modelId: "amazon.nova-pro-v1:0",
    tags: { team: "support", app: "twin-support" },
  },
  {
    id: SEARCH_PROFILE_ID,
    name: "twin-search",
    description: "twin-api search summaries (cost allocation tag team=search)",
    modelId: "amazon.nova-lite-v1:0",
    tags: { team: "search", app: "twin-search" },
  },
];

export function profileArn(region: string, accountId: string, id = REALISTIC_PROFILE_ID): string {
  return `arn:aws:bedrock:${region}:${accountId}:application-inference-profile/${id}`;
}

/** The application profile an invoked ID names: its ID, or its ARN (any Region and account). */
export function applicationProfileOf(scenario: Scenario, modelId: string): ApplicationProfile | undefined {
  const id = /:application-inference-profile\/([a-z0-9]+)$/.exec(modelId)?.[1] ?? modelId;
  return scenario.applicationProfiles().find((p) => p.id === id);
}

const SIMPLE: Scenario = {
  name: "simple",
  extraModels: () => [],
  applicationProfiles: () => [],
  shapeCall: (call) => call,
  thousands: false,
  tagged: false,
  extraLines: () => [],
};

/** Cached prefix sizes: a system prompt read from the cache on most calls, written on a few. */
const CACHING: ReadonlyArray<[RegExp, { prefix: number; writeShare: number; readShare: number }]> = [
  [/nova-2-lite/, { prefix: 2_000, writeShare: 0.05, readShare: 0.9 }],
  [/claude-haiku-4-5/, { prefix: 1_500, writeShare: 0.1, readShare: 0.8 }],
];

/** A nightly batch job: Nova Lite, 02:00 UTC, 2M input and 400k output tokens. */
export const BATCH_JOB = { hourUtc: 2, modelName: "NovaLite", input: 2_000_000, output: 400_000 } as const;
/** Batch inference costs half the on-demand price (Bedrock pricing page). */
export const BATCH_FACTOR = 0.5;
/** An Automated Reasoning guardrail check per 40 requests, as units (price per unit, us-east-1). */
export const GUARDRAIL = { usageType: "Guardrail-AutomatedReasoningPolicyUnitsConsumed", perUnit: 0.00017 };

const REALISTIC: Scenario = {
  name: "realistic",
  extraModels: () => [
    "global.amazon.nova-2-lite-v1:0",
    "us.anthropic.claude-haiku-4-5-20251001-v1:0",
    ...APPLICATION_PROFILES.map((p) => p.id),
  ],
  applicationProfiles: () => APPLICATION_PROFILES,
  shapeCall(call, seed) {
    if (call.status !== "ok") return call;
    const rule = CACHING.find(([re]) => re.test(call.modelId))?.[1];
    if (!rule) return call;
    const u = uniform(seed, hashString(call.modelId), Math.floor(call.time), 0xcac4e);
    if (u < rule.writeShare) return { ...call, cacheWriteTokens: rule.prefix, cacheReadTokens: 0 };
    if (u < rule.writeShare + rule.readShare)
      return { ...call, cacheReadTokens: rule.prefix, cacheWriteTokens: 0 };
    return call;
  },
  thousands: true,
  tagged: true,
  extraLines(workload, dayStart, until) {
    const lines: BillLine[] = [];
    const batchAt = dayStart + BATCH_JOB.hourUtc * 3_600_000;
    const price = priceFor(workload.region, BATCH_JOB.modelName, "in-region");
    if (price && batchAt < until && batchAt >= workload.historyStart()) {
      lines.push({
        service: "Amazon Bedrock",
        usageType: `${code(workload.region)}-${BATCH_JOB.modelName}-input-tokens-batch`,
        region: workload.region,
        operation: "InvokeModelBatchInference",
        unit: "1K tokens",
        usage: BATCH_JOB.input / 1000,
        cost: (BATCH_JOB.input * price.input * BATCH_FACTOR) / 1e6,
      });
      lines.push({
        service: "Amazon Bedrock",
        usageType: `${code(workload.region)}-${BATCH_JOB.modelName}-output-tokens-batch`,
        region: workload.region,
        operation: "InvokeModelBatchInference",
        unit: "1K tokens",
        usage: BATCH_JOB.output / 1000,
        cost: (BATCH_JOB.output * price.output * BATCH_FACTOR) / 1e6,
      });
    }
    const units = Math.floor((until - dayStart) / (DAY / 24)) * 10;
    if (units > 0)
      lines.push({
        service: "Amazon Bedrock",
        usageType: `${code(workload.region)}-${GUARDRAIL.usageType}`,
        region: workload.region,
        operation: "ApplyGuardrail",
        unit: "Units",
        usage: units,
        cost: units * GUARDRAIL.perUnit,
      });
    return lines;
  },
};

const code = regionCode;

export function scenarioByName(name: ScenarioName = "simple"): Scenario {
  return name === "realistic" ? REALISTIC : SIMPLE;
}

const attached = new WeakMap<Workload, Scenario>();

/** The scenario a workload bills by (simple unless the sandbox attached one). */
export function scenarioOf(workload: Workload): Scenario {
  return attached.get(workload) ?? SIMPLE;
}

export function attachScenario(workload: Workload, scenario: Scenario): void {
  attached.set(workload, scenario);
}
