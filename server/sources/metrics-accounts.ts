/**
 * Metrics of the source accounts linked to this monitoring account (config aws.accounts;
 * CloudWatch cross-account observability): the Sum series behind the "by account" totals, planned
 * with AccountId per query so that they travel in the same GetMetricData calls as the home
 * account's series (one call per region, 500 queries each).
 */
import type { AccountMetrics } from "../api/contract.ts";
import { type AccountConfig, accountList, bedrockRegion, type Config, lambdaRegion } from "../config.ts";
import type { MetricRequest } from "./metric-data.ts";

type Field = Exclude<keyof AccountMetrics, "accountId" | "label" | "region">;

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
  /** The row (region) of the "by account" table the series adds to. */
  row: string;
}

/** Linked accounts to read: config aws.accounts except the home account (read without AccountId). */
export function linkedAccounts(config: Config): AccountConfig[] {
  return accountList(config).filter((a) => a.id !== config.aws.accountId);
}

/**
 * The regions an account is read in. Without `regions`: Lambda in the Lambda region and Bedrock
 * in the Bedrock region, as one row (named after the Lambda region). With `regions`: each region is
 * a row with both. The home account's first row is always its own series (read without AccountId).
 */
function rowsOf(
  config: Config,
  account: AccountConfig,
  home: boolean,
): Array<{ row: string; lambda: string; bedrock: string }> {
  const primary = { row: lambdaRegion(config), lambda: lambdaRegion(config), bedrock: bedrockRegion(config) };
  const listed = account.regions;
  if (!listed) return home ? [] : [primary];
  const rows = listed.map((r) => ({ row: r, lambda: r, bedrock: r }));
  return home ? rows.filter((r) => r.row !== primary.row) : rows;
}

export function planAccountSeries(
  config: Config,
  functions: readonly string[],
  models: readonly string[],
): AccountRequest[] {
  const out: AccountRequest[] = [];
  for (const account of accountList(config)) {
    const home = account.id === config.aws.accountId;
    for (const { row, lambda, bedrock } of rowsOf(config, account, home)) {
      for (const fn of functions)
        for (const [metric, field] of LAMBDA)
          out.push({
            key: `account:${account.id}:${row}:lambda:${fn}:${metric}:Sum`,
            accountId: account.id,
            field,
            row,
            region: lambda,
            namespace: "AWS/Lambda",
            metricName: metric,
            dimensions: { FunctionName: fn },
            stat: "Sum",
          });
      for (const modelId of models)
        for (const [metric, field] of BEDROCK)
          out.push({
            key: `account:${account.id}:${row}:bedrock:${modelId}:${metric}:Sum`,
            accountId: account.id,
            field,
            row,
            region: bedrock,
            namespace: "AWS/Bedrock",
            metricName: metric,
            dimensions: { ModelId: modelId },
            stat: "Sum",
          });
    }
  }
  return out;
}

/**
 * Totals per account and region; the home account's first row comes from its own series (`home`),
 * listed first. Without `regions` in config each account has one row.
 */
export function accountTotals(
  config: Config,
  planned: readonly AccountRequest[],
  points: ReadonlyMap<string, ReadonlyArray<[number, number]>>,
  home: Omit<AccountMetrics, "accountId" | "label" | "region"> | null,
): AccountMetrics[] {
  const empty = (): Omit<AccountMetrics, "accountId" | "label" | "region"> => ({
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
  if (homeAccount && home)
    out.push({ accountId: homeAccount.id, label: homeAccount.label, region: lambdaRegion(config), ...home });
  const ordered = [...(homeAccount ? [homeAccount] : []), ...linkedAccounts(config)];
  for (const account of ordered) {
    for (const { row } of rowsOf(config, account, account === homeAccount)) {
      const totals = empty();
      for (const p of planned)
        if (p.accountId === account.id && p.row === row)
          totals[p.field] += (points.get(p.key) ?? []).reduce((sum, [, v]) => sum + v, 0);
      out.push({ accountId: account.id, label: account.label, region: row, ...totals });
    }
  }
  return out;
}

/** Every region an account is read in (the rows' regions), for the API's `region=` parameter. */
export function accountRegions(config: Config): string[] {
  const out = new Set<string>();
  for (const account of accountList(config)) {
    const home = account.id === config.aws.accountId;
    if (home || !account.regions) out.add(lambdaRegion(config));
    for (const { row } of rowsOf(config, account, home)) out.add(row);
  }
  // "linked": the discovered accounts are read in the Lambda region.
  if (config.aws.accounts === "linked") out.add(lambdaRegion(config));
  return [...out];
}

/** The per-account rows narrowed to one account and/or region (the API's `account=`, `region=`). */
export function narrowAccounts<T extends { accountId: string; region?: string }>(
  rows: readonly T[],
  account: string | undefined,
  region: string | undefined,
): T[] {
  return rows.filter(
    (r) =>
      (!account || r.accountId === account) && (!region || r.region === undefined || r.region === region),
  );
}
