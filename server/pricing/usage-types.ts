/**
 * Bedrock Cost Explorer / CUR usage types -> model family, token type, service tier and routing.
 *
 * The grammar, from the Bedrock user guide ("Understanding your Amazon Bedrock Cost and Usage
 * Report data") and real usage types (see test/unit/pricing-usage-types.test.ts for the table and
 * its sources):
 *
 *   First-party (service "Amazon Bedrock" / "Amazon Bedrock Service"), quantity in 1K tokens:
 *     <RC>-<ModelName>-<token type>[-<suffix>...]
 *       token type: input-tokens | output-tokens | cache-read-input-token-count |
 *                   cache-write-input-token-count | cache-write-1h-input-token-count |
 *                   input-token-count | output-token-count | text-input-tokens | text-output-tokens
 *       suffix:     cross-region-global | batch | flex | priority | latency-optimized |
 *                   custom-model | standard, in any order (USE1-Nova2.0Lite-input-tokens-cross-region-global-batch)
 *     <RC>-<ModelName>-mantle-<input|output|cache-read|cache-write>-tokens[-5m|-1h][-global][-<tier>]
 *   Marketplace (service "<Model> (Amazon Bedrock Edition)"), quantity in tokens, priced per 1M:
 *     <RC>-MP:<RC>_<InputTokenCount|OutputTokenCount|CacheReadInputTokenCount|
 *                  CacheWriteInputTokenCount|CacheWrite1hInputTokenCount>[_Global][_Batch|_Flex|_Priority]-Units
 *
 * Geographic profiles (us./eu./apac.) carry no marker: they bill at the source Region. Anything
 * else (image/audio tokens, guardrail units, search units, provisioned throughput) is not a
 * per-token model line: parseUsageType returns null and the caller lists it as unrecognised.
 */
export type TokenKind = "input" | "output" | "cacheRead" | "cacheWrite";
export type ServiceTier = "standard" | "batch" | "flex" | "priority" | "latency-optimized";
export type Routing = "in-region" | "global";

export const TOKEN_KINDS: readonly TokenKind[] = ["input", "output", "cacheRead", "cacheWrite"];

export interface ParsedUsageType {
  usageType: string;
  /** Billing region code (USE1, EU, ...), and the Region it names when known. */
  regionCode: string;
  region: string | null;
  /** The model name as the usage type (or Marketplace service) spells it, e.g. "Nova2.0Lite". */
  name: string;
  /** Normalised family key shared with model IDs, e.g. "nova-2-lite", "claude-haiku-4-5". */
  family: string;
  kind: TokenKind;
  tier: ServiceTier;
  routing: Routing;
  mantle: boolean;
  customModel: boolean;
  marketplace: boolean;
  /** Cache-write TTL when the usage type names it (5m, 1h). */
  cacheTtl: "5m" | "1h" | null;
  /** Long-context pricing (`-long-context`, `-long-ctx`, `_LongContext`). */
  longContext: boolean;
  /** Tokens per unit of UsageQuantity: 1000 for first-party lines, 1 for Marketplace lines. */
  tokensPerUnit: number;
}

/** AWS billing region codes, as the first segment of usage types. */
export const REGION_CODES: Readonly<Record<string, string>> = {
  USE1: "us-east-1",
  USE2: "us-east-2",
  USW1: "us-west-1",
  USW2: "us-west-2",
  CAN1: "ca-central-1",
  EU: "eu-west-1",
  EUW1: "eu-west-1",
  EUW2: "eu-west-2",
  EUW3: "eu-west-3",
  EUC1: "eu-central-1",
  EUC2: "eu-central-2",
  EUN1: "eu-north-1",
  EUS1: "eu-south-1",
  EUS2: "eu-south-2",
  APN1: "ap-northeast-1",
  APN2: "ap-northeast-2",
  APN3: "ap-northeast-3",
  APS1: "ap-southeast-1",
  APS2: "ap-southeast-2",
  APS3: "ap-south-1",
  APS4: "ap-southeast-3",
  APS5: "ap-south-2",
  SAE1: "sa-east-1",
  MES1: "me-south-1",
  MEC1: "me-central-1",
  UGW1: "us-gov-west-1",
  UGE1: "us-gov-east-1",
};

/** Lowercase, without separators: "Nova Lite" / "nova-lite" / "NovaLite" -> "novalite". */
function squash(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]/g, "");
}

/** Known non-Claude families: squashed alias -> family key. Longer aliases are tried first. */
const FAMILIES: Array<[string, string]> = [
  ["novamicro", "nova-micro"],
  ["novalite", "nova-lite"],
  ["novapro", "nova-pro"],
  ["novapremier", "nova-premier"],
  ["nova20lite", "nova-2-lite"],
  ["nova2lite", "nova-2-lite"],
  ["nova20pro", "nova-2-pro"],
  ["nova2pro", "nova-2-pro"],
  ["llama370binstruct", "llama3-70b"],
  ["llama38binstruct", "llama3-8b"],
  ["llama370b", "llama3-70b"],
  ["llama38b", "llama3-8b"],
];
FAMILIES.sort((a, b) => b[0].length - a[0].length);

const CLAUDE_TIERS = ["haiku", "sonnet", "opus", "instant"] as const;

/**
 * Claude names in every spelling AWS uses meet on one key `claude-<tier>-<version>`:
 * "Claude4.6Sonnet", "Claude Haiku 4.5 (Amazon Bedrock Edition)", "claude-3-5-haiku-20241022",
 * "anthropic.claude-haiku-4-5-20251001-v1:0", "Claude3Haiku" -> claude-sonnet-4-6,
 * claude-haiku-4-5, claude-haiku-3-5, claude-haiku-4-5, claude-haiku-3.
 */
function claudeFamily(name: string): string | null {
  const lower = name
    .toLowerCase()
    .replace(/\(amazon bedrock edition\)/, "")
    .replace(/^[a-z0-9-]*\.(?=claude)/, "");
  if (!lower.includes("claude")) return null;
  const tier = CLAUDE_TIERS.find((t) => lower.includes(t));
  const rest = lower
    .replace("claude", " ")
    .replace(tier ?? "\u0000", " ")
    .replace(/-v\d+(:\d+)?$/, " ")
    .replace(/\d{8}/g, " ");
  const digits = rest.match(/\d+/g) ?? [];
  const version = digits.join("-");
  return ["claude", tier, version].filter((x) => x).join("-");
}

/** A family key from a free-form model name ("NovaLite", "Nova Lite", "nova-lite", "Claude4.6Sonnet"). */
export function familyFromName(name: string): string {
  const claude = claudeFamily(name);
  if (claude) return claude;
  const s = squash(name.replace(/\(amazon bedrock edition\)/i, ""));
  for (const [alias, family] of FAMILIES) if (s === alias || s.startsWith(alias)) return family;
  return name
    .replace(/\(amazon bedrock edition\)/i, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/** The model a Marketplace service names: "Claude Haiku 4.5 (Amazon Bedrock Edition)" -> "Claude Haiku 4.5". */
export function marketplaceModelName(service: string): string | null {
  const m = /^(.+?)\s*\(Amazon Bedrock Edition\)\s*$/i.exec(service);
  return m ? m[1]!.trim() : null;
}

/** First-party token types, longest first so `cache-read-input-token-count` wins over `input-token-count`. */
const FIRST_PARTY_KINDS: Array<[string, TokenKind, "5m" | "1h" | null]> = [
  ["cache-write-1h-input-token-count", "cacheWrite", "1h"],
  ["cache-read-input-token-count", "cacheRead", null],
  ["cache-write-input-token-count", "cacheWrite", null],
  ["text-input-tokens", "input", null],
  ["text-output-tokens", "output", null],
  ["input-token-count", "input", null],
  ["output-token-count", "output", null],
  ["input-tokens", "input", null],
  ["output-tokens", "output", null],
];

const MANTLE = /^(.+?)-mantle-(input|output|cache-read|cache-write)-tokens((?:-[a-z0-9]+)*)$/;
const MANTLE_KINDS: Record<string, TokenKind> = {
  input: "input",
  output: "output",
  "cache-read": "cacheRead",
  "cache-write": "cacheWrite",
};

interface Suffixes {
  tier: ServiceTier;
  routing: Routing;
  customModel: boolean;
  cacheTtl: "5m" | "1h" | null;
  longContext: boolean;
}

/** Read `-cross-region-global-batch`-style suffix words; null when one is unknown. */
function readSuffixes(words: readonly string[]): Suffixes | null {
  const out: Suffixes = {
    tier: "standard",
    routing: "in-region",
    customModel: false,
    cacheTtl: null,
    longContext: false,
  };
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const next = words[i + 1];
    if (w === "cross" && next === "region") {
      // -cross-region-global bills as global; -cross-region[-geo] at the source Region.
      const third = words[i + 2];
      if (third === "global") out.routing = "global";
      i += third === "global" || third === "geo" ? 2 : 1;
    } else if (w === "global") out.routing = "global";
    else if (w === "geo") out.routing = "in-region";
    else if (w === "long" && (next === "context" || next === "ctx")) {
      out.longContext = true;
      i += 1;
    } else if (w === "longcontext") out.longContext = true;
    else if (w === "latencyoptimized") out.tier = "latency-optimized";
    else if (w === "latency" && next === "optimized") {
      out.tier = "latency-optimized";
      i += 1;
    } else if (w === "custom" && next === "model") {
      out.customModel = true;
      i += 1;
    } else if (w === "batch" || w === "flex" || w === "priority") out.tier = w;
    else if (w === "standard") out.tier = out.tier === "standard" ? "standard" : out.tier;
    else if (w === "5m" || w === "1h") out.cacheTtl = w;
    else return null;
  }
  return out;
}

function regionPart(usageType: string): { regionCode: string; rest: string } | null {
  const m = /^([A-Z]{2,4}\d?)-(.+)$/.exec(usageType);
  return m ? { regionCode: m[1]!, rest: m[2]! } : null;
}

/** A family from a usage-type model name, which may be a model ID (mantle: anthropic.claude-opus-4-8). */
function familyOfUsageName(name: string): string {
  return /^[a-z0-9-]+\.[a-z0-9]/.test(name) ? familyFromModelId(name) : familyFromName(name);
}

const CAMEL_HEAD = /^(?:Million)?(Batch)?(?:Cache(Read|Write)(1h|5m)?)?(Input|Output)?Token(?:Count|s)$/;

/** The dimension of a Marketplace usage type, camel (`CacheWrite1hInputTokenCount_Global`) or snake (`input_tokens_global_standard`). */
function marketplaceDimension(
  body: string,
): { kind: TokenKind; ttl: "5m" | "1h" | null; flags: string[] } | null {
  const segs = body.split("_");
  const head = segs[0] ?? "";
  if (/^[A-Z]/.test(head)) {
    const m = CAMEL_HEAD.exec(head);
    if (!m) return null;
    const kind: TokenKind | null = m[2]
      ? m[2] === "Read"
        ? "cacheRead"
        : "cacheWrite"
      : m[4] === "Input"
        ? "input"
        : m[4] === "Output"
          ? "output"
          : null;
    if (!kind) return null;
    const flags = segs.slice(1).map((f) => f.toLowerCase());
    if (m[1]) flags.push("batch");
    return { kind, ttl: (m[3] as "5m" | "1h" | undefined) ?? null, flags };
  }
  let rest = segs;
  let kind: TokenKind;
  if (rest[0] === "cache" && (rest[1] === "read" || rest[1] === "write")) {
    kind = rest[1] === "read" ? "cacheRead" : "cacheWrite";
    rest = rest.slice(2);
  } else if (rest[0] === "input" || rest[0] === "output") {
    kind = rest[0];
    rest = rest.slice(1);
  } else return null;
  if (rest[0] !== "tokens") return null;
  rest = rest.slice(1);
  let ttl: "5m" | "1h" | null = null;
  if (rest[0] === "5m" || rest[0] === "1h") {
    ttl = rest[0];
    rest = rest.slice(1);
  }
  return { kind, ttl, flags: rest };
}

function parseMarketplace(usageType: string, service: string): ParsedUsageType | null {
  const model = marketplaceModelName(service);
  const m = /^([A-Z]{2,4}\d?)-MP:(?:[A-Z]{2,4}\d?_)?([A-Za-z0-9_]+)-Units$/.exec(usageType);
  if (!model || !m) return null;
  const dimension = marketplaceDimension(m[2]!);
  if (!dimension) return null;
  const suffixes = readSuffixes(dimension.flags);
  if (!suffixes) return null;
  return {
    usageType,
    regionCode: m[1]!,
    region: REGION_CODES[m[1]!] ?? null,
    name: model,
    family: familyFromName(model),
    kind: dimension.kind,
    tier: suffixes.tier,
    routing: suffixes.routing,
    mantle: false,
    customModel: false,
    marketplace: true,
    cacheTtl: dimension.ttl,
    longContext: suffixes.longContext,
    tokensPerUnit: 1,
  };
}

/**
 * Parse a Bedrock usage type; `service` is the Cost Explorer SERVICE it was billed under (needed
 * for Marketplace lines, whose usage type does not name the model). Null when the line is not a
 * per-token model line of the grammar above.
 */
export function parseUsageType(usageType: string, service = "Amazon Bedrock"): ParsedUsageType | null {
  const trimmed = usageType.trim();
  if (trimmed.includes("-MP:")) return parseMarketplace(trimmed, service);
  const head = regionPart(trimmed);
  if (!head) return null;
  const base = {
    usageType: trimmed,
    regionCode: head.regionCode,
    region: REGION_CODES[head.regionCode] ?? null,
    marketplace: false,
    tokensPerUnit: 1000,
  };
  const mantle = MANTLE.exec(head.rest);
  if (mantle) {
    const suffixes = readSuffixes(mantle[3]!.split("-").filter((w) => w));
    if (!suffixes) return null;
    return {
      ...base,
      name: mantle[1]!,
      family: familyOfUsageName(mantle[1]!),
      kind: MANTLE_KINDS[mantle[2]!]!,
      tier: suffixes.tier,
      routing: suffixes.routing,
      mantle: true,
      customModel: suffixes.customModel,
      cacheTtl: suffixes.cacheTtl,
      longContext: suffixes.longContext,
    };
  }
  for (const [token, kind, ttl] of FIRST_PARTY_KINDS) {
    const at = head.rest.indexOf(`-${token}`);
    if (at <= 0) continue;
    const after = head.rest.slice(at + token.length + 1);
    if (after !== "" && !after.startsWith("-")) continue;
    const name = head.rest.slice(0, at);
    const suffixes = readSuffixes(after.split("-").filter((w) => w));
    if (!suffixes) return null;
    return {
      ...base,
      name,
      family: familyOfUsageName(name),
      kind,
      tier: suffixes.tier,
      routing: suffixes.routing,
      mantle: false,
      customModel: suffixes.customModel,
      cacheTtl: ttl ?? suffixes.cacheTtl,
      longContext: suffixes.longContext,
    };
  }
  return null;
}

/** Whether a Cost Explorer SERVICE value carries Bedrock spend. */
export function isBedrockService(service: string): boolean {
  return /bedrock/i.test(service);
}

/** Family key of a Bedrock model ID, with or without an inference-profile prefix, or a model ARN. */
export function familyFromModelId(modelId: string): string {
  const base = baseModelId(modelId.includes("/") ? modelId.slice(modelId.lastIndexOf("/") + 1) : modelId);
  const afterProvider = base.includes(".") ? base.slice(base.indexOf(".") + 1) : base;
  const name = afterProvider
    .replace(/:\d+(k)?$/, "")
    .replace(/-v\d+(:\d+)?$/, "")
    .replace(/-\d{8}$/, "");
  return familyFromName(name);
}

const PROFILE_PREFIX = /^(us|eu|apac|us-gov|global|jp|au|ca)\./;

/** Strip a cross-region inference-profile prefix: us.amazon.nova-lite-v1:0 -> amazon.nova-lite-v1:0. */
export function baseModelId(modelId: string): string {
  return modelId.replace(PROFILE_PREFIX, "");
}

/** How a model ID routes: `global.` profiles are billed as global cross-region; others at the source Region. */
export function routingOfModelId(modelId: string): Routing {
  return /^global\./.test(modelId) ? "global" : "in-region";
}

/**
 * Whether an ID is an application inference profile: its ARN, or the bare profile ID that
 * AWS/Bedrock reports as `ModelId` for calls made through it (e.g. `dx31hxxt6edz`; cloud-custodian
 * c7n/resources/bedrock.py queries `ModelId = inferenceProfileId`). Model and system-profile IDs
 * always carry a provider dot (`amazon.nova-pro-v1:0`, `us.amazon.nova-pro-v1:0`); profile IDs never do.
 */
export function isApplicationProfile(modelId: string): boolean {
  return /:application-inference-profile\//.test(modelId) || /^[a-z0-9]{1,64}$/.test(modelId);
}
