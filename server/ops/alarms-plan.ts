/**
 * `alarms setup`, the pure half: the CloudWatch alarms the configuration wants — per model, TPM use
 * above a share of the *applied* quota (threshold in tokens: EstimatedTPMQuotaUsage is an absolute
 * token count, not a percentage), any throttles, p90 latency above the SLO; per function, errors
 * and p90 duration — all notifying one SNS topic; compared with what exists to give an idempotent
 * plan (create / update / delete / unchanged). Only alarms under the configured prefix are managed.
 */
import type { PutMetricAlarmCommandInput } from "@aws-sdk/client-cloudwatch";
import type { AlarmsConfig } from "../config.ts";
import type { ModelQuotas } from "../sources/quotas.ts";

export type ChangeKind = "create" | "update" | "delete" | "unchanged";

export interface AlarmStep {
  change: ChangeKind;
  /** "alarm <name>", "topic <name>", "subscription <email>". */
  subject: string;
  before?: string;
  after?: string;
  /** The write this step needs (absent for unchanged). */
  operation?: "PutMetricAlarm" | "DeleteAlarms" | "CreateTopic" | "Subscribe";
  alarm?: PutMetricAlarmCommandInput;
  email?: string;
}

export interface AlarmPlan {
  topicArn: string | null;
  steps: AlarmStep[];
  warnings: string[];
}

/** An alarm as DescribeAlarms returns it (the fields the plan compares). */
export interface ObservedAlarm {
  AlarmName?: string | undefined;
  AlarmDescription?: string | undefined;
  Namespace?: string | undefined;
  MetricName?: string | undefined;
  Dimensions?: Array<{ Name?: string | undefined; Value?: string | undefined }> | undefined;
  Statistic?: string | undefined;
  ExtendedStatistic?: string | undefined;
  Period?: number | undefined;
  EvaluationPeriods?: number | undefined;
  DatapointsToAlarm?: number | undefined;
  Threshold?: number | undefined;
  ComparisonOperator?: string | undefined;
  TreatMissingData?: string | undefined;
  ActionsEnabled?: boolean | undefined;
  AlarmActions?: string[] | undefined;
  OKActions?: string[] | undefined;
}

export interface ObservedTopic {
  /** The topic's ARN when it exists. */
  arn: string | null;
  /** E-mail endpoints already subscribed (confirmed or pending), lower-case. */
  emails: string[];
}

export interface AlarmTargets {
  models: ReadonlyArray<{ modelId: string; label: string }>;
  functions: readonly string[];
  quotas: readonly ModelQuotas[];
}

function base(
  name: string,
  description: string,
  namespace: string,
  metric: string,
  dimension: [string, string],
  topic: string | null,
): PutMetricAlarmCommandInput {
  return {
    AlarmName: name,
    AlarmDescription: description,
    Namespace: namespace,
    MetricName: metric,
    Dimensions: [{ Name: dimension[0], Value: dimension[1] }],
    ActionsEnabled: true,
    AlarmActions: topic ? [topic] : [],
    OKActions: topic ? [topic] : [],
    TreatMissingData: "notBreaching",
  };
}

/** Every alarm the configuration wants, in a stable order, and what could not be planned. */
export function desiredAlarms(
  cfg: AlarmsConfig,
  targets: AlarmTargets,
  topic: string | null,
): { alarms: PutMetricAlarmCommandInput[]; warnings: string[] } {
  const alarms: PutMetricAlarmCommandInput[] = [];
  const warnings: string[] = [];
  for (const { modelId, label } of targets.models) {
    const dim: [string, string] = ["ModelId", modelId];
    const quota = targets.quotas.find((q) => q.modelId === modelId)?.tpm;
    if (quota) {
      const threshold = Math.round((quota.value * cfg.tpmPercent) / 100);
      alarms.push({
        ...base(
          `${cfg.prefix}-bedrock-${modelId}-tpm`,
          `${label}: EstimatedTPMQuotaUsage (tokens a minute) at or above ${cfg.tpmPercent}% of the applied quota ${quota.code} "${quota.name}" = ${quota.value}, i.e. ${threshold} tokens, in 2 of 3 minutes. Managed by bedrock-ops alarms setup; recomputed when the quota changes.`,
          "AWS/Bedrock",
          "EstimatedTPMQuotaUsage",
          dim,
          topic,
        ),
        Statistic: "Sum",
        Period: 60,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 2,
        Threshold: threshold,
        ComparisonOperator: "GreaterThanOrEqualToThreshold",
      });
    } else
      warnings.push(
        `${modelId}: no tokens-per-minute quota found in Service Quotas, so no TPM alarm (its throttle and latency alarms are still set)`,
      );
    alarms.push({
      ...base(
        `${cfg.prefix}-bedrock-${modelId}-throttles`,
        `${label}: any InvocationThrottles in a minute. Managed by bedrock-ops alarms setup.`,
        "AWS/Bedrock",
        "InvocationThrottles",
        dim,
        topic,
      ),
      Statistic: "Sum",
      Period: 60,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      Threshold: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
    });
    alarms.push({
      ...base(
        `${cfg.prefix}-bedrock-${modelId}-latency-p90`,
        `${label}: InvocationLatency p90 above the ${cfg.latencyP90Ms} ms SLO in 2 of 3 five-minute periods. Managed by bedrock-ops alarms setup.`,
        "AWS/Bedrock",
        "InvocationLatency",
        dim,
        topic,
      ),
      ExtendedStatistic: "p90",
      Period: 300,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      Threshold: cfg.latencyP90Ms,
      ComparisonOperator: "GreaterThanThreshold",
    });
  }
  for (const fn of targets.functions) {
    const dim: [string, string] = ["FunctionName", fn];
    alarms.push({
      ...base(
        `${cfg.prefix}-lambda-${fn}-errors`,
        `${fn}: any Errors in five minutes. Managed by bedrock-ops alarms setup.`,
        "AWS/Lambda",
        "Errors",
        dim,
        topic,
      ),
      Statistic: "Sum",
      Period: 300,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      Threshold: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
    });
    alarms.push({
      ...base(
        `${cfg.prefix}-lambda-${fn}-duration-p90`,
        `${fn}: Duration p90 above ${cfg.durationP90Ms} ms in 2 of 3 five-minute periods. Managed by bedrock-ops alarms setup.`,
        "AWS/Lambda",
        "Duration",
        dim,
        topic,
      ),
      ExtendedStatistic: "p90",
      Period: 300,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      Threshold: cfg.durationP90Ms,
      ComparisonOperator: "GreaterThanThreshold",
    });
  }
  return { alarms, warnings };
}

const COMPARED = [
  "AlarmDescription",
  "Namespace",
  "MetricName",
  "Statistic",
  "ExtendedStatistic",
  "Period",
  "EvaluationPeriods",
  "DatapointsToAlarm",
  "Threshold",
  "ComparisonOperator",
  "TreatMissingData",
  "ActionsEnabled",
] as const;

/** The fields where the observed alarm differs from the wanted one, as "field: before -> after". */
export function alarmDiff(have: ObservedAlarm, want: PutMetricAlarmCommandInput): string[] {
  const out: string[] = [];
  for (const k of COMPARED) {
    const a = have[k];
    const b = want[k];
    if ((a ?? null) !== (b ?? null)) out.push(`${k}: ${a ?? "(none)"} -> ${b ?? "(none)"}`);
  }
  const dims = (d: ObservedAlarm["Dimensions"]) =>
    JSON.stringify((d ?? []).map((x) => `${x.Name}=${x.Value}`).sort());
  if (dims(have.Dimensions) !== dims(want.Dimensions)) out.push("Dimensions");
  const list = (l: string[] | undefined) => JSON.stringify([...(l ?? [])].sort());
  if (list(have.AlarmActions) !== list(want.AlarmActions)) out.push("AlarmActions");
  if (list(have.OKActions) !== list(want.OKActions)) out.push("OKActions");
  return out;
}

export interface PlanInput {
  cfg: AlarmsConfig;
  targets: AlarmTargets;
  existing: readonly ObservedAlarm[];
  topic: ObservedTopic;
}

/** Compare the wanted topic, subscriptions and alarms with what exists. */
export function planAlarms(input: PlanInput): AlarmPlan {
  const { cfg } = input;
  const steps: AlarmStep[] = [];
  const warnings: string[] = [];
  const topicArn = cfg.topicArn ?? input.topic.arn;
  if (cfg.topicArn)
    steps.push({
      change: "unchanged",
      subject: `topic ${cfg.topicArn}`,
      after: "existing topic from config",
    });
  else if (input.topic.arn)
    steps.push({ change: "unchanged", subject: `topic ${cfg.topicName}`, after: input.topic.arn });
  else steps.push({ change: "create", subject: `topic ${cfg.topicName}`, operation: "CreateTopic" });
  for (const email of cfg.emails) {
    const have = input.topic.emails.includes(email.toLowerCase());
    steps.push(
      have
        ? { change: "unchanged", subject: `subscription ${email}` }
        : {
            change: "create",
            subject: `subscription ${email}`,
            after: "e-mail (AWS sends a confirmation link)",
            operation: "Subscribe",
            email,
          },
    );
  }
  if (cfg.emails.length === 0 && !cfg.topicArn)
    warnings.push(
      "alarms.emails is empty: the topic has no subscriber, so nobody is told; add e-mails or a topicArn",
    );
  // A topic still to create has no ARN yet: the dry-run plan names it by its name; apply re-plans with the real ARN.
  const want = desiredAlarms(cfg, input.targets, topicArn ?? `arn:aws:sns:::${cfg.topicName}`);
  warnings.push(...want.warnings);
  const byName = new Map(input.existing.map((a) => [a.AlarmName ?? "", a]));
  for (const alarm of want.alarms) {
    const have = byName.get(alarm.AlarmName!);
    const subject = `alarm ${alarm.AlarmName}`;
    const after = `${alarm.MetricName} ${alarm.Statistic ?? alarm.ExtendedStatistic} ${alarm.ComparisonOperator === "GreaterThanThreshold" ? ">" : ">="} ${alarm.Threshold}`;
    if (!have) steps.push({ change: "create", subject, after, operation: "PutMetricAlarm", alarm });
    else {
      const diff = topicArn ? alarmDiff(have, alarm) : ["AlarmActions"];
      steps.push(
        diff.length === 0
          ? { change: "unchanged", subject, after }
          : { change: "update", subject, before: diff.join("; "), after, operation: "PutMetricAlarm", alarm },
      );
    }
  }
  const wanted = new Set(want.alarms.map((a) => a.AlarmName));
  for (const a of input.existing)
    if (a.AlarmName?.startsWith(`${cfg.prefix}-`) && !wanted.has(a.AlarmName))
      steps.push({
        change: "delete",
        subject: `alarm ${a.AlarmName}`,
        before: "no longer in the configuration",
        operation: "DeleteAlarms",
      });
  return { topicArn, steps, warnings };
}

const SIGN: Record<ChangeKind, string> = { create: "+", update: "~", delete: "-", unchanged: "=" };

export function formatAlarmPlan(plan: AlarmPlan): string {
  const lines = plan.steps.map((s) => {
    const detail =
      s.before && s.after
        ? `: ${s.before} -> ${s.after}`
        : s.after
          ? `: ${s.after}`
          : s.before
            ? `: ${s.before}`
            : "";
    return `${SIGN[s.change]} ${s.change.padEnd(9)} ${s.subject}${detail}`;
  });
  return [...lines, ...plan.warnings.map((w) => `! ${w}`)].join("\n");
}

export function countAlarmChanges(plan: AlarmPlan): Record<ChangeKind, number> {
  const counts: Record<ChangeKind, number> = { create: 0, update: 0, delete: 0, unchanged: 0 };
  for (const s of plan.steps) counts[s.change]++;
  return counts;
}
