/**
 * The sandbox's Service Quotas (awsJson 1.1, X-Amz-Target `ServiceQuotasV20190624.<Op>`):
 * ListServiceQuotas, ListAWSDefaultServiceQuotas, GetServiceQuota, GetAWSDefaultServiceQuota for
 * service code `bedrock`, whose runtime quotas are the ones the sandbox's Bedrock Runtime throttles
 * with (providers/bedrock/service-quotas.ts). Shapes: Service Quotas API reference, "ServiceQuota"
 * and "ListServiceQuotas" (docs.aws.amazon.com/servicequotas/2019-06-24/apireference/); fixture in
 * test/fixtures/quotas/list-service-quotas.json.
 */
import { AwsError } from "../../core/errors.ts";
import type { JsonProvider, SandboxContext, SandboxRequest } from "../../core/types.ts";
import { appliedValue, type BedrockQuotaDef, bedrockQuotaDefs } from "../bedrock/service-quotas.ts";

const SERVICE = { code: "bedrock", name: "Amazon Bedrock" } as const;
/** Quotas of the service that are not per-model runtime quotas (real names and codes, from AWS's list). */
const OTHER_QUOTAS: ReadonlyArray<{ code: string; name: string; value: number; adjustable: boolean }> = [
  {
    code: "L-00DFDB26",
    name: "(Knowledge Bases) RetrieveAndGenerateStream requests per second",
    value: 20,
    adjustable: false,
  },
  {
    code: "L-02D6293C",
    name: "Batch inference job size (in GB) for Claude 3.7 Sonnet",
    value: 5,
    adjustable: false,
  },
  {
    code: "L-45E0AD92",
    name: "Model invocation max tokens per day for Amazon Nova Lite",
    value: 5_760_000_000,
    adjustable: false,
  },
];

interface Row {
  ServiceCode: string;
  ServiceName: string;
  QuotaArn: string;
  QuotaCode: string;
  QuotaName: string;
  Value: number;
  Unit: string;
  Adjustable: boolean;
  GlobalQuota: boolean;
  Period?: { PeriodValue: number; PeriodUnit: string };
  QuotaAppliedAtLevel: "ACCOUNT";
  Description: string;
}

function str(input: Record<string, unknown>, field: string, required: boolean): string | undefined {
  const v = input[field];
  if (v === undefined || v === null) {
    if (required)
      throw new AwsError(
        "ValidationException",
        `1 validation error detected: Value null at '${field[0]!.toLowerCase()}${field.slice(1)}' failed to satisfy constraint: Member must not be null`,
      );
    return undefined;
  }
  if (typeof v !== "string") throw new AwsError("ValidationException", `${field} must be a string.`);
  return v;
}

export function createServiceQuotasProvider(ctx: SandboxContext): JsonProvider {
  const defs = bedrockQuotaDefs();
  const arn = (region: string, code: string) =>
    `arn:aws:servicequotas:${region}:${ctx.accountId}:bedrock/${code}`;

  function rows(req: SandboxRequest, applied: boolean): Row[] {
    const settings = ctx.settings.bedrock ?? {};
    const model = (d: BedrockQuotaDef): Row => ({
      ServiceCode: SERVICE.code,
      ServiceName: SERVICE.name,
      QuotaArn: arn(req.region, d.code),
      QuotaCode: d.code,
      QuotaName: d.name,
      Value: applied ? appliedValue(d, settings) : d.defaultValue,
      Unit: "None",
      Adjustable: d.adjustable,
      GlobalQuota: false,
      Period: { PeriodValue: 1, PeriodUnit: "MINUTE" },
      QuotaAppliedAtLevel: "ACCOUNT",
      Description: `The maximum number of ${d.metric} that you can submit for model inference in one minute for ${d.name.replace(/^.* per minute for /, "")}. The quota considers the combined sum of ${d.metric} for Converse, ConverseStream, InvokeModel and InvokeModelWithResponseStream.`,
    });
    const other = OTHER_QUOTAS.map(
      (q): Row => ({
        ServiceCode: SERVICE.code,
        ServiceName: SERVICE.name,
        QuotaArn: arn(req.region, q.code),
        QuotaCode: q.code,
        QuotaName: q.name,
        Value: q.value,
        Unit: "None",
        Adjustable: q.adjustable,
        GlobalQuota: false,
        QuotaAppliedAtLevel: "ACCOUNT",
        Description: q.name,
      }),
    );
    return [...defs.map(model), ...other].sort((a, b) => a.QuotaCode.localeCompare(b.QuotaCode));
  }

  function checkService(input: Record<string, unknown>): void {
    const code = str(input, "ServiceCode", true);
    if (code !== SERVICE.code)
      throw new AwsError(
        "NoSuchResourceException",
        "The request failed because the specified service does not exist.",
      );
  }

  function list(input: Record<string, unknown>, req: SandboxRequest, applied: boolean) {
    checkService(input);
    const max = input.MaxResults ?? 100;
    if (typeof max !== "number" || !Number.isInteger(max) || max < 1 || max > 100)
      throw new AwsError(
        "ValidationException",
        "1 validation error detected: Value at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100",
      );
    const token = str(input, "NextToken", false);
    const all = rows(req, applied).filter((r) => {
      const code = applied ? str(input, "QuotaCode", false) : undefined;
      return code === undefined || r.QuotaCode === code;
    });
    let offset = 0;
    if (token !== undefined) {
      const decoded = Number(
        Buffer.from(token, "base64")
          .toString("utf8")
          .replace(/^offset:/, ""),
      );
      if (!Number.isInteger(decoded) || decoded < 0 || decoded > all.length)
        throw new AwsError("InvalidPaginationTokenException", "Invalid pagination token.");
      offset = decoded;
    }
    const page = all.slice(offset, offset + max);
    const next =
      offset + max < all.length ? Buffer.from(`offset:${offset + max}`).toString("base64") : undefined;
    return { Quotas: page, ...(next ? { NextToken: next } : {}) };
  }

  function getOne(input: Record<string, unknown>, req: SandboxRequest, applied: boolean) {
    checkService(input);
    const code = str(input, "QuotaCode", true);
    const row = rows(req, applied).find((r) => r.QuotaCode === code);
    if (!row)
      throw new AwsError(
        "NoSuchResourceException",
        `The request failed because the specified quota ${code} does not exist.`,
      );
    return { Quota: row };
  }

  return {
    kind: "json",
    service: "servicequotas",
    targetPrefix: "ServiceQuotasV20190624",
    protocol: "1.1",
    operations: {
      ListServiceQuotas: (input, req) => list(input, req, true),
      ListAWSDefaultServiceQuotas: (input, req) => list(input, req, false),
      GetServiceQuota: (input, req) => getOne(input, req, true),
      GetAWSDefaultServiceQuota: (input, req) => getOne(input, req, false),
    },
  };
}
