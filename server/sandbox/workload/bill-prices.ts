/**
 * AWS's side of the sandbox bill: on-demand prices and AWS's usage-type naming. This is what the
 * sandbox charges, independent of the product's own pricing module (which estimates the same bill
 * from CloudWatch token counts and must agree with it).
 *
 * Bedrock on-demand prices per 1M tokens, us-east-1, as of 2026-11-01.
 * Source: https://aws.amazon.com/bedrock/pricing/ (Amazon Nova and Anthropic tables, on-demand).
 */

export const PRICES_AS_OF = "2026-11-01";
export const PRICES_SOURCE = "https://aws.amazon.com/bedrock/pricing/";

export interface TokenPrice {
  /** USD per 1M input tokens. */
  input: number;
  /** USD per 1M output tokens. */
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
  /** In-Region and geographic-profile calls cost this much more than the listed (global) price. */
  regionalPremium?: number;
}

/** ModelName (as it appears in usage types) -> price per 1M tokens. */
export const BEDROCK_PRICES: Readonly<Record<string, TokenPrice>> = {
  NovaMicro: { input: 0.035, output: 0.14, cacheRead: 0.00875 },
  NovaLite: { input: 0.06, output: 0.24, cacheRead: 0.015 },
  NovaPro: { input: 0.8, output: 3.2, cacheRead: 0.2 },
  NovaPremier: { input: 2.5, output: 12.5 },
  "Nova2.0Lite": { input: 0.3, output: 2.5, cacheRead: 0.075, cacheWrite: 0 },
  "Claude4.5Haiku": { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25, regionalPremium: 1.1 },
  Claude3Haiku: { input: 0.25, output: 1.25 },
  Claude3Sonnet: { input: 3, output: 15 },
};

/** Base model ID prefix -> ModelName used in usage types. */
const MODEL_NAMES: ReadonlyArray<[prefix: string, name: string]> = [
  ["amazon.nova-micro-", "NovaMicro"],
  ["amazon.nova-lite-", "NovaLite"],
  ["amazon.nova-pro-", "NovaPro"],
  ["amazon.nova-premier-", "NovaPremier"],
  ["amazon.nova-2-lite-", "Nova2.0Lite"],
  ["anthropic.claude-haiku-4-5-", "Claude4.5Haiku"],
  ["anthropic.claude-3-haiku-", "Claude3Haiku"],
  ["anthropic.claude-3-sonnet-", "Claude3Sonnet"],
];

/** AWS billing region codes (the prefix of usage types). */
export const REGION_CODES: Readonly<Record<string, string>> = {
  "us-east-1": "USE1",
  "us-east-2": "USE2",
  "us-west-2": "USW2",
  "eu-central-1": "EUC1",
  "eu-west-1": "EU",
  "eu-west-3": "EUW3",
  "eu-north-1": "EUN1",
  "ap-northeast-1": "APN1",
  "ap-southeast-1": "APS1",
  "ap-southeast-2": "APS2",
};

export function regionCode(region: string): string {
  return REGION_CODES[region] ?? region.toUpperCase().replace(/-/g, "");
}

/** Strip a cross-region inference-profile prefix (us./eu./apac.): billed like the base model. */
export function baseModelId(modelId: string): string {
  return modelId.replace(/^(us|eu|apac|us-gov|global)\./, "");
}

/** The usage-type ModelName of a model ID (profile or base), or undefined when the sandbox has no price. */
export function modelName(modelId: string): string | undefined {
  const base = baseModelId(modelId);
  return MODEL_NAMES.find(([prefix]) => base.startsWith(prefix))?.[1];
}

/** Regions that price Nova above us-east-1 (eu-west-1: +15 %, as a real eu-west-1 bill shows). */
const REGION_FACTORS: Readonly<Record<string, number>> = { "eu-west-1": 1.15 };

/**
 * What AWS charges per 1M tokens for a model name in a Region, routed in-Region (base ID or a
 * geographic profile, billed at the source Region) or globally (`global.` profiles).
 */
export function priceFor(
  region: string,
  name: string,
  routing: "in-region" | "global",
): TokenPrice | undefined {
  const listed = BEDROCK_PRICES[name];
  if (!listed) return undefined;
  const f =
    (name.startsWith("Nova") ? (REGION_FACTORS[region] ?? 1) : 1) *
    (routing === "in-region" ? (listed.regionalPremium ?? 1) : 1);
  const r = (x: number) => Math.round(x * f * 1e9) / 1e9;
  return {
    input: r(listed.input),
    output: r(listed.output),
    ...(listed.cacheRead !== undefined ? { cacheRead: r(listed.cacheRead) } : {}),
    ...(listed.cacheWrite !== undefined ? { cacheWrite: r(listed.cacheWrite) } : {}),
  };
}

export type TokenKind =
  | "input-tokens"
  | "output-tokens"
  | "cache-read-input-token-count"
  | "cache-write-input-token-count";
export const TOKEN_KINDS: readonly TokenKind[] = [
  "input-tokens",
  "output-tokens",
  "cache-read-input-token-count",
  "cache-write-input-token-count",
];

/** `<REGIONCODE>-<ModelName>-<kind>`, e.g. `USE1-NovaLite-input-tokens`. */
export function bedrockUsageType(region: string, name: string, kind: TokenKind): string {
  return `${regionCode(region)}-${name}-${kind}`;
}

const USAGE_TYPE_PATTERN =
  /^([A-Z0-9]+)-([A-Za-z0-9]+)-(input-tokens|output-tokens|cache-read-input-token-count|cache-write-input-token-count)$/;

export interface ParsedBedrockUsageType {
  regionCode: string;
  /** Model family (ModelName), e.g. "NovaLite". */
  model: string;
  kind: TokenKind;
}

/** Parse a Bedrock token usage type; undefined for any other usage type (Lambda, S3, ...). */
export function parseBedrockUsageType(usageType: string): ParsedBedrockUsageType | undefined {
  const m = USAGE_TYPE_PATTERN.exec(usageType);
  if (!m) return undefined;
  return { regionCode: m[1] ?? "", model: m[2] ?? "", kind: m[3] as TokenKind };
}

/** Usage type -> model family (e.g. "USE1-NovaLite-output-tokens" -> "NovaLite"), undefined when not a Bedrock token line. */
export function usageTypeModelFamily(usageType: string): string | undefined {
  return parseBedrockUsageType(usageType)?.model;
}

/** Other services' published on-demand rates (us-east-1), USD per unit of the usage quantity. */
export const SERVICE_RATES = {
  lambdaRequest: 0.2 / 1e6,
  lambdaGbSecond: 0.0000166667,
  apiGatewayRequest: 3.5 / 1e6,
  s3StorageGbMonth: 0.023,
  s3PutRequest: 0.005 / 1000,
  s3GetRequest: 0.0004 / 1000,
  cloudFrontRequest: 0.0075 / 10_000,
  cloudFrontGbOut: 0.085,
  logsIngestGb: 0.5,
  dynamoReadUnit: 0.125 / 1e6,
  dynamoWriteUnit: 0.625 / 1e6,
} as const;

/** AWS's SERVICE dimension values. */
export const SERVICES = {
  bedrock: "Amazon Bedrock",
  lambda: "AWS Lambda",
  apiGateway: "Amazon API Gateway",
  s3: "Amazon Simple Storage Service",
  cloudFront: "Amazon CloudFront",
  cloudWatch: "AmazonCloudWatch",
  dynamo: "Amazon DynamoDB",
} as const;
