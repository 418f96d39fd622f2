/**
 * The sandbox's Bedrock model catalogue: which base models exist, where they answer on demand,
 * which cross-Region inference profiles contain them, their output limits and default quotas,
 * and the Regions each profile prefix covers. Pure data: `doctor` and `iam-policy` can import it;
 * the rules applied to model IDs are in model-ids.ts.
 *
 * Region sets: AWS "Supported Regions and models for inference profiles"
 * (docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html) as the seeds
 * quote them (seed 000: us. -> us-east-1, us-east-2, us-west-2; eu. -> eu-central-1, eu-north-1,
 * eu-west-1, eu-west-3). On-demand Regions are a simplification of AWS's model tables: Nova base
 * IDs answer on demand in us-east-1 (and GovCloud); elsewhere they need a profile.
 */

export type ProfilePrefix = "us" | "eu" | "apac" | "us-gov" | "global";

export interface ProfileGeography {
  /** Regions a request naming the profile may be sent to (SigV4 Region of the call). */
  sources: readonly string[];
  /** Regions Bedrock may route it to: model access must be granted in each of them. */
  destinations: readonly string[];
}

const US = ["us-east-1", "us-east-2", "us-west-2"] as const;
const EU = ["eu-central-1", "eu-north-1", "eu-west-1", "eu-west-3"] as const;
const APAC = ["ap-northeast-1", "ap-northeast-2", "ap-south-1", "ap-southeast-1", "ap-southeast-2"] as const;
const US_GOV = ["us-gov-east-1", "us-gov-west-1"] as const;

export const PROFILE_REGIONS: Readonly<Record<ProfilePrefix, ProfileGeography>> = {
  us: { sources: US, destinations: US },
  eu: { sources: EU, destinations: EU },
  apac: { sources: APAC, destinations: APAC },
  "us-gov": { sources: US_GOV, destinations: US_GOV },
  global: {
    sources: [...US, ...EU, ...APAC],
    destinations: [...US, ...EU, ...APAC, "ca-central-1", "sa-east-1"],
  },
};

export const PROFILE_PREFIXES = Object.keys(PROFILE_REGIONS) as ProfilePrefix[];

export interface Quota {
  /** Requests per minute. */
  rpm: number;
  /** Tokens per minute (reserved as input + maxTokens when a request starts). */
  tpm: number;
}

export interface CatalogModel {
  /** Base model ID, e.g. `amazon.nova-lite-v1:0`. */
  id: string;
  name: string;
  provider: string;
  /** Regions where the base ID can be invoked on demand. */
  onDemandRegions: readonly string[];
  /** Cross-Region inference profiles that contain this model. */
  profiles: readonly ProfilePrefix[];
  /** Largest `maxTokens` the model accepts, and its default when `maxTokens` is absent. */
  maxOutputTokens: number;
  contextTokens: number;
  /** Default on-demand quota (AWS's default service quotas; Nova figures from DESIGN.md). */
  quota: Quota;
  /** Marked Legacy by the provider: AWS answers ResourceNotFoundException. */
  legacy?: boolean;
  /** Past its end-of-life date: AWS answers ResourceNotFoundException "…reached the end of its life". */
  endOfLife?: boolean;
}

const NOVA_REGIONS = ["us-east-1", "us-gov-west-1"];
const NOVA_PROFILES: ProfilePrefix[] = ["us", "eu", "apac"];

/** Regions where the older third-party and Titan text models answer on demand. */
const STANDARD_REGIONS = [
  "us-east-1",
  "us-west-2",
  "eu-central-1",
  "eu-west-1",
  "eu-west-3",
  "ap-northeast-1",
  "ap-southeast-2",
];

export const CATALOG: readonly CatalogModel[] = [
  model(
    "amazon.nova-micro-v1:0",
    "Nova Micro",
    "Amazon",
    NOVA_REGIONS,
    NOVA_PROFILES,
    5000,
    128_000,
    2000,
    4_000_000,
  ),
  model(
    "amazon.nova-lite-v1:0",
    "Nova Lite",
    "Amazon",
    NOVA_REGIONS,
    NOVA_PROFILES,
    5000,
    300_000,
    2000,
    4_000_000,
  ),
  model(
    "amazon.nova-pro-v1:0",
    "Nova Pro",
    "Amazon",
    NOVA_REGIONS,
    NOVA_PROFILES,
    5000,
    300_000,
    200,
    800_000,
  ),
  {
    ...model(
      "amazon.nova-premier-v1:0",
      "Nova Premier",
      "Amazon",
      [],
      ["us"],
      32_000,
      1_000_000,
      100,
      800_000,
    ),
    endOfLife: true,
  },
  model(
    "anthropic.claude-3-haiku-20240307-v1:0",
    "Claude 3 Haiku",
    "Anthropic",
    ["us-east-1", "us-west-2", "eu-central-1", "eu-west-1", "eu-west-3", "ap-northeast-1", "ap-southeast-2"],
    ["us", "eu", "apac"],
    4096,
    200_000,
    1000,
    2_000_000,
  ),
  {
    ...model(
      "anthropic.claude-3-sonnet-20240229-v1:0",
      "Claude 3 Sonnet",
      "Anthropic",
      ["us-east-1", "us-west-2"],
      ["us", "eu", "apac"],
      4096,
      200_000,
      500,
      1_000_000,
    ),
  },
  model(
    "anthropic.claude-3-5-sonnet-20241022-v2:0",
    "Claude 3.5 Sonnet v2",
    "Anthropic",
    ["us-west-2"],
    ["us", "apac"],
    8192,
    200_000,
    250,
    2_000_000,
  ),
  model(
    "anthropic.claude-3-7-sonnet-20250219-v1:0",
    "Claude 3.7 Sonnet",
    "Anthropic",
    [],
    ["us", "eu", "apac"],
    8192,
    200_000,
    250,
    1_000_000,
  ),
  {
    ...model(
      "anthropic.claude-v2:1",
      "Claude 2.1",
      "Anthropic",
      ["us-east-1", "us-west-2"],
      [],
      4096,
      200_000,
      500,
      500_000,
    ),
    legacy: true,
  },
  model(
    "anthropic.claude-3-5-sonnet-20240620-v1:0",
    "Claude 3.5 Sonnet",
    "Anthropic",
    ["us-east-1", "us-west-2", "eu-central-1", "ap-northeast-1"],
    ["us", "eu", "apac"],
    8192,
    200_000,
    250,
    2_000_000,
  ),
  model(
    "anthropic.claude-3-opus-20240229-v1:0",
    "Claude 3 Opus",
    "Anthropic",
    ["us-west-2"],
    ["us"],
    4096,
    200_000,
    50,
    400_000,
  ),
  model(
    "anthropic.claude-3-5-haiku-20241022-v1:0",
    "Claude 3.5 Haiku",
    "Anthropic",
    ["us-west-2"],
    ["us"],
    8192,
    200_000,
    1000,
    2_000_000,
  ),
  model(
    "anthropic.claude-sonnet-4-20250514-v1:0",
    "Claude Sonnet 4",
    "Anthropic",
    [],
    ["us", "eu", "apac"],
    8192,
    200_000,
    200,
    1_000_000,
  ),
  model(
    "amazon.titan-text-express-v1",
    "Titan Text G1 - Express",
    "Amazon",
    STANDARD_REGIONS,
    [],
    8192,
    8192,
    400,
    300_000,
  ),
  model(
    "amazon.titan-text-lite-v1",
    "Titan Text G1 - Lite",
    "Amazon",
    STANDARD_REGIONS,
    [],
    4096,
    4096,
    800,
    300_000,
  ),
  model(
    "amazon.titan-text-premier-v1:0",
    "Titan Text G1 - Premier",
    "Amazon",
    ["us-east-1"],
    [],
    3072,
    32_000,
    100,
    300_000,
  ),
  model(
    "mistral.mistral-7b-instruct-v0:2",
    "Mistral 7B Instruct",
    "Mistral AI",
    STANDARD_REGIONS,
    [],
    8192,
    32_000,
    800,
    300_000,
  ),
  model(
    "mistral.mixtral-8x7b-instruct-v0:1",
    "Mixtral 8x7B Instruct",
    "Mistral AI",
    STANDARD_REGIONS,
    [],
    4096,
    32_000,
    400,
    300_000,
  ),
  model(
    "mistral.mistral-large-2402-v1:0",
    "Mistral Large (24.02)",
    "Mistral AI",
    STANDARD_REGIONS,
    [],
    8192,
    32_000,
    400,
    300_000,
  ),
  model(
    "cohere.command-r-v1:0",
    "Command R",
    "Cohere",
    ["us-east-1", "us-west-2"],
    [],
    4096,
    128_000,
    400,
    300_000,
  ),
  model(
    "cohere.command-r-plus-v1:0",
    "Command R+",
    "Cohere",
    ["us-east-1", "us-west-2"],
    [],
    4096,
    128_000,
    400,
    300_000,
  ),
  model(
    "ai21.jamba-1-5-mini-v1:0",
    "Jamba 1.5 Mini",
    "AI21 Labs",
    ["us-east-1"],
    [],
    4096,
    256_000,
    400,
    300_000,
  ),
  model(
    "ai21.jamba-1-5-large-v1:0",
    "Jamba 1.5 Large",
    "AI21 Labs",
    ["us-east-1"],
    [],
    4096,
    256_000,
    200,
    300_000,
  ),
  model(
    "meta.llama3-3-70b-instruct-v1:0",
    "Llama 3.3 70B Instruct",
    "Meta",
    [],
    ["us"],
    2048,
    128_000,
    400,
    300_000,
  ),
  model(
    "meta.llama3-8b-instruct-v1:0",
    "Llama 3 8B Instruct",
    "Meta",
    ["us-east-1", "us-west-2", "eu-west-2", "ap-south-1"],
    [],
    2048,
    8192,
    800,
    300_000,
  ),
  model(
    "meta.llama3-70b-instruct-v1:0",
    "Llama 3 70B Instruct",
    "Meta",
    ["us-east-1", "us-west-2", "eu-west-2", "ap-south-1"],
    [],
    2048,
    8192,
    400,
    300_000,
  ),
  model(
    "meta.llama3-1-8b-instruct-v1:0",
    "Llama 3.1 8B Instruct",
    "Meta",
    ["us-west-2"],
    ["us"],
    2048,
    128_000,
    800,
    300_000,
  ),
  model(
    "meta.llama3-2-1b-instruct-v1:0",
    "Llama 3.2 1B Instruct",
    "Meta",
    [],
    ["us", "eu"],
    2048,
    128_000,
    800,
    300_000,
  ),
];

function model(
  id: string,
  name: string,
  provider: string,
  onDemandRegions: readonly string[],
  profiles: readonly ProfilePrefix[],
  maxOutputTokens: number,
  contextTokens: number,
  rpm: number,
  tpm: number,
): CatalogModel {
  return {
    id,
    name,
    provider,
    onDemandRegions,
    profiles,
    maxOutputTokens,
    contextTokens,
    quota: { rpm, tpm },
  };
}

export function findModel(baseId: string): CatalogModel | undefined {
  return CATALOG.find((m) => m.id === baseId);
}
