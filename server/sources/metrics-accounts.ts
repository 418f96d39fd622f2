/**
 * Metrics of the source accounts linked to this monitoring account (config aws.accounts;
 * CloudWatch cross-account observability): the Sum series behind the "by account" totals, planned
 * with AccountId per query so that they travel in the same GetMetricData calls as the home
 * account's series (one call per region, 500 queries each).
 */
import type { AccountMetrics } from "../api/contract.ts";
import { accountList, bedrockRegion, type Config, lambdaRegion } from "../config.ts";
import type { MetricRequest } from "./metric-data.ts";

type Field = Exclude<keyof AccountMetrics, "accountId" | "label">;

const LAMBDA: ReadonlyArray<[metric: string, field: Field]> = [
  ["Invocations", "lambdaInvocations"],
  ["Errors", "lambdaErrors"],
];
const BEDROCK: ReadonlyArray<[metric: string, field: Field]> = [
  ["Invocations", "bedrockInvocations"],
  ["InputTokenCount", "inputTokens"],
  ["OutputTokenCount", "outputTokens"],
  ["InvocationClientErrors", "bedrockErrors"],
  ["InvocationServerErrors", "bedrockErrors"],
  ["InvocationThrottles", "bedrockThrottles"],
];

export interface AccountRequest extends MetricRequest {
  accountId: string;
  field: Field;
}

/** Linked accounts to read: config aws.accounts except the home account (read without AccountId). */
export function linkedAccounts(config: Config): Array<{ id: string; label: string }> {
  return accountList(config).filter((a) => a.id !== config.aws.accountId);
}

export function planAccountSeries(
  config: Config,
  functions: readonly string[],
  models: readonly string[],
): AccountRequest[] {
  const out: AccountRequest[] = [];
  for (const account of linkedAccounts(config)) {
    for (const fn of functions)
      for (const [metric, field] of LAMBDA)
        out.push({
          key: `account:${account.id}:lambda:${fn}:${metric}:Sum`,
          accountId: account.id,
          field,
          region: lambdaRegion(config),
          namespace: "AWS/Lambda",
          metricName: metric,
          dimensions: { FunctionName: fn },
          stat: "Sum",
        });
    for (const modelId of models)
      for (const [metric, field] of BEDROCK)
        out.push({
          key: `account:${account.id}:bedrock:${modelId}:${metric}:Sum`,
          accountId: account.id,
          field,
          region: bedrockRegion(config),
          namespace: "AWS/Bedrock",
          metricName: metric,
          dimensions: { ModelId: modelId },
          stat: "Sum",
        });
  }
  return out;
}

/** Totals per account; the home account's come from its own series (`home`), listed first. */
export function accountTotals(
  config: Config,
  planned: readonly AccountRequest[],
  points: ReadonlyMap<string, ReadonlyArray<[number, number]>>,
  home: Omit<AccountMetrics, "accountId" | "label"> | null,
): AccountMetrics[] {
  const empty = (): Omit<AccountMetrics, "accountId" | "label"> => ({
    lambdaInvocations: 0,
    lambdaErrors: 0,
    bedrockInvocations: 0,
    inputTokens: 0,
    outputTokens: 0,
    bedrockErrors: 0,
    bedrockThrottles: 0,
  });
  const out: AccountMetrics[] = [];
  const configured = accountList(config);
  const homeAccount = configured.find((a) => a.id === config.aws.accountId);
  if (homeAccount && home) out.push({ accountId: homeAccount.id, label: homeAccount.label, ...home });
  for (const account of linkedAccounts(config)) {
    const totals = empty();
    for (const p of planned.filter((r) => r.accountId === account.id))
      totals[p.field] += (points.get(p.key) ?? []).reduce((s, [, v]) => s + v, 0);
    out.push({ accountId: account.id, label: account.label, ...totals });
  }
  return out;
}
