/**
 * `alarms setup`, the I/O half: read the applied quotas (Service Quotas), the managed alarms
 * (DescribeAlarms under the prefix), the SNS topic and its e-mail subscriptions; plan; and unless
 * it is a dry run, create the topic, subscribe the e-mails and put or delete the alarms. AWS errors
 * become messages naming the IAM action that is missing.
 */
import {
  type CloudWatchClient,
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  type MetricAlarm,
  PutMetricAlarmCommand,
} from "@aws-sdk/client-cloudwatch";
import {
  CreateTopicCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  type SNSClient,
  SubscribeCommand,
} from "@aws-sdk/client-sns";
import type { AwsClients } from "../aws/clients.ts";
import { bedrockRegion, type Config, invokeModelId, lambdaRegion } from "../config.ts";
import { SourceError } from "../sources/errors.ts";
import { fetchQuotas } from "../sources/quotas.ts";
import { type AlarmPlan, type AlarmStep, type ObservedTopic, planAlarms } from "./alarms-plan.ts";
import { errorFacts, isAccessDenied, isNotFound } from "./aws-errors.ts";
import { resolveAccountId } from "./budget-apply.ts";

/** IAM action of each call `alarms setup` makes. */
export const ALARM_PERMISSIONS: Readonly<Record<string, string>> = {
  DescribeAlarms: "cloudwatch:DescribeAlarms",
  PutMetricAlarm: "cloudwatch:PutMetricAlarm",
  DeleteAlarms: "cloudwatch:DeleteAlarms",
  CreateTopic: "sns:CreateTopic",
  Subscribe: "sns:Subscribe",
  GetTopicAttributes: "sns:GetTopicAttributes",
  ListSubscriptionsByTopic: "sns:ListSubscriptionsByTopic",
  ListServiceQuotas: "servicequotas:ListServiceQuotas",
  ListAWSDefaultServiceQuotas: "servicequotas:ListAWSDefaultServiceQuotas",
};

export class AlarmsSetupError extends Error {
  override readonly name = "AlarmsSetupError";
  constructor(
    message: string,
    readonly permission?: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

async function call<T>(operation: string, target: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof SourceError && err.permission)
      throw new AlarmsSetupError(
        `${operation} was denied: grant ${err.permission} (see \`bedrock-ops iam-policy --features alarms\`)`,
        err.permission,
        err,
      );
    const facts = errorFacts(err);
    const permission = ALARM_PERMISSIONS[operation];
    if (isAccessDenied(facts) && permission)
      throw new AlarmsSetupError(
        `${operation} on ${target} was denied (${facts.name}): grant ${permission} (see \`bedrock-ops iam-policy --features alarms\`)`,
        permission,
        err,
      );
    throw new AlarmsSetupError(
      `${operation} on ${target} failed: ${facts.name}: ${facts.message}`,
      undefined,
      err,
    );
  }
}

async function managedAlarms(cw: CloudWatchClient, prefix: string): Promise<MetricAlarm[]> {
  const out: MetricAlarm[] = [];
  let token: string | undefined;
  do {
    const page = await call("DescribeAlarms", `alarms ${prefix}-*`, () =>
      cw.send(
        new DescribeAlarmsCommand({
          AlarmNamePrefix: `${prefix}-`,
          AlarmTypes: ["MetricAlarm"],
          MaxRecords: 100,
          ...(token ? { NextToken: token } : {}),
        }),
      ),
    );
    out.push(...(page.MetricAlarms ?? []));
    token = page.NextToken;
  } while (token);
  return out;
}

async function observeTopic(sns: SNSClient, arn: string): Promise<ObservedTopic> {
  try {
    await sns.send(new GetTopicAttributesCommand({ TopicArn: arn }));
  } catch (err) {
    if (isNotFound(errorFacts(err))) return { arn: null, emails: [] };
    await call("GetTopicAttributes", arn, () => Promise.reject(err));
  }
  const emails: string[] = [];
  let token: string | undefined;
  do {
    const page = await call("ListSubscriptionsByTopic", arn, () =>
      sns.send(
        new ListSubscriptionsByTopicCommand({ TopicArn: arn, ...(token ? { NextToken: token } : {}) }),
      ),
    );
    for (const s of page.Subscriptions ?? [])
      if (s.Protocol === "email" && s.Endpoint) emails.push(s.Endpoint.toLowerCase());
    token = page.NextToken;
  } while (token);
  return { arn, emails };
}

export interface AlarmsSetupResult {
  region: string;
  plan: AlarmPlan;
  applied: AlarmStep[];
}

export async function alarmsSetup(
  clients: AwsClients,
  config: Config,
  options: { dryRun: boolean },
): Promise<AlarmsSetupResult> {
  const cfg = config.alarms;
  const region = bedrockRegion(config);
  const cw = clients.cloudwatch({ region });
  const sns = clients.sns({ region });
  const quotas = await call("ListServiceQuotas", "service code bedrock", () =>
    fetchQuotas(clients.serviceQuotas({ region }), config, region),
  );
  const sameRegion = lambdaRegion(config) === region;
  const targets = {
    models: config.bedrock.models.map((m) => ({ modelId: invokeModelId(m), label: m.label ?? m.id })),
    functions: sameRegion ? config.lambda.functions.map((f) => f.name) : [],
    quotas: quotas.models,
  };
  const existing = await managedAlarms(cw, cfg.prefix);
  const topicArn =
    cfg.topicArn ??
    `arn:aws:sns:${region}:${await resolveAccountId(config.aws.accountId, clients.sts())}:${cfg.topicName}`;
  const topic = await observeTopic(sns, topicArn);
  let plan = planAlarms({ cfg, targets, existing, topic });
  if (!sameRegion)
    plan.warnings.push(
      `Lambda alarms skipped: the functions are in ${lambdaRegion(config)} and the alarms and topic in ${region}; an alarm's SNS topic must be in the alarm's Region`,
    );
  if (cfg.topicArn && !topic.arn)
    throw new AlarmsSetupError(
      `alarms.topicArn ${cfg.topicArn} does not exist (GetTopicAttributes: NotFound); fix it or remove it to let setup create ${cfg.topicName}`,
    );
  const applied: AlarmStep[] = [];
  if (options.dryRun) return { region, plan, applied };
  const create = plan.steps.find((s) => s.operation === "CreateTopic");
  if (create) {
    const out = await call("CreateTopic", cfg.topicName, () =>
      sns.send(new CreateTopicCommand({ Name: cfg.topicName })),
    );
    applied.push(create);
    const warnings = plan.warnings;
    plan = planAlarms({ cfg, targets, existing, topic: { arn: out.TopicArn ?? topicArn, emails: [] } });
    plan.warnings = warnings;
    plan.steps = plan.steps.map((s) => (s.subject.startsWith("topic ") ? create : s));
  }
  const arn = plan.topicArn!;
  for (const step of plan.steps) {
    if (step.operation === "Subscribe" && step.email) {
      await call("Subscribe", arn, () =>
        sns.send(new SubscribeCommand({ TopicArn: arn, Protocol: "email", Endpoint: step.email! })),
      );
      applied.push(step);
    } else if (step.operation === "PutMetricAlarm" && step.alarm) {
      await call("PutMetricAlarm", step.alarm.AlarmName!, () =>
        cw.send(new PutMetricAlarmCommand(step.alarm!)),
      );
      applied.push(step);
    }
  }
  const deletes = plan.steps.filter((s) => s.operation === "DeleteAlarms");
  if (deletes.length > 0) {
    const names = deletes.map((s) => s.subject.replace(/^alarm /, ""));
    for (let i = 0; i < names.length; i += 100) {
      const batch = names.slice(i, i + 100);
      await call("DeleteAlarms", batch.join(", "), () =>
        cw.send(new DeleteAlarmsCommand({ AlarmNames: batch })),
      );
    }
    applied.push(...deletes);
  }
  return { region, plan, applied };
}

/** The CloudWatch console page listing the managed alarms. */
export function alarmsConsoleUrl(region: string, prefix: string): string {
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#alarmsV2:?search=${encodeURIComponent(prefix)}`;
}
