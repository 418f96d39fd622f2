/**
 * Doctor, the I/O half: make the cheap calls and hand what was observed to doctor-checks.ts.
 * Every call is attempted once (maxAttempts 1) so throttling is reported rather than retried.
 */
import { ConverseCommand } from "@aws-sdk/client-bedrock-runtime";
import { DescribeBudgetsCommand } from "@aws-sdk/client-budgets";
import {
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  ListMetricsCommand,
  type MetricDataQuery,
} from "@aws-sdk/client-cloudwatch";
import { GetCostAndUsageCommand } from "@aws-sdk/client-cost-explorer";
import { ListServiceQuotasCommand } from "@aws-sdk/client-service-quotas";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import type { AwsClients } from "../aws/clients.ts";
import { bedrockRegion, type Config, invokeModelId, lambdaRegion } from "../config.ts";
import { costOf, type TokenPrice } from "../pricing/prices.ts";
import { probeAttribution } from "./doctor-attribution.ts";
import {
  type CheckRow,
  credentialSource,
  credentialsRow,
  metricDataRow,
  type Outcome,
  permissionRow,
  regionRow,
  skippedRow,
} from "./doctor-checks.ts";
import { logGroups } from "./doctor-logs.ts";
import { type ConverseResult, modelRow } from "./doctor-model.ts";
import { attempt, ONCE } from "./probe.ts";

/** The on-demand price of a model ID (any form), or null when unpriced. */
export type PriceLookup = (modelId: string) => TokenPrice | null;

export interface DoctorOptions {
  /** Make no paid calls: no Bedrock Converse, no Cost Explorer ($0.01 a request). */
  skipPaid: boolean;
  now: () => number;
  prices: PriceLookup;
}

const DAY_MS = 86_400_000;

async function credentials(
  config: Config,
  clients: AwsClients,
): Promise<{ row: CheckRow; account?: string }> {
  const sts = clients.sts(ONCE);
  const outcome = await attempt(async () => {
    const identity = (await sts.config.credentials()) as { $source?: Record<string, string> };
    const who = await sts.send(new GetCallerIdentityCommand({}));
    return {
      arn: who.Arn ?? "?",
      account: who.Account ?? "?",
      source: credentialSource(identity.$source, config.aws.profile),
    };
  });
  return outcome.ok
    ? { row: credentialsRow(outcome), account: outcome.value.account }
    : { row: credentialsRow(outcome) };
}

function metricQueries(
  config: Config,
  kind: "lambda" | "bedrock",
): { queries: MetricDataQuery[]; labels: string[] } {
  const items =
    kind === "lambda"
      ? config.lambda.functions.map((f) => ({
          label: f.name,
          ns: "AWS/Lambda",
          dim: "FunctionName",
          value: f.name,
        }))
      : config.bedrock.models.map((m) => ({
          label: invokeModelId(m),
          ns: "AWS/Bedrock",
          dim: "ModelId",
          value: invokeModelId(m),
        }));
  return {
    labels: items.map((i) => i.label),
    queries: items.map((item, i) => ({
      Id: `m${i}`,
      MetricStat: {
        Metric: {
          Namespace: item.ns,
          MetricName: "Invocations",
          Dimensions: [{ Name: item.dim, Value: item.value }],
        },
        Period: 3600,
        Stat: "Sum",
      },
      ReturnData: true,
    })),
  };
}

async function metrics(
  config: Config,
  clients: AwsClients,
  now: number,
): Promise<{ rows: CheckRow[]; permission: Outcome<unknown> }> {
  const rows: CheckRow[] = [];
  let permission: Outcome<unknown> = { ok: true, value: undefined };
  const window = { StartTime: new Date(now - DAY_MS), EndTime: new Date(now) };
  for (const kind of ["lambda", "bedrock"] as const) {
    const region = kind === "lambda" ? lambdaRegion(config) : bedrockRegion(config);
    const { queries, labels } = metricQueries(config, kind);
    const outcome = await attempt(() =>
      clients
        .cloudwatch({ region, ...ONCE })
        .send(new GetMetricDataCommand({ MetricDataQueries: queries, ...window })),
    );
    if (!outcome.ok) permission = outcome;
    labels.forEach((label, i) => {
      const values: Outcome<number[]> = outcome.ok
        ? { ok: true, value: outcome.value.MetricDataResults?.find((r) => r.Id === `m${i}`)?.Values ?? [] }
        : outcome;
      const fix =
        kind === "lambda"
          ? `No invocations of ${label} in ${region}: check lambda.functions[].name and lambda.region`
          : `No Bedrock invocations of ${label} in ${region}: check the model ID (with its us./eu. prefix if the app uses one) and bedrock.region`;
      rows.push(
        metricDataRow(
          `metrics:${kind}:${label}`,
          `${kind === "lambda" ? "Lambda" : "Bedrock"} metrics ${label}`,
          values,
          fix,
        ),
      );
    });
  }
  return { rows, permission };
}

async function models(config: Config, clients: AwsClients, prices: PriceLookup): Promise<CheckRow[]> {
  const region = bedrockRegion(config);
  const bedrock = clients.bedrock({ region, ...ONCE });
  const rows: CheckRow[] = [];
  for (const model of config.bedrock.models) {
    const modelId = invokeModelId(model);
    const outcome = await attempt<ConverseResult>(async () => {
      const out = await bedrock.send(
        new ConverseCommand({
          modelId,
          messages: [{ role: "user", content: [{ text: "Hi" }] }],
          inferenceConfig: { maxTokens: 1 },
        }),
      );
      const inputTokens = out.usage?.inputTokens ?? 0;
      const outputTokens = out.usage?.outputTokens ?? 0;
      const result: ConverseResult = { inputTokens, outputTokens, latencyMs: out.metrics?.latencyMs ?? 0 };
      const price = prices(modelId);
      if (price) result.costUsd = costOf({ input: inputTokens, output: outputTokens }, price);
      return result;
    });
    rows.push(modelRow(modelId, region, outcome));
  }
  return rows;
}

/** Run every check; rows come back in a fixed order. The config row is the caller's. */
export async function runDoctor(
  config: Config,
  clients: AwsClients,
  options: DoctorOptions,
): Promise<CheckRow[]> {
  const now = options.now();
  const rows: CheckRow[] = [];
  const creds = await credentials(config, clients);
  rows.push(creds.row);
  rows.push(
    regionRow({ aws: config.aws.region, lambda: lambdaRegion(config), bedrock: bedrockRegion(config) }),
  );

  const cw = clients.cloudwatch({ region: lambdaRegion(config), ...ONCE });
  rows.push(
    permissionRow(
      "cloudwatch:ListMetrics",
      await attempt(() =>
        cw.send(new ListMetricsCommand({ Namespace: "AWS/Lambda", MetricName: "Invocations" })),
      ),
    ),
  );
  const metricRows = await metrics(config, clients, now);
  rows.push(permissionRow("cloudwatch:GetMetricData", metricRows.permission));
  rows.push(...(await logGroups(config, clients, now)));

  if (options.skipPaid) {
    rows.push(
      skippedRow(
        "permission:ce:GetCostAndUsage",
        "Permission ce:GetCostAndUsage",
        "--skip-bedrock (a Cost Explorer request costs $0.01)",
      ),
    );
  } else {
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const ce = await attempt(() =>
      clients.costExplorer(ONCE).send(
        new GetCostAndUsageCommand({
          TimePeriod: { Start: day(now - DAY_MS), End: day(now) },
          Granularity: "DAILY",
          Metrics: ["UnblendedCost"],
        }),
      ),
    );
    rows.push(permissionRow("ce:GetCostAndUsage", ce, "1 request, $0.01"));
  }

  if (creds.account) {
    const accountId = config.aws.accountId ?? creds.account;
    const budgets = await attempt(() =>
      clients.budgets(ONCE).send(new DescribeBudgetsCommand({ AccountId: accountId, MaxResults: 1 })),
    );
    rows.push(permissionRow("budgets:ViewBudget", budgets));
  } else {
    rows.push(
      skippedRow(
        "permission:budgets:ViewBudget",
        "Permission budgets:ViewBudget",
        "the account ID is unknown (credentials failed)",
      ),
    );
  }

  // Quotas panel and alarms: Service Quotas and CloudWatch alarm reads in the Bedrock Region.
  const region = bedrockRegion(config);
  rows.push(
    permissionRow(
      "servicequotas:ListServiceQuotas",
      await attempt(() =>
        clients
          .serviceQuotas({ region, ...ONCE })
          .send(new ListServiceQuotasCommand({ ServiceCode: "bedrock", MaxResults: 1 })),
      ),
    ),
  );
  rows.push(
    permissionRow(
      "cloudwatch:DescribeAlarms",
      await attempt(() =>
        clients
          .cloudwatch({ region, ...ONCE })
          .send(new DescribeAlarmsCommand({ AlarmNamePrefix: `${config.alarms.prefix}-`, MaxRecords: 1 })),
      ),
    ),
  );

  // Cost attribution: application profiles and their tags, active cost-allocation tags, invocation logging.
  rows.push(...(await probeAttribution(config, clients, options.skipPaid)));

  rows.push(...metricRows.rows);
  if (options.skipPaid) {
    rows.push(
      skippedRow(
        "permission:bedrock:InvokeModel",
        "Models (bedrock:InvokeModel)",
        "--skip-bedrock: no Converse calls made",
      ),
    );
  } else {
    rows.push(...(await models(config, clients, options.prices)));
  }
  return rows;
}
