/**
 * Service Quotas: each configured model's applied tokens-per-minute and requests-per-minute quota
 * (on-demand for a base ID, cross-Region for a us./eu./apac./jp./au./ca. profile, global
 * cross-Region for global.), from ListServiceQuotas (applied values) with ListAWSDefaultServiceQuotas
 * (defaults, and the value when AWS has no applied value), service code `bedrock`, every page.
 * Each figure says which quota (code and name) it came from. Quotas rarely change: the caller
 * caches this for hours.
 */
import {
  ListAWSDefaultServiceQuotasCommand,
  ListServiceQuotasCommand,
  type ServiceQuota,
  type ServiceQuotasClient,
} from "@aws-sdk/client-service-quotas";
import type { Config } from "../config.ts";
import { awsCall } from "./errors.ts";
import { selectedModels } from "./metrics.ts";
import { type EndpointKind, endpointOf, findModelQuota, type QuotaMetric } from "./quota-match.ts";

export interface QuotaFigure {
  /** The applied value (the default when AWS reports no applied value). */
  value: number;
  defaultValue: number | null;
  code: string;
  name: string;
  adjustable: boolean;
  /** "applied" from ListServiceQuotas, "default" when only ListAWSDefaultServiceQuotas has it. */
  source: "applied" | "default";
}

export interface ModelQuotas {
  /** The model ID as invoked (the AWS/Bedrock ModelId dimension). */
  modelId: string;
  baseModelId: string;
  endpoint: EndpointKind;
  tpm: QuotaFigure | null;
  rpm: QuotaFigure | null;
  /** Why a figure is missing, in words. */
  note?: string;
}

export interface QuotasResult {
  region: string;
  models: ModelQuotas[];
  /** Service Quotas calls made (pages included). */
  calls: number;
}

async function listAll(
  client: ServiceQuotasClient,
  operation: "ListServiceQuotas" | "ListAWSDefaultServiceQuotas",
): Promise<{ quotas: ServiceQuota[]; calls: number }> {
  const quotas: ServiceQuota[] = [];
  let calls = 0;
  let token: string | undefined;
  do {
    const input = { ServiceCode: "bedrock", MaxResults: 100, ...(token ? { NextToken: token } : {}) };
    const out =
      operation === "ListServiceQuotas"
        ? await awsCall(operation, () => client.send(new ListServiceQuotasCommand(input)))
        : await awsCall(operation, () => client.send(new ListAWSDefaultServiceQuotasCommand(input)));
    calls++;
    quotas.push(...(out.Quotas ?? []));
    token = out.NextToken;
  } while (token);
  return { quotas, calls };
}

function figure(
  metric: QuotaMetric,
  modelId: string,
  applied: readonly ServiceQuota[],
  defaults: readonly ServiceQuota[],
): QuotaFigure | null {
  const a = findModelQuota(applied, modelId, metric);
  const d = findModelQuota(defaults, modelId, metric);
  const q = a ?? d;
  if (!q || typeof q.Value !== "number" || !q.QuotaCode || !q.QuotaName) return null;
  return {
    value: q.Value,
    defaultValue: typeof d?.Value === "number" ? d.Value : null,
    code: q.QuotaCode,
    name: q.QuotaName,
    adjustable: q.Adjustable ?? false,
    source: a ? "applied" : "default",
  };
}

/** Match every configured model's quotas among the listed ones (pure; tested on real listings). */
export function matchQuotas(
  modelIds: readonly string[],
  applied: readonly ServiceQuota[],
  defaults: readonly ServiceQuota[],
): ModelQuotas[] {
  return modelIds.map((modelId) => {
    const { kind, baseId } = endpointOf(modelId);
    const tpm = figure("tokens", modelId, applied, defaults);
    const rpm = figure("requests", modelId, applied, defaults);
    const out: ModelQuotas = { modelId, baseModelId: baseId, endpoint: kind, tpm, rpm };
    if (!tpm || !rpm) {
      const wording = {
        "on-demand": "On-demand",
        "cross-region": "Cross-region",
        global: "Global cross-region",
      }[kind];
      out.note = `Service Quotas lists no "${wording} model inference ${!tpm ? "tokens" : "requests"} per minute for …" quota matching ${baseId}; its usage is shown without a quota line.`;
    }
    return out;
  });
}

/** Fetch the applied and default Bedrock quotas of the configured models in the Bedrock Region. */
export async function fetchQuotas(
  client: ServiceQuotasClient,
  config: Config,
  region: string,
): Promise<QuotasResult> {
  const [applied, defaults] = await Promise.all([
    listAll(client, "ListServiceQuotas"),
    listAll(client, "ListAWSDefaultServiceQuotas"),
  ]);
  return {
    region,
    models: matchQuotas(selectedModels(config), applied.quotas, defaults.quotas),
    calls: applied.calls + defaults.calls,
  };
}

/** The console page of a quota, where an increase is requested. */
export function quotaConsoleUrl(region: string, code: string): string {
  return `https://${region}.console.aws.amazon.com/servicequotas/home/services/bedrock/quotas/${encodeURIComponent(code)}`;
}
