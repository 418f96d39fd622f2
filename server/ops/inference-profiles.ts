/**
 * Cross-region inference profiles: which prefix a region uses, which regions a profile routes to
 * (where model access must be granted), and the profile ID to suggest.
 * Regions per profile: seed 000 (us: us-east-1, us-east-2, us-west-2; eu: eu-central-1, eu-north-1,
 * eu-west-1, eu-west-3) and the Amazon Nova "Supported Regions" table of the Bedrock user guide
 * (apac, us-gov), and the country profiles jp. (Tokyo, Osaka), au. (Sydney, Melbourne) and ca.
 * (Central, Calgary), which keep traffic inside one country. `global` routes to any commercial region.
 */
import type { ProfilePrefix } from "../config.ts";

export const PROFILE_REGIONS: Readonly<Record<ProfilePrefix, readonly string[]>> = {
  us: ["us-east-1", "us-east-2", "us-west-2"],
  eu: ["eu-central-1", "eu-north-1", "eu-west-1", "eu-west-3"],
  apac: ["ap-northeast-1", "ap-northeast-2", "ap-south-1", "ap-southeast-1", "ap-southeast-2"],
  "us-gov": ["us-gov-east-1", "us-gov-west-1"],
  // Country profiles (Bedrock user guide, "Supported Regions and models for inference profiles").
  jp: ["ap-northeast-1", "ap-northeast-3"],
  au: ["ap-southeast-2", "ap-southeast-4"],
  ca: ["ca-central-1", "ca-west-1"],
  global: ["*"],
};

const PREFIXES = Object.keys(PROFILE_REGIONS) as ProfilePrefix[];

/** The geographic profile prefix for a source region (us-east-1 -> us, eu-west-3 -> eu, ap-* -> apac). */
export function profilePrefixForRegion(region: string): ProfilePrefix {
  if (region.startsWith("us-gov-")) return "us-gov";
  if (region.startsWith("eu-") || region.startsWith("me-") || region.startsWith("il-")) return "eu";
  if (region.startsWith("ap-")) return "apac";
  if (region.startsWith("ca-")) return "ca";
  return "us";
}

/** Split a model ID into its profile prefix (if any) and base model ID. */
export function splitModelId(modelId: string): { prefix?: ProfilePrefix; baseId: string } {
  const dot = modelId.indexOf(".");
  const head = dot > 0 ? modelId.slice(0, dot) : "";
  if ((PREFIXES as string[]).includes(head)) {
    const rest = modelId.slice(dot + 1);
    // "us.amazon.nova-lite-v1:0" has a prefix; "amazon.nova-lite-v1:0" does not ("amazon" is a provider).
    if (rest.includes(".")) return { prefix: head as ProfilePrefix, baseId: rest };
  }
  return { baseId: modelId };
}

/** The inference-profile ID to use for `modelId` from `region`, e.g. us.amazon.nova-lite-v1:0. */
export function suggestProfileId(modelId: string, region: string): string {
  const { baseId } = splitModelId(modelId);
  return `${profilePrefixForRegion(region)}.${baseId}`;
}

/**
 * Regions where access to the base model must be granted for `modelId` invoked from `region`:
 * every region of its profile, or just `region` for an on-demand base model ID.
 */
export function accessRegions(modelId: string, region: string): readonly string[] {
  const { prefix } = splitModelId(modelId);
  return prefix ? PROFILE_REGIONS[prefix] : [region];
}
