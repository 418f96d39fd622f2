/**
 * Bedrock Cost Explorer usage types -> model family and token kind. AWS's pattern is
 * `<REGIONCODE>-<ModelName>-input-tokens` / `-output-tokens` (e.g. USE1-NovaLite-input-tokens,
 * `USW2-Claude3Haiku-output-tokens`), plus cache variants
 * (`-cache-read-input-token-count`, `-cache-write-input-token-count`) and sometimes a
 * `-cross-region` / `-batch` qualifier. Model IDs (`us.amazon.nova-lite-v1:0`) map to the same
 * family keys, so billed and estimated costs meet on one key.
 */
export type TokenKind = "input" | "output" | "cacheRead" | "cacheWrite";

export interface ParsedUsageType {
  region: string | null;
  /** Normalised family key, e.g. "nova-lite", "claude-3-haiku", "llama3-70b". */
  family: string;
  kind: TokenKind;
}

/** Lowercase, without separators: "Nova Lite" / "nova-lite" / "NovaLite" -> "novalite". */
function squash(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]/g, "");
}

/** Known families: squashed alias -> family key. Longer aliases are tried first. */
const FAMILIES: Array<[string, string]> = [
  ["novamicro", "nova-micro"],
  ["novalite", "nova-lite"],
  ["novapro", "nova-pro"],
  ["novapremier", "nova-premier"],
  ["claude35haiku", "claude-3-5-haiku"],
  ["claude35sonnet", "claude-3-5-sonnet"],
  ["claude3haiku", "claude-3-haiku"],
  ["claude3sonnet", "claude-3-sonnet"],
  ["llama370binstruct", "llama3-70b"],
  ["llama38binstruct", "llama3-8b"],
  ["llama370b", "llama3-70b"],
  ["llama38b", "llama3-8b"],
  ["llama3170b", "llama3-1-70b"],
  ["llama318b", "llama3-1-8b"],
];
FAMILIES.sort((a, b) => b[0].length - a[0].length);

const SUFFIXES: Array<[RegExp, TokenKind]> = [
  [/-cache-?read-input-token(s|-count)?$/i, "cacheRead"],
  [/-cache-?write-input-token(s|-count)?$/i, "cacheWrite"],
  [/-input-token(s|-count)?$/i, "input"],
  [/-output-token(s|-count)?$/i, "output"],
];

/** A family key from a free-form model name ("NovaLite", "Nova Lite", "nova-lite"). */
export function familyFromName(name: string): string {
  const s = squash(name);
  for (const [alias, family] of FAMILIES) if (s === alias || s.startsWith(alias)) return family;
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/** Parse a usage type; null when it is not a per-token Bedrock usage type. */
export function parseUsageType(usageType: string): ParsedUsageType | null {
  let rest = usageType.trim().replace(/-(cross-region|crossregion|batch|global|flex|priority)$/i, "");
  let kind: TokenKind | null = null;
  for (const [pattern, k] of SUFFIXES) {
    if (pattern.test(rest)) {
      kind = k;
      rest = rest.replace(pattern, "");
      break;
    }
  }
  if (!kind) return null;
  const match = /^([A-Z]{2,4}\d?)-(.+)$/.exec(rest);
  const region = match ? match[1]! : null;
  const name = match ? match[2]! : rest;
  if (!name) return null;
  return { region, family: familyFromName(name), kind };
}

/** Family key of a Bedrock model ID, with or without an inference-profile prefix. */
export function familyFromModelId(modelId: string): string {
  const base = baseModelId(modelId);
  const afterProvider = base.includes(".") ? base.slice(base.indexOf(".") + 1) : base;
  const name = afterProvider
    .replace(/:\d+$/, "")
    .replace(/-v\d+(:\d+)?$/, "")
    .replace(/-\d{8}$/, "");
  return familyFromName(name);
}

const PROFILE_PREFIX = /^(us|eu|apac|us-gov|global|jp|au|ca)\./;

/** Strip a cross-region inference-profile prefix: us.amazon.nova-lite-v1:0 -> amazon.nova-lite-v1:0. */
export function baseModelId(modelId: string): string {
  return modelId.replace(PROFILE_PREFIX, "");
}
