/**
 * Which Service Quotas entry is a model's TPM or RPM quota. AWS documents no per-model quota codes
 * and the names follow a pattern rather than a schema, e.g. (real names, service code `bedrock`):
 *   "On-demand model inference tokens per minute for Amazon Nova Pro"            (base ID)
 *   "Cross-region model inference requests per minute for Amazon Nova Micro"     (us./eu./apac./jp./au./ca.)
 *   "Global cross-region model inference tokens per minute for Anthropic Claude Sonnet 4.5 V1" (global.)
 *   "On-demand InvokeModel requests per minute for Anthropic Claude 3 Haiku"     (older wording)
 *   "Cross-region model inference tokens per minute for Amazon Nova Premier V1"  (version in the name)
 * so the model part is compared after normalising both sides: provider dropped, punctuation and
 * release dates removed, a trailing v0/v1 ignored ("Claude 3.5 Sonnet V2" keeps its V2).
 */

export type EndpointKind = "on-demand" | "cross-region" | "global";
export type QuotaMetric = "tokens" | "requests";

const NAME =
  /^(on-demand|cross-region|global cross-region) (?:model inference|invokemodel) (tokens|requests) per minute for (.+)$/i;
const PROVIDERS = [
  "amazon",
  "anthropic",
  "meta",
  "mistralai",
  "mistral ai",
  "cohere",
  "ai21labs",
  "ai21 labs",
  "deepseek",
  "openai",
  "qwen",
  "writer",
  "stabilityai",
  "twelvelabs",
];
const PROFILE_PREFIX = /^(us|eu|apac|us-gov|jp|au|ca|global)\./;

export interface ParsedQuotaName {
  kind: EndpointKind;
  metric: QuotaMetric;
  modelKey: string;
}

function normalise(text: string): string {
  let t = text.toLowerCase().trim();
  for (const p of PROVIDERS) {
    if (t.startsWith(`${p} `) || t.startsWith(`${p}.`)) {
      t = t.slice(p.length + 1);
      break;
    }
  }
  t = t.replace(/\b\d{8}\b/g, "").replace(/[^a-z0-9]/g, "");
  return t.replace(/v[01]$/, "");
}

/** Parse a quota name into its endpoint kind, metric and normalised model key (undefined if not a runtime TPM/RPM quota). */
export function parseQuotaName(name: string): ParsedQuotaName | undefined {
  const m = NAME.exec(name.trim());
  if (!m) return undefined;
  const kind: EndpointKind = m[1]!.toLowerCase().startsWith("global")
    ? "global"
    : m[1]!.toLowerCase() === "on-demand"
      ? "on-demand"
      : "cross-region";
  return { kind, metric: m[2]!.toLowerCase() as QuotaMetric, modelKey: normalise(m[3]!) };
}

/** The endpoint kind a model ID is invoked through, and its base model ID. */
export function endpointOf(modelId: string): { kind: EndpointKind; baseId: string } {
  const m = PROFILE_PREFIX.exec(modelId);
  if (!m) return { kind: "on-demand", baseId: modelId };
  return { kind: m[1] === "global" ? "global" : "cross-region", baseId: modelId.slice(m[0].length) };
}

/** The normalised model key of a base model ID: `anthropic.claude-3-5-sonnet-20241022-v2:0` -> `claude35sonnetv2`. */
export function modelKeyOf(baseId: string): string {
  const withoutProvider = baseId.includes(".") ? baseId.slice(baseId.indexOf(".") + 1) : baseId;
  const withoutRevision = withoutProvider.replace(/:\d+$/, "").replace(/:\d+k$/, "");
  return normalise(withoutRevision.replace(/-/g, " "));
}

export interface NamedQuota {
  QuotaCode?: string | undefined;
  QuotaName?: string | undefined;
}

/** The quota of `metric` for a model ID as invoked, among `quotas` (first exact match). */
export function findModelQuota<Q extends NamedQuota>(
  quotas: readonly Q[],
  modelId: string,
  metric: QuotaMetric,
): Q | undefined {
  const { kind, baseId } = endpointOf(modelId);
  const key = modelKeyOf(baseId);
  return quotas.find((q) => {
    const parsed = q.QuotaName ? parseQuotaName(q.QuotaName) : undefined;
    return (
      parsed !== undefined && parsed.kind === kind && parsed.metric === metric && parsed.modelKey === key
    );
  });
}
