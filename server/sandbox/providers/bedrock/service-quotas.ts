/**
 * The Bedrock runtime quotas the sandbox enforces, named and coded as AWS's Service Quotas lists
 * them (service code `bedrock`): per model "On-demand model inference requests|tokens per minute
 * for <model>" for base IDs and "Cross-region model inference requests|tokens per minute for
 * <model>" for inference profiles ("Global cross-region ..." for `global.`). The values are the
 * ones `call.ts` throttles with: settings.bedrock.quotas for the invoked or base ID, else the
 * catalogue default, so the Service Quotas answer and the throttling always agree.
 *
 * Real names and codes (us-east-1): Kilo-Org/aws-bedrock-o11y lib/bedrock-registries/us-east-1.ts
 * (codes per model and endpoint) and public quota listings of `aws service-quotas
 * list-service-quotas --service-code bedrock`, e.g. "L-C0326783 — Cross-region model inference
 * tokens per minute for Amazon Nova Pro". Models without a published code get a stable code derived
 * from the quota name (sandbox only).
 */
import type { BedrockSettings } from "../../core/settings.ts";
import { hashString } from "../../workload/random.ts";
import { CATALOG, type CatalogModel, type Quota } from "./catalog.ts";

export type QuotaKind = "on-demand" | "cross-region" | "global";
export type QuotaMetric = "requests" | "tokens";

export interface BedrockQuotaDef {
  code: string;
  name: string;
  baseModelId: string;
  kind: QuotaKind;
  metric: QuotaMetric;
  defaultValue: number;
  adjustable: boolean;
}

/** Published quota codes: [on-demand tokens, on-demand requests, cross-region tokens, cross-region requests]. */
const REAL_CODES: Record<string, [string?, string?, string?, string?]> = {
  "amazon.nova-micro-v1:0": ["L-CFA4FA0D", "L-E118F160", "L-DC7FF66C", "L-3F110E0F"],
  "amazon.nova-lite-v1:0": ["L-70423BF8", "L-E386A278", "L-7C42E72A", "L-89F8391A"],
  "amazon.nova-pro-v1:0": ["L-CE33604C", "L-F2717A44", "L-C0326783", "L-ED46B8C5"],
  "amazon.nova-premier-v1:0": [undefined, undefined, "L-AA7FE948", "L-9AD981E7"],
};

/** The model's name as its quotas spell it ("Amazon Nova Pro", "Anthropic Claude 3 Haiku"). */
export function quotaModelName(model: CatalogModel): string {
  if (model.id === "amazon.nova-premier-v1:0") return "Amazon Nova Premier V1";
  return model.name.startsWith(model.provider) ? model.name : `${model.provider} ${model.name}`;
}

function derivedCode(name: string): string {
  return `L-${hashString(name).toString(16).toUpperCase().padStart(8, "0")}`;
}

const PREFIX: Record<QuotaKind, string> = {
  "on-demand": "On-demand model inference",
  "cross-region": "Cross-region model inference",
  global: "Global cross-region model inference",
};

/** Every runtime quota of every catalogued model, in a stable order. */
export function bedrockQuotaDefs(): BedrockQuotaDef[] {
  const out: BedrockQuotaDef[] = [];
  for (const model of CATALOG) {
    const kinds: QuotaKind[] = [];
    if (model.onDemandRegions.length > 0) kinds.push("on-demand");
    if (model.profiles.some((p) => p !== "global")) kinds.push("cross-region");
    if (model.profiles.includes("global")) kinds.push("global");
    const codes = REAL_CODES[model.id] ?? [];
    for (const kind of kinds) {
      for (const metric of ["tokens", "requests"] as const) {
        const name = `${PREFIX[kind]} ${metric} per minute for ${quotaModelName(model)}`;
        const real =
          kind === "on-demand"
            ? codes[metric === "tokens" ? 0 : 1]
            : kind === "cross-region"
              ? codes[metric === "tokens" ? 2 : 3]
              : undefined;
        out.push({
          code: real ?? derivedCode(name),
          name,
          baseModelId: model.id,
          kind,
          metric,
          defaultValue: metric === "tokens" ? model.quota.tpm : model.quota.rpm,
          // AWS lets accounts raise cross-Region TPM themselves; on-demand and RPM go through support.
          adjustable: kind !== "on-demand" && metric === "tokens",
        });
      }
    }
  }
  return out;
}

/** The quota the sandbox's Bedrock Runtime enforces for a quota definition (settings override the default). */
export function appliedValue(def: BedrockQuotaDef, settings: BedrockSettings): number {
  const overrides = settings.quotas ?? {};
  let quota: Quota | undefined;
  if (def.kind === "on-demand") quota = overrides[def.baseModelId];
  else {
    const prefixes = def.kind === "global" ? ["global"] : ["us", "eu", "apac", "us-gov", "jp", "au", "ca"];
    for (const p of prefixes) quota ??= overrides[`${p}.${def.baseModelId}`];
    quota ??= overrides[def.baseModelId];
  }
  if (!quota) return def.defaultValue;
  return def.metric === "tokens" ? quota.tpm : quota.rpm;
}
