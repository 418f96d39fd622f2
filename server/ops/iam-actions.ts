/**
 * Which IAM action each AWS SDK command bedrock-ops sends needs, which feature uses it, and in which
 * policy statement it goes (by what resources the action can be scoped to). Action names and
 * resource types: Service Authorization Reference (Amazon CloudWatch, CloudWatch Logs, AWS Cost
 * Explorer Service, AWS Budget Service, Amazon Bedrock, Service Quotas, Amazon SNS, Amazon CloudWatch
 * Observability Access Manager). A test scans server/ for every SDK command construction
 * and fails when a command is missing here.
 */

export const FEATURES = ["dashboard", "bench", "budget", "cw-dashboard", "alarms"] as const;
export type Feature = (typeof FEATURES)[number];

/** Statements, by the resources their actions can be limited to. */
export type StatementKey =
  | "CloudWatchReadAllResources"
  | "CloudWatchPublishNamespace"
  | "CloudWatchDashboardWrite"
  | "CloudWatchDashboardList"
  | "LogsQueryConfiguredLogGroups"
  | "LogsAllResources"
  | "CostExplorerAllResources"
  | "BudgetsViewAccount"
  | "BudgetsViewManaged"
  | "BudgetsModifyManaged"
  | "BedrockInvokeConfiguredModels"
  | "BedrockReadInferenceProfiles"
  | "BedrockReadAccount"
  | "LambdaReadConfiguredFunctions"
  | "ServiceQuotasRead"
  | "CloudWatchAlarmsRead"
  | "CloudWatchAlarmsManaged"
  | "SnsAlarmTopic"
  | "OamListSinks"
  | "OamReadSinkLinks";

export interface OperationPermission {
  /** IAM action, or null when the operation needs no permission (sts:GetCallerIdentity). */
  action: string | null;
  statement?: StatementKey;
  features: readonly Feature[];
}

const op = (action: string, statement: StatementKey, ...features: Feature[]): OperationPermission => ({
  action,
  statement,
  features,
});

/** SDK command class name (without "Command") to its permission. */
export const SDK_OPERATIONS: Readonly<Record<string, OperationPermission>> = {
  // CloudWatch: metric reads have no resource-level permissions.
  GetMetricData: op("cloudwatch:GetMetricData", "CloudWatchReadAllResources", "dashboard", "bench"),
  GetMetricStatistics: op("cloudwatch:GetMetricStatistics", "CloudWatchReadAllResources", "dashboard"),
  ListMetrics: op("cloudwatch:ListMetrics", "CloudWatchReadAllResources", "dashboard"),
  PutMetricData: op("cloudwatch:PutMetricData", "CloudWatchPublishNamespace", "bench"),
  PutDashboard: op("cloudwatch:PutDashboard", "CloudWatchDashboardWrite", "cw-dashboard"),
  GetDashboard: op("cloudwatch:GetDashboard", "CloudWatchDashboardWrite", "cw-dashboard"),
  ListDashboards: op("cloudwatch:ListDashboards", "CloudWatchDashboardList", "cw-dashboard"),
  // CloudWatch Logs: StartQuery and FilterLogEvents take log-group ARNs; DescribeLogGroups and the
  // query-result operations have no resource types (Resource "*").
  DescribeLogGroups: op("logs:DescribeLogGroups", "LogsAllResources", "dashboard"),
  StartQuery: op("logs:StartQuery", "LogsQueryConfiguredLogGroups", "dashboard"),
  FilterLogEvents: op("logs:FilterLogEvents", "LogsQueryConfiguredLogGroups", "dashboard"),
  GetQueryResults: op("logs:GetQueryResults", "LogsAllResources", "dashboard"),
  StopQuery: op("logs:StopQuery", "LogsAllResources", "dashboard"),
  DescribeQueries: op("logs:DescribeQueries", "LogsAllResources", "dashboard"),
  // Cost Explorer: no resource-level permissions for cost queries.
  GetCostAndUsage: op("ce:GetCostAndUsage", "CostExplorerAllResources", "dashboard"),
  GetCostForecast: op("ce:GetCostForecast", "CostExplorerAllResources", "dashboard"),
  // Bedrock control plane: application inference profile -> model, to price it.
  GetInferenceProfile: op("bedrock:GetInferenceProfile", "BedrockReadInferenceProfiles", "dashboard"),
  // Attribution (issue #18): the profiles' tags are read per profile ARN; listing profiles and the
  // invocation logging configuration have no resource types (Resource "*").
  ListTagsForResource: op("bedrock:ListTagsForResource", "BedrockReadInferenceProfiles", "dashboard"),
  ListInferenceProfiles: op("bedrock:ListInferenceProfiles", "BedrockReadAccount", "dashboard"),
  GetModelInvocationLoggingConfiguration: op(
    "bedrock:GetModelInvocationLoggingConfiguration",
    "BedrockReadAccount",
    "dashboard",
  ),
  ListCostAllocationTags: op("ce:ListCostAllocationTags", "CostExplorerAllResources", "dashboard"),
  // Budgets: every operation is ViewBudget or ModifyBudget on a budget ARN.
  DescribeBudgets: op("budgets:ViewBudget", "BudgetsViewAccount", "dashboard"),
  DescribeBudgetPerformanceHistory: op("budgets:ViewBudget", "BudgetsViewAccount", "dashboard"),
  DescribeBudget: op("budgets:ViewBudget", "BudgetsViewManaged", "budget"),
  DescribeNotificationsForBudget: op("budgets:ViewBudget", "BudgetsViewManaged", "budget"),
  DescribeSubscribersForNotification: op("budgets:ViewBudget", "BudgetsViewManaged", "budget"),
  CreateBudget: op("budgets:ModifyBudget", "BudgetsModifyManaged", "budget"),
  UpdateBudget: op("budgets:ModifyBudget", "BudgetsModifyManaged", "budget"),
  CreateNotification: op("budgets:ModifyBudget", "BudgetsModifyManaged", "budget"),
  UpdateNotification: op("budgets:ModifyBudget", "BudgetsModifyManaged", "budget"),
  CreateSubscriber: op("budgets:ModifyBudget", "BudgetsModifyManaged", "budget"),
  DeleteSubscriber: op("budgets:ModifyBudget", "BudgetsModifyManaged", "budget"),
  // Bedrock Runtime: Converse is authorised as InvokeModel, ConverseStream as InvokeModelWithResponseStream.
  Converse: op("bedrock:InvokeModel", "BedrockInvokeConfiguredModels", "bench"),
  InvokeModel: op("bedrock:InvokeModel", "BedrockInvokeConfiguredModels", "bench"),
  ConverseStream: op("bedrock:InvokeModelWithResponseStream", "BedrockInvokeConfiguredModels", "bench"),
  InvokeModelWithResponseStream: op(
    "bedrock:InvokeModelWithResponseStream",
    "BedrockInvokeConfiguredModels",
    "bench",
  ),
  // Lambda: the logs panel reads each function's LoggingConfig.LogFormat (function ARN resources).
  GetFunctionConfiguration: op(
    "lambda:GetFunctionConfiguration",
    "LambdaReadConfiguredFunctions",
    "dashboard",
  ),
  // Service Quotas: the list operations have no resource-level permissions.
  ListServiceQuotas: op("servicequotas:ListServiceQuotas", "ServiceQuotasRead", "dashboard", "alarms"),
  ListAWSDefaultServiceQuotas: op(
    "servicequotas:ListAWSDefaultServiceQuotas",
    "ServiceQuotasRead",
    "dashboard",
    "alarms",
  ),
  // CloudWatch alarms: reads of every alarm for the panel, writes only under the managed prefix.
  DescribeAlarms: op("cloudwatch:DescribeAlarms", "CloudWatchAlarmsRead", "dashboard", "alarms"),
  DescribeAlarmHistory: op("cloudwatch:DescribeAlarmHistory", "CloudWatchAlarmsRead", "dashboard"),
  PutMetricAlarm: op("cloudwatch:PutMetricAlarm", "CloudWatchAlarmsManaged", "alarms"),
  DeleteAlarms: op("cloudwatch:DeleteAlarms", "CloudWatchAlarmsManaged", "alarms"),
  // SNS: the alarm topic only.
  CreateTopic: op("sns:CreateTopic", "SnsAlarmTopic", "alarms"),
  GetTopicAttributes: op("sns:GetTopicAttributes", "SnsAlarmTopic", "alarms"),
  ListSubscriptionsByTopic: op("sns:ListSubscriptionsByTopic", "SnsAlarmTopic", "alarms"),
  Subscribe: op("sns:Subscribe", "SnsAlarmTopic", "alarms"),
  // Observability Access Manager, only with aws.accounts "linked": ListSinks has no resource types,
  // ListAttachedLinks takes the sink's ARN (Service Authorization Reference, Amazon CloudWatch
  // Observability Access Manager).
  ListSinks: op("oam:ListSinks", "OamListSinks", "dashboard"),
  ListAttachedLinks: op("oam:ListAttachedLinks", "OamReadSinkLinks", "dashboard"),
  // STS GetCallerIdentity needs no permission (IAM user guide: "no permissions are required").
  GetCallerIdentity: { action: null, features: ["dashboard", "bench", "budget", "cw-dashboard", "alarms"] },
};

export function parseFeatures(text: string | undefined): Feature[] | string {
  if (text === undefined || text.trim() === "") return [...FEATURES];
  const out: Feature[] = [];
  for (const raw of text.split(",")) {
    const name = raw.trim();
    if (!(FEATURES as readonly string[]).includes(name))
      return `--features: got "${name}"; use a comma-separated list of ${FEATURES.join(", ")}`;
    if (!out.includes(name as Feature)) out.push(name as Feature);
  }
  return out;
}
