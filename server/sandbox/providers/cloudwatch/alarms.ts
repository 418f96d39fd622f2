/**
 * The sandbox's CloudWatch metric alarms: PutMetricAlarm, DescribeAlarms, DescribeAlarmsForMetric,
 * DescribeAlarmHistory, DeleteAlarms, SetAlarmState. Alarms really evaluate the sandbox's metrics
 * on its clock (alarm-eval.ts): before every alarm operation each alarm is evaluated at every period
 * boundary it has not seen yet (at most a day of them), and each state change writes a StateUpdate
 * history item (plus an Action item per notified ARN when actions are enabled), the way AWS writes
 * them. Shapes: CloudWatch API reference (MetricAlarm, AlarmHistoryItem) and the AWS CLI example
 * of describe-alarm-history (aws/aws-cli awscli/examples/cloudwatch/describe-alarm-history.rst);
 * fixture test/fixtures/alarms/describe-alarm-history.json. Metric-math alarms (Metrics) are not
 * evaluated by the sandbox and are refused with a message saying so.
 */
import { AwsError } from "../../core/errors.ts";
import {
  type AlarmRule,
  type AlarmState,
  datapoints,
  evaluate,
  OPERATORS,
  type Operator,
} from "./alarm-eval.ts";
import type { MetricsBackend } from "./get-metric-data.ts";
import { validatePeriod } from "./periods.ts";
import type { Dimension } from "./series.ts";
import { parseStatistic } from "./stats.ts";
import {
  type Input,
  invalidValue,
  missingParameter,
  optionalArray,
  optionalNumber,
  optionalString,
  optionalTime,
  readDimensions,
  requiredString,
  validationError,
} from "./validation.ts";

const STATES = new Set(["OK", "ALARM", "INSUFFICIENT_DATA"]);
const BASIC = new Set(["SampleCount", "Average", "Sum", "Minimum", "Maximum"]);
const MISSING = new Set(["missing", "notBreaching", "breaching", "ignore"]);
const HISTORY_LIMIT = 20_000;
/** AWS keeps alarm history for two weeks. */
const HISTORY_MS = 14 * 86_400_000;
const MAX_EVALUATIONS = 1_440;

interface Alarm {
  name: string;
  arn: string;
  description?: string;
  namespace: string;
  metricName: string;
  dimensions: Dimension[];
  statistic?: string;
  extendedStatistic?: string;
  rule: AlarmRule;
  actionsEnabled: boolean;
  alarmActions: string[];
  okActions: string[];
  insufficientDataActions: string[];
  state: AlarmState;
  stateReason: string;
  stateReasonData?: string;
  stateUpdated: number;
  stateTransitioned: number;
  configurationUpdated: number;
  /** The last period boundary evaluated (epoch ms). */
  evaluatedAt: number;
  tags: Array<{ Key: string; Value: string }>;
}

interface HistoryItem {
  AlarmName: string;
  AlarmType: "MetricAlarm";
  Timestamp: number;
  HistoryItemType: "ConfigurationUpdate" | "StateUpdate" | "Action";
  HistorySummary: string;
  HistoryData: string;
}

function strings(input: Input, key: string): string[] {
  return (optionalArray(input, key) ?? []).map((v, i) => {
    if (typeof v !== "string")
      throw invalidValue(`The value for parameter ${key}.member.${i + 1} must be a string.`);
    return v;
  });
}

function page<T>(items: T[], input: Input, max = 100): { items: T[]; next?: string } {
  const limit = optionalNumber(input, "MaxRecords") ?? max;
  if (!Number.isInteger(limit) || limit < 1 || limit > max)
    throw invalidValue(`The parameter MaxRecords must be between 1 and ${max}.`);
  const token = optionalString(input, "NextToken");
  let offset = 0;
  if (token !== undefined) {
    offset = Number(Buffer.from(token, "base64").toString("utf8"));
    if (!Number.isInteger(offset) || offset < 0 || offset > items.length)
      throw new AwsError(
        "InvalidNextToken",
        "The service couldn't process the NextToken.",
        400,
        "InvalidNextToken",
      );
  }
  const slice = items.slice(offset, offset + limit);
  return offset + limit < items.length
    ? { items: slice, next: Buffer.from(String(offset + limit)).toString("base64") }
    : { items: slice };
}

export class Alarms {
  private readonly alarms = new Map<string, Alarm>();
  private history: HistoryItem[] = [];

  constructor(
    private readonly backend: MetricsBackend,
    private readonly accountId: string,
  ) {}

  clear(): void {
    this.alarms.clear();
    this.history = [];
  }

  put(input: Input, region: string): Record<string, never> {
    const name = requiredString(input, "AlarmName");
    if (name.length > 255) throw invalidValue("The parameter AlarmName must be at most 255 characters.");
    if (input.Metrics !== undefined)
      throw validationError(
        "The bedrock-ops sandbox does not evaluate metric-math alarms (Metrics); give MetricName, Namespace, Statistic and Period.",
      );
    const namespace = requiredString(input, "Namespace");
    const metricName = requiredString(input, "MetricName");
    const dimensions = readDimensions(input.Dimensions, "Dimensions");
    const statistic = optionalString(input, "Statistic");
    const extended = optionalString(input, "ExtendedStatistic");
    if ((statistic === undefined) === (extended === undefined))
      throw new AwsError(
        "InvalidParameterCombinationException",
        "Exactly one of Statistic or ExtendedStatistic must be specified.",
        400,
        "InvalidParameterCombination",
      );
    if (statistic !== undefined && !BASIC.has(statistic))
      throw invalidValue(
        `The value ${statistic} for parameter Statistic is invalid. Use SampleCount, Average, Sum, Minimum or Maximum.`,
      );
    if (extended !== undefined && (!parseStatistic(extended) || BASIC.has(extended)))
      throw invalidValue(`The value ${extended} for parameter ExtendedStatistic is invalid.`);
    const period = optionalNumber(input, "Period");
    if (period === undefined) throw missingParameter("Period");
    validatePeriod(period, "Period");
    const evaluationPeriods = optionalNumber(input, "EvaluationPeriods");
    if (evaluationPeriods === undefined) throw missingParameter("EvaluationPeriods");
    if (!Number.isInteger(evaluationPeriods) || evaluationPeriods < 1)
      throw invalidValue("The parameter EvaluationPeriods must be greater than or equal to 1.");
    const toAlarm = optionalNumber(input, "DatapointsToAlarm") ?? evaluationPeriods;
    if (!Number.isInteger(toAlarm) || toAlarm < 1 || toAlarm > evaluationPeriods)
      throw validationError("DatapointsToAlarm must be between 1 and EvaluationPeriods.");
    if (period * evaluationPeriods > 86_400)
      throw validationError("The product of EvaluationPeriods and Period must not exceed 86400 (one day).");
    const operator = requiredString(input, "ComparisonOperator");
    if (!(operator in OPERATORS))
      throw validationError(
        `The value ${operator} for ComparisonOperator is not supported by the sandbox; use GreaterThanOrEqualToThreshold, GreaterThanThreshold, LessThanThreshold or LessThanOrEqualToThreshold.`,
      );
    const threshold = optionalNumber(input, "Threshold");
    if (threshold === undefined) throw missingParameter("Threshold");
    const treat = optionalString(input, "TreatMissingData") ?? "missing";
    if (!MISSING.has(treat))
      throw validationError("TreatMissingData must be one of missing, notBreaching, breaching, ignore.");
    const unit = optionalString(input, "Unit");
    const now = this.backend.now();
    const existing = this.alarms.get(name);
    const tags = (optionalArray(input, "Tags") ?? []).map((t) => {
      const tag = t as { Key?: unknown; Value?: unknown };
      return { Key: String(tag.Key ?? ""), Value: String(tag.Value ?? "") };
    });
    const rule: AlarmRule = {
      stat: statistic ?? extended!,
      periodSeconds: period,
      evaluationPeriods,
      datapointsToAlarm: toAlarm,
      threshold,
      operator: operator as Operator,
      treatMissingData: treat as AlarmRule["treatMissingData"],
      ...(unit ? { unit } : {}),
    };
    const alarm: Alarm = {
      name,
      arn: `arn:aws:cloudwatch:${region}:${this.accountId}:alarm:${name}`,
      namespace,
      metricName,
      dimensions,
      rule,
      actionsEnabled: input.ActionsEnabled === undefined ? true : input.ActionsEnabled === true,
      alarmActions: strings(input, "AlarmActions"),
      okActions: strings(input, "OKActions"),
      insufficientDataActions: strings(input, "InsufficientDataActions"),
      // An update leaves the state unchanged; a new alarm starts INSUFFICIENT_DATA.
      state: existing?.state ?? "INSUFFICIENT_DATA",
      stateReason: existing?.stateReason ?? "Unchecked: Initial alarm creation",
      stateUpdated: existing?.stateUpdated ?? now,
      stateTransitioned: existing?.stateTransitioned ?? now,
      configurationUpdated: now,
      // A new alarm is evaluated at once; an updated one at its next period boundary.
      evaluatedAt: existing?.evaluatedAt ?? Math.floor(now / (period * 1000)) * period * 1000 - period * 1000,
      tags: tags.length > 0 ? tags : (existing?.tags ?? []),
    };
    const description = optionalString(input, "AlarmDescription");
    if (description !== undefined) alarm.description = description;
    if (statistic !== undefined) alarm.statistic = statistic;
    if (extended !== undefined) alarm.extendedStatistic = extended;
    if (existing?.stateReasonData) alarm.stateReasonData = existing.stateReasonData;
    this.alarms.set(name, alarm);
    this.record({
      AlarmName: name,
      AlarmType: "MetricAlarm",
      Timestamp: now,
      HistoryItemType: "ConfigurationUpdate",
      HistorySummary: `Alarm "${name}" ${existing ? "updated" : "created"}`,
      HistoryData: JSON.stringify({
        version: "1.0",
        type: existing ? "Update" : "Create",
        [existing ? "updatedAlarm" : "createdAlarm"]: this.configOf(alarm),
      }),
    });
    this.advance(alarm, now);
    return {};
  }

  describe(input: Input) {
    this.advanceAll();
    const names = strings(input, "AlarmNames");
    const prefix = optionalString(input, "AlarmNamePrefix");
    if (names.length > 0 && prefix !== undefined)
      throw new AwsError(
        "InvalidParameterCombinationException",
        "AlarmNames and AlarmNamePrefix cannot be specified together.",
        400,
        "InvalidParameterCombination",
      );
    const state = optionalString(input, "StateValue");
    if (state !== undefined && !STATES.has(state))
      throw invalidValue(`The value ${state} for parameter StateValue is invalid.`);
    const actionPrefix = optionalString(input, "ActionPrefix");
    const types = strings(input, "AlarmTypes");
    const list = [...this.alarms.values()]
      .filter((a) => names.length === 0 || names.includes(a.name))
      .filter((a) => prefix === undefined || a.name.startsWith(prefix))
      .filter((a) => state === undefined || a.state === state)
      .filter(
        (a) =>
          actionPrefix === undefined ||
          [...a.alarmActions, ...a.okActions, ...a.insufficientDataActions].some((x) =>
            x.startsWith(actionPrefix),
          ),
      )
      .sort((a, b) => a.name.localeCompare(b.name));
    const wantMetric = types.length === 0 || types.includes("MetricAlarm");
    const { items, next } = page(wantMetric ? list : [], input);
    return {
      MetricAlarms: items.map((a) => this.view(a)),
      ...(types.includes("CompositeAlarm") ? { CompositeAlarms: [] } : {}),
      ...(next ? { NextToken: next } : {}),
    };
  }

  forMetric(input: Input) {
    this.advanceAll();
    const namespace = requiredString(input, "Namespace");
    const metricName = requiredString(input, "MetricName");
    const dims = input.Dimensions === undefined ? undefined : readDimensions(input.Dimensions, "Dimensions");
    const statistic = optionalString(input, "Statistic");
    const extended = optionalString(input, "ExtendedStatistic");
    const period = optionalNumber(input, "Period");
    const key = (d: Dimension[]) => JSON.stringify([...d].sort((a, b) => a.Name.localeCompare(b.Name)));
    const list = [...this.alarms.values()].filter(
      (a) =>
        a.namespace === namespace &&
        a.metricName === metricName &&
        (dims === undefined || key(dims) === key(a.dimensions)) &&
        (statistic === undefined || a.statistic === statistic) &&
        (extended === undefined || a.extendedStatistic === extended) &&
        (period === undefined || a.rule.periodSeconds === period),
    );
    return { MetricAlarms: list.map((a) => this.view(a)) };
  }

  historyOf(input: Input) {
    this.advanceAll();
    const name = optionalString(input, "AlarmName");
    const type = optionalString(input, "HistoryItemType");
    if (type !== undefined && !["ConfigurationUpdate", "StateUpdate", "Action"].includes(type))
      throw invalidValue(`The value ${type} for parameter HistoryItemType is invalid.`);
    const start = optionalTime(input, "StartDate");
    const end = optionalTime(input, "EndDate");
    const scan = optionalString(input, "ScanBy") ?? "TimestampDescending";
    const items = this.history
      .filter((h) => name === undefined || h.AlarmName === name)
      .filter((h) => type === undefined || h.HistoryItemType === type)
      .filter(
        (h) => (start === undefined || h.Timestamp >= start) && (end === undefined || h.Timestamp <= end),
      )
      .sort((a, b) =>
        scan === "TimestampAscending" ? a.Timestamp - b.Timestamp : b.Timestamp - a.Timestamp,
      );
    const { items: slice, next } = page(items, input);
    return {
      AlarmHistoryItems: slice.map((h) => ({ ...h, Timestamp: new Date(h.Timestamp) })),
      ...(next ? { NextToken: next } : {}),
    };
  }

  delete(input: Input): Record<string, never> {
    const names = strings(input, "AlarmNames");
    if (names.length === 0) throw missingParameter("AlarmNames");
    if (names.length > 100) throw invalidValue("The parameter AlarmNames must contain at most 100 names.");
    const missing = names.filter((n) => !this.alarms.has(n));
    if (missing.length > 0)
      throw new AwsError(
        "ResourceNotFound",
        `Alarm ${missing.join(", ")} does not exist.`,
        404,
        "ResourceNotFound",
      );
    const now = this.backend.now();
    for (const n of names) {
      const alarm = this.alarms.get(n)!;
      this.alarms.delete(n);
      this.record({
        AlarmName: n,
        AlarmType: "MetricAlarm",
        Timestamp: now,
        HistoryItemType: "ConfigurationUpdate",
        HistorySummary: `Alarm "${n}" deleted`,
        HistoryData: JSON.stringify({ version: "1.0", type: "Delete", deletedAlarm: this.configOf(alarm) }),
      });
    }
    return {};
  }

  setState(input: Input): Record<string, never> {
    const name = requiredString(input, "AlarmName");
    const state = requiredString(input, "StateValue");
    if (!STATES.has(state)) throw invalidValue(`The value ${state} for parameter StateValue is invalid.`);
    const reason = requiredString(input, "StateReason");
    const data = optionalString(input, "StateReasonData");
    if (data !== undefined) {
      try {
        JSON.parse(data);
      } catch {
        throw new AwsError("InvalidFormat", "StateReasonData is not valid JSON.", 400, "InvalidFormat");
      }
    }
    const alarm = this.alarms.get(name);
    if (!alarm)
      throw new AwsError("ResourceNotFound", `Alarm ${name} does not exist.`, 404, "ResourceNotFound");
    this.advance(alarm, this.backend.now());
    this.transition(alarm, state as AlarmState, reason, data, this.backend.now());
    return {};
  }

  /** Evaluate every alarm up to now. */
  advanceAll(): void {
    const now = this.backend.now();
    for (const alarm of this.alarms.values()) this.advance(alarm, now);
  }

  private advance(alarm: Alarm, now: number): void {
    const step = alarm.rule.periodSeconds * 1000;
    const last = Math.floor(now / step) * step;
    let t = Math.max(alarm.evaluatedAt + step, last - (MAX_EVALUATIONS - 1) * step);
    const source = this.backend.source({
      Namespace: alarm.namespace,
      MetricName: alarm.metricName,
      Dimensions: alarm.dimensions,
    });
    for (; t <= last; t += step) {
      const verdict = evaluate(datapoints(source, alarm.rule, t), alarm.rule, alarm.state, t);
      alarm.evaluatedAt = t;
      if (verdict.state && verdict.state !== alarm.state)
        this.transition(alarm, verdict.state, verdict.reason, JSON.stringify(verdict.reasonData), t);
      // An alarm that stays in its state keeps the reason of the transition that put it there.
    }
  }

  private transition(
    alarm: Alarm,
    state: AlarmState,
    reason: string,
    data: string | undefined,
    at: number,
  ): void {
    const old = { stateValue: alarm.state, stateReason: alarm.stateReason };
    const newState: Record<string, unknown> = { stateValue: state, stateReason: reason };
    if (data !== undefined) newState.stateReasonData = JSON.parse(data);
    const changed = state !== alarm.state;
    alarm.state = state;
    alarm.stateReason = reason;
    if (data !== undefined) alarm.stateReasonData = data;
    else delete alarm.stateReasonData;
    alarm.stateUpdated = at;
    if (changed) alarm.stateTransitioned = at;
    this.record({
      AlarmName: alarm.name,
      AlarmType: "MetricAlarm",
      Timestamp: at,
      HistoryItemType: "StateUpdate",
      HistorySummary: `Alarm updated from ${old.stateValue} to ${state}`,
      HistoryData: JSON.stringify({ version: "1.0", oldState: old, newState }),
    });
    if (!changed || !alarm.actionsEnabled) return;
    const actions =
      state === "ALARM"
        ? alarm.alarmActions
        : state === "OK"
          ? alarm.okActions
          : alarm.insufficientDataActions;
    for (const arn of actions)
      this.record({
        AlarmName: alarm.name,
        AlarmType: "MetricAlarm",
        Timestamp: at + 1,
        HistoryItemType: "Action",
        HistorySummary: `Successfully executed action ${arn}`,
        HistoryData: JSON.stringify({
          actionState: "Succeeded",
          notificationResource: arn,
          stateUpdateTimestamp: at,
        }),
      });
  }

  private record(item: HistoryItem): void {
    this.history.push(item);
    const oldest = item.Timestamp - HISTORY_MS;
    if (this.history.length > HISTORY_LIMIT || (this.history[0]?.Timestamp ?? oldest) < oldest)
      this.history = this.history.filter((h) => h.Timestamp >= oldest).slice(-HISTORY_LIMIT);
  }

  private configOf(a: Alarm): Record<string, unknown> {
    const v = this.view(a);
    for (const k of [
      "StateValue",
      "StateReason",
      "StateReasonData",
      "StateUpdatedTimestamp",
      "StateTransitionedTimestamp",
    ])
      delete v[k];
    return v;
  }

  private view(a: Alarm): Record<string, unknown> {
    return {
      AlarmName: a.name,
      AlarmArn: a.arn,
      ...(a.description !== undefined ? { AlarmDescription: a.description } : {}),
      AlarmConfigurationUpdatedTimestamp: new Date(a.configurationUpdated),
      ActionsEnabled: a.actionsEnabled,
      OKActions: a.okActions,
      AlarmActions: a.alarmActions,
      InsufficientDataActions: a.insufficientDataActions,
      StateValue: a.state,
      StateReason: a.stateReason,
      ...(a.stateReasonData !== undefined ? { StateReasonData: a.stateReasonData } : {}),
      StateUpdatedTimestamp: new Date(a.stateUpdated),
      MetricName: a.metricName,
      Namespace: a.namespace,
      ...(a.statistic !== undefined ? { Statistic: a.statistic } : {}),
      ...(a.extendedStatistic !== undefined ? { ExtendedStatistic: a.extendedStatistic } : {}),
      Dimensions: a.dimensions,
      Period: a.rule.periodSeconds,
      ...(a.rule.unit ? { Unit: a.rule.unit } : {}),
      EvaluationPeriods: a.rule.evaluationPeriods,
      DatapointsToAlarm: a.rule.datapointsToAlarm,
      Threshold: a.rule.threshold,
      ComparisonOperator: a.rule.operator,
      TreatMissingData: a.rule.treatMissingData,
      StateTransitionedTimestamp: new Date(a.stateTransitioned),
    };
  }
}
