/**
 * The managed CloudWatch alarms (name prefix from config.alarms.prefix) with their state, and their
 * history (DescribeAlarms, DescribeAlarmHistory; every page). Read-only: `alarms setup` writes them.
 */
import {
  type AlarmHistoryItem,
  type CloudWatchClient,
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
  type MetricAlarm,
} from "@aws-sdk/client-cloudwatch";
import type { AlarmHistoryView, AlarmsData, AlarmView } from "../api/contract.ts";
import { awsCall } from "./errors.ts";

const HISTORY_PAGES = 5;

export function alarmView(a: MetricAlarm): AlarmView {
  const state = a.StateValue === "ALARM" || a.StateValue === "OK" ? a.StateValue : "INSUFFICIENT_DATA";
  return {
    name: a.AlarmName ?? "",
    state,
    reason: a.StateReason ?? "",
    since: (a.StateTransitionedTimestamp ?? a.StateUpdatedTimestamp)?.toISOString() ?? null,
    namespace: a.Namespace ?? "",
    metric: a.MetricName ?? "",
    resource: a.Dimensions?.[0]?.Value ?? "",
    stat: a.Statistic ?? a.ExtendedStatistic ?? "",
    comparison: a.ComparisonOperator ?? "",
    threshold: a.Threshold ?? 0,
    periodSeconds: a.Period ?? 0,
    description: a.AlarmDescription ?? "",
    actions: a.AlarmActions ?? [],
  };
}

function historyView(h: AlarmHistoryItem): AlarmHistoryView {
  return {
    alarm: h.AlarmName ?? "",
    time: h.Timestamp?.toISOString() ?? "",
    type:
      h.HistoryItemType === "ConfigurationUpdate" || h.HistoryItemType === "Action"
        ? h.HistoryItemType
        : "StateUpdate",
    summary: h.HistorySummary ?? "",
  };
}

export async function fetchAlarms(
  cw: CloudWatchClient,
  region: string,
  prefix: string,
  since: Date,
): Promise<AlarmsData> {
  const alarms: MetricAlarm[] = [];
  let token: string | undefined;
  do {
    const out = await awsCall("DescribeAlarms", () =>
      cw.send(
        new DescribeAlarmsCommand({
          AlarmNamePrefix: `${prefix}-`,
          AlarmTypes: ["MetricAlarm"],
          MaxRecords: 100,
          ...(token ? { NextToken: token } : {}),
        }),
      ),
    );
    alarms.push(...(out.MetricAlarms ?? []));
    token = out.NextToken;
  } while (token);
  const history: AlarmHistoryItem[] = [];
  token = undefined;
  let pages = 0;
  do {
    const out = await awsCall("DescribeAlarmHistory", () =>
      cw.send(
        new DescribeAlarmHistoryCommand({
          AlarmTypes: ["MetricAlarm"],
          StartDate: since,
          ScanBy: "TimestampDescending",
          MaxRecords: 100,
          ...(token ? { NextToken: token } : {}),
        }),
      ),
    );
    history.push(...(out.AlarmHistoryItems ?? []).filter((h) => h.AlarmName?.startsWith(`${prefix}-`)));
    token = out.NextToken;
    pages++;
  } while (token && pages < HISTORY_PAGES);
  return { region, prefix, alarms: alarms.map(alarmView), history: history.map(historyView) };
}
