/**
 * The least-privilege IAM policy for the features in use: actions from iam-actions.ts, each
 * statement scoped to the resources AWS lets that action be limited to; actions without
 * resource-level permissions go in their own statements with Resource "*".
 */
import {
  accountList,
  bedrockRegion,
  type Config,
  invokeModelId,
  lambdaRegion,
  logGroupOf,
} from "../config.ts";
import { type Feature, SDK_OPERATIONS, type StatementKey } from "./iam-actions.ts";
import { PROFILE_REGIONS, splitModelId } from "./inference-profiles.ts";

export interface PolicyStatement {
  Sid: string;
  Effect: "Allow";
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

export interface PolicyContext {
  accountId: string;
  features: readonly Feature[];
  /** CloudWatch dashboard name for cw-dashboard (default twin-monitoring). */
  dashboardName: string;
}

export function partitionOf(region: string): string {
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("cn-")) return "aws-cn";
  return "aws";
}

/** Foundation-model ARNs in every region the model can be served from, plus the inference-profile ARN. */
export function modelArns(modelId: string, region: string, accountId: string): string[] {
  if (modelId.startsWith("arn:")) return [modelId];
  const { prefix, baseId } = splitModelId(modelId);
  const p = partitionOf(region);
  if (!prefix) return [`arn:${p}:bedrock:${region}::foundation-model/${baseId}`];
  const regions = PROFILE_REGIONS[prefix];
  const models = regions.map((r) => `arn:${p}:bedrock:${r}::foundation-model/${baseId}`);
  return [`arn:${p}:bedrock:${region}:${accountId}:inference-profile/${modelId}`, ...models];
}

/** A log group's ARN in both forms IAM may evaluate: the SAR's `log-group:<name>` and the API's `:*` form. */
function logGroupArns(region: string, accountId: string, name: string): string[] {
  const arn = `arn:${partitionOf(region)}:logs:${region}:${accountId}:log-group:${name}`;
  return [arn, `${arn}:*`];
}

function budgetArn(accountId: string, name: string): string {
  return `arn:aws:budgets::${accountId}:budget/${name}`;
}

function resources(
  key: StatementKey,
  config: Config,
  ctx: PolicyContext,
): Pick<PolicyStatement, "Resource" | "Condition"> {
  const region = lambdaRegion(config);
  const account = ctx.accountId;
  switch (key) {
    case "CloudWatchReadAllResources":
    case "CloudWatchDashboardList":
    case "ServiceQuotasRead":
    case "CloudWatchAlarmsRead":
    case "LogsAllResources":
    case "CostExplorerAllResources":
    case "BedrockReadAccount":
      return { Resource: "*" };
    case "CloudWatchPublishNamespace": {
      const ns = config.bench.publishNamespace;
      return ns
        ? { Resource: "*", Condition: { StringEquals: { "cloudwatch:namespace": ns } } }
        : { Resource: "*" };
    }
    case "CloudWatchDashboardWrite":
      return { Resource: `arn:aws:cloudwatch::${account}:dashboard/${ctx.dashboardName}` };
    case "LogsQueryConfiguredLogGroups": {
      // With aws.accounts, the source accounts' groups are queried by ARN from this account:
      // each listed account's, or any linked account's ("linked": discovered at run time).
      const others =
        config.aws.accounts === "linked"
          ? ["*"]
          : accountList(config)
              .map((a) => a.id)
              .filter((id) => id !== account);
      return {
        Resource: [
          ...config.lambda.functions.flatMap((f) =>
            (f.accountId ? [f.accountId] : [account, ...others]).flatMap((id) =>
              logGroupArns(region, id, logGroupOf(f)),
            ),
          ),
          // Bedrock model invocation logs (Attribution panel), in the Bedrock Region.
          ...(config.attribution.invocationLogGroup
            ? logGroupArns(bedrockRegion(config), account, config.attribution.invocationLogGroup)
            : []),
        ],
      };
    }
    case "OamListSinks":
      return { Resource: config.aws.accounts === "linked" ? "*" : [] };
    case "OamReadSinkLinks":
      return {
        Resource:
          config.aws.accounts === "linked"
            ? `arn:${partitionOf(config.aws.region)}:oam:${config.aws.region}:${account}:sink/*`
            : [],
      };
    case "BudgetsViewAccount":
      return {
        Resource: config.budgets.names
          ? config.budgets.names.map((n) => budgetArn(account, n))
          : `arn:aws:budgets::${account}:budget/*`,
      };
    case "BudgetsViewManaged":
    case "BudgetsModifyManaged":
      return { Resource: config.budgets.managed.map((b) => budgetArn(account, b.name)) };
    case "BedrockReadInferenceProfiles":
      return {
        Resource: [
          `arn:${partitionOf(bedrockRegion(config))}:bedrock:*:${account}:application-inference-profile/*`,
          `arn:${partitionOf(bedrockRegion(config))}:bedrock:*:${account}:inference-profile/*`,
        ],
      };
    case "LambdaReadConfiguredFunctions":
      return {
        Resource: config.lambda.functions.map(
          (f) => `arn:${partitionOf(region)}:lambda:${region}:${account}:function:${f.name}`,
        ),
      };
    case "CloudWatchAlarmsManaged": {
      const r = bedrockRegion(config);
      return { Resource: `arn:${partitionOf(r)}:cloudwatch:${r}:${account}:alarm:${config.alarms.prefix}-*` };
    }
    case "SnsAlarmTopic": {
      const r = bedrockRegion(config);
      return {
        Resource:
          config.alarms.topicArn ?? `arn:${partitionOf(r)}:sns:${r}:${account}:${config.alarms.topicName}`,
      };
    }
    case "BedrockInvokeConfiguredModels": {
      const r = bedrockRegion(config);
      return {
        Resource: [...new Set(config.bedrock.models.flatMap((m) => modelArns(invokeModelId(m), r, account)))],
      };
    }
  }
}

/** Build the policy: one statement per resource scope, actions sorted, empty statements dropped. */
export function buildPolicy(config: Config, ctx: PolicyContext): PolicyDocument {
  const byStatement = new Map<StatementKey, Set<string>>();
  for (const permission of Object.values(SDK_OPERATIONS)) {
    if (!permission.action || !permission.statement) continue;
    if (!permission.features.some((f) => ctx.features.includes(f))) continue;
    const set = byStatement.get(permission.statement) ?? new Set<string>();
    set.add(permission.action);
    byStatement.set(permission.statement, set);
  }
  const Statement: PolicyStatement[] = [];
  for (const [key, actions] of byStatement) {
    const scope = resources(key, config, ctx);
    if (Array.isArray(scope.Resource) && scope.Resource.length === 0) continue;
    const statement: PolicyStatement = {
      Sid: key,
      Effect: "Allow",
      Action: [...actions].sort(),
      Resource: scope.Resource,
    };
    if (scope.Condition) statement.Condition = scope.Condition;
    Statement.push(statement);
  }
  Statement.sort((a, b) => a.Sid.localeCompare(b.Sid));
  return { Version: "2012-10-17", Statement };
}
