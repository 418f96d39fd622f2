/**
 * The model-ID rules AWS applies to Bedrock Runtime calls, and its exact error wording:
 * base IDs answer on demand only in some Regions; cross-Region inference profiles (`us.`/`eu.`/
 * `apac.`/`us-gov.`/`global.` + base ID) only from their source Regions; ARNs of either only in
 * their own Region. Pure functions over the catalogue (catalog.ts): `doctor` can import them.
 */
import {
  CATALOG,
  type CatalogModel,
  findModel,
  PROFILE_PREFIXES,
  PROFILE_REGIONS,
  type ProfilePrefix,
} from "./catalog.ts";

/**
 * AWS's own wording of the errors (verbatim from Bedrock Runtime responses quoted in public issue
 * threads, e.g. aws-samples/bedrock-multi-agents-collaboration-workshop#21, langchain-ai/
 * open_deep_research#224, aws-samples/amazon-bedrock-workshop#386). Note AWS writes "isn’t" with
 * a typographic apostrophe (U+2019): match on `ON_DEMAND_PATTERN`, not on the literal.
 */
export const MODEL_ERROR_MESSAGES = {
  invalidIdentifier: "The provided model identifier is invalid.",
  onDemandNotSupported: (modelId: string) =>
    `Invocation of model ID ${modelId} with on-demand throughput isn\u2019t supported. Retry your request with the ID or ARN of an inference profile that contains this model.`,
  accessDenied: "You don't have access to the model with the specified model ID.",
  legacy:
    "Access denied. This Model is marked by provider as Legacy and you have not been actively using the model in the last 15 days. Please upgrade to an active model on Amazon Bedrock",
  /** aws-solutions-library-samples/accelerated-intelligent-document-processing-on-aws#708 (2026). */
  endOfLife:
    "This model version has reached the end of its life. Please refer to the AWS documentation for more details.",
  tooManyRequests: "Too many requests, please wait before trying again.",
  tooManyTokens: "Too many tokens, please wait before trying again.",
} as const;

/** Recognises the on-demand-not-supported ValidationException whatever the apostrophe. */
export const ON_DEMAND_PATTERN = /with on-demand throughput isn['\u2019]t supported/;

/** `us.amazon.nova-lite-v1:0` -> { prefix: "us", baseId: "amazon.nova-lite-v1:0" }. */
export function splitProfileId(id: string): { prefix?: ProfilePrefix; baseId: string } {
  for (const prefix of [...PROFILE_PREFIXES].sort((a, b) => b.length - a.length)) {
    if (id.startsWith(`${prefix}.`)) return { prefix, baseId: id.slice(prefix.length + 1) };
  }
  return { baseId: id };
}

/** The profile ID to use for a base model from a Region (e.g. us-west-2 -> `us.<id>`), if any. */
export function profileIdFor(baseId: string, region: string): string | undefined {
  const found = findModel(baseId);
  if (!found) return undefined;
  const prefix = found.profiles.find((p) => p !== "global" && PROFILE_REGIONS[p].sources.includes(region));
  return prefix ? `${prefix}.${baseId}` : undefined;
}

/** Regions where model access must be granted for an ID invoked from `region`. */
export function accessRegions(modelId: string, region: string): readonly string[] {
  const { prefix } = splitProfileId(modelId);
  return prefix ? PROFILE_REGIONS[prefix].destinations : [region];
}

export type ModelIdCheck =
  | {
      ok: true;
      /** The ID as metrics and quotas name it: the profile ID or the base ID (never an ARN). */
      invokedId: string;
      model: CatalogModel;
      profile?: ProfilePrefix;
      /** Regions the call may be served in. */
      destinations: readonly string[];
    }
  | { ok: false; code: "ValidationException" | "ResourceNotFoundException"; status: number; message: string };

export interface ModelIdRules {
  /** Base IDs that need an inference profile in every Region (settings.bedrock.profileOnly). */
  profileOnly?: readonly string[];
  /** The account's application inference profiles (invoked by ARN) and its ID. */
  applicationProfiles?: ReadonlyArray<{ id: string; modelId: string }>;
  accountId?: string;
}

const ARN =
  /^arn:aws(?:-[a-z]+)*:bedrock:([a-z0-9-]+):(\d{12})?:(foundation-model|inference-profile|application-inference-profile)\/(.+)$/;

/** Applies AWS's model-ID rules to an ID (or ARN) invoked from `region`. */
export function checkModelId(rawId: string, region: string, rules: ModelIdRules = {}): ModelIdCheck {
  const invalid = {
    ok: false,
    code: "ValidationException",
    status: 400,
    message: MODEL_ERROR_MESSAGES.invalidIdentifier,
  } as const;
  let id = rawId;
  let arnKind: string | undefined;
  const arn = ARN.exec(rawId);
  if (arn) {
    if (arn[1] !== region) return invalid;
    arnKind = arn[3];
    id = arn[4]!;
  }
  const { prefix, baseId } = splitProfileId(id);
  const endOfLife = {
    ok: false,
    code: "ResourceNotFoundException",
    status: 404,
    message: MODEL_ERROR_MESSAGES.endOfLife,
  } as const;
  if (arnKind === "application-inference-profile") {
    // Invoked by its ARN; metrics and quotas name the call by the profile ID (scenario.ts).
    const app = rules.applicationProfiles?.find((p) => p.id === id);
    const model = app ? findModel(app.modelId) : undefined;
    if (!app || !model || arn?.[2] !== rules.accountId) return invalid;
    return { ok: true, invokedId: app.id, model, destinations: [region] };
  }
  if (arnKind === "foundation-model" && prefix) return invalid;
  if (arnKind === "inference-profile" && !prefix) return invalid;
  const found = findModel(baseId);
  if (!found) return invalid;
  if (found.legacy)
    return {
      ok: false,
      code: "ResourceNotFoundException",
      status: 404,
      message: MODEL_ERROR_MESSAGES.legacy,
    };
  if (prefix) {
    if (!found.profiles.includes(prefix) || !PROFILE_REGIONS[prefix].sources.includes(region)) return invalid;
    if (found.endOfLife) return endOfLife;
    return {
      ok: true,
      invokedId: id,
      model: found,
      profile: prefix,
      destinations: PROFILE_REGIONS[prefix].destinations,
    };
  }
  const forcedProfile = rules.profileOnly?.includes(baseId) ?? false;
  if (found.onDemandRegions.includes(region) && !forcedProfile) {
    if (found.endOfLife) return endOfLife;
    return { ok: true, invokedId: baseId, model: found, destinations: [region] };
  }
  const viaProfile = found.profiles.some((p) => PROFILE_REGIONS[p].sources.includes(region));
  if (viaProfile || forcedProfile) {
    return {
      ok: false,
      code: "ValidationException",
      status: 400,
      message: MODEL_ERROR_MESSAGES.onDemandNotSupported(baseId),
    };
  }
  return invalid;
}

/**
 * Whether `settings.bedrock.accessDenied` denies this call. Entries are a base ID (denied
 * everywhere), an invoked ID (`us.amazon.nova-pro-v1:0`), or `<base ID>@<region>`: access not
 * granted in that Region, which breaks a profile if the Region is one of its destinations.
 */
export function accessDenied(
  denied: readonly string[] | undefined,
  check: Extract<ModelIdCheck, { ok: true }>,
): boolean {
  if (!denied || denied.length === 0) return false;
  for (const entry of denied) {
    if (entry === check.model.id || entry === check.invokedId) return true;
    const at = entry.lastIndexOf("@");
    if (at > 0 && entry.slice(0, at) === check.model.id && check.destinations.includes(entry.slice(at + 1)))
      return true;
  }
  return false;
}

/**
 * Valid IDs closest to a mistyped one (edit distance over base and profile IDs), best first:
 * what `doctor` suggests for "The provided model identifier is invalid."
 */
export function nearestModelIds(id: string, region: string, limit = 3): string[] {
  const candidates: string[] = [];
  for (const m of CATALOG) {
    if (m.legacy || m.endOfLife) continue;
    if (m.onDemandRegions.includes(region)) candidates.push(m.id);
    for (const p of m.profiles)
      if (PROFILE_REGIONS[p].sources.includes(region)) candidates.push(`${p}.${m.id}`);
  }
  return candidates
    .map((c) => ({ c, d: distance(id.toLowerCase(), c) }))
    .sort((a, b) => a.d - b.d || a.c.localeCompare(b.c))
    .slice(0, limit)
    .map((x) => x.c);
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    }
    prev = row;
  }
  return prev[b.length]!;
}
