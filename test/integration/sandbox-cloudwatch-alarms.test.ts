/**
 * The sandbox's CloudWatch alarms through the real client: an alarm on Nova Pro's throttles and one
 * on its EstimatedTPMQuotaUsage evaluate the sandbox's metrics on its clock and go to ALARM in the
 * Wednesday busy hour and back to OK after it, writing history items shaped like AWS's
 * (fixture: the AWS CLI describe-alarm-history example); updates keep the state; errors are typed.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
  DescribeAlarmsForMetricCommand,
  PutMetricAlarmCommand,
  type PutMetricAlarmCommandInput,
  ResourceNotFound,
  SetAlarmStateCommand,
} from "@aws-sdk/client-cloudwatch";
import { type RunningSandbox, sandboxCredentials, startSandbox } from "../../server/sandbox/index.ts";

const PRO = [{ Name: "ModelId", Value: "amazon.nova-pro-v1:0" }];
const fixture = JSON.parse(
  readFileSync(new URL("../fixtures/alarms/describe-alarm-history.json", import.meta.url), "utf8"),
) as { AlarmHistoryItems: Array<{ HistoryData: string; HistorySummary: string }> };

describe("sandbox CloudWatch alarms", () => {
  let sandbox: RunningSandbox;
  let cw: CloudWatchClient;
  let clock = Date.UTC(2026, 10, 18, 13, 0);
  const throttles: PutMetricAlarmCommandInput = {
    AlarmName: "test-nova-pro-throttles",
    Namespace: "AWS/Bedrock",
    MetricName: "InvocationThrottles",
    Dimensions: PRO,
    Statistic: "Sum",
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: 1,
    ComparisonOperator: "GreaterThanOrEqualToThreshold",
    TreatMissingData: "notBreaching",
    AlarmActions: ["arn:aws:sns:us-east-1:123456789012:bedrock-ops-alarms"],
  };
  const tokens: PutMetricAlarmCommandInput = {
    ...throttles,
    AlarmName: "test-nova-pro-tpm",
    MetricName: "EstimatedTPMQuotaUsage",
    Threshold: 640_000,
    EvaluationPeriods: 3,
    DatapointsToAlarm: 2,
  };
  before(async () => {
    sandbox = await startSandbox({ now: () => clock });
    cw = new CloudWatchClient({
      region: "us-east-1",
      endpoint: sandbox.url,
      credentials: sandboxCredentials(),
    });
  });
  after(async () => {
    cw.destroy();
    await sandbox.close();
  });
  const state = async (name: string) =>
    (await cw.send(new DescribeAlarmsCommand({ AlarmNames: [name] }))).MetricAlarms?.[0];

  it("starts OK before the busy hour, goes to ALARM in it and back to OK after it", async () => {
    await cw.send(new PutMetricAlarmCommand(throttles));
    await cw.send(new PutMetricAlarmCommand(tokens));
    assert.equal((await state("test-nova-pro-throttles"))?.StateValue, "OK");
    assert.equal((await state("test-nova-pro-tpm"))?.StateValue, "OK");
    clock = Date.UTC(2026, 10, 18, 14, 35);
    const tpm = await state("test-nova-pro-tpm");
    assert.equal(tpm?.StateValue, "ALARM");
    assert.match(
      tpm?.StateReason ?? "",
      /^Threshold Crossed: [23] out of the last 3 datapoints \[\d+\.0 \(18\/11\/26 14:\d\d:00\)/,
    );
    assert.match(
      tpm?.StateReason ?? "",
      /greater than or equal to the threshold \(640000\.0\) \(minimum 2 datapoints for OK -> ALARM transition\)\.$/,
    );
    const data = JSON.parse(tpm?.StateReasonData ?? "{}") as {
      statistic: string;
      period: number;
      threshold: number;
    };
    assert.deepEqual([data.statistic, data.period, data.threshold], ["Sum", 60, 640_000]);
    assert.equal((await state("test-nova-pro-throttles"))?.StateValue, "ALARM");
    clock = Date.UTC(2026, 10, 18, 16, 0);
    assert.equal((await state("test-nova-pro-tpm"))?.StateValue, "OK");
  });

  it("writes StateUpdate and Action history items the way AWS does", async () => {
    const out = await cw.send(
      new DescribeAlarmHistoryCommand({
        AlarmName: "test-nova-pro-tpm",
        HistoryItemType: "StateUpdate",
        ScanBy: "TimestampAscending",
      }),
    );
    const items = out.AlarmHistoryItems ?? [];
    assert.deepEqual(
      items.map((i) => i.HistorySummary),
      [
        "Alarm updated from INSUFFICIENT_DATA to OK",
        "Alarm updated from OK to ALARM",
        "Alarm updated from ALARM to OK",
      ],
    );
    const toAlarm = JSON.parse(items[1]!.HistoryData!) as Record<
      string,
      { stateValue: string; stateReasonData?: object }
    >;
    const real = JSON.parse(fixture.AlarmHistoryItems[0]!.HistoryData) as Record<string, object>;
    assert.deepEqual(Object.keys(toAlarm).sort(), Object.keys(real).sort());
    assert.equal(toAlarm.oldState?.stateValue, "OK");
    assert.equal(toAlarm.newState?.stateValue, "ALARM");
    assert.ok(items[1]!.Timestamp instanceof Date && new Date(items[1]!.Timestamp!).getUTCHours() === 14);
    const actions = await cw.send(
      new DescribeAlarmHistoryCommand({ AlarmName: "test-nova-pro-tpm", HistoryItemType: "Action" }),
    );
    assert.match(
      actions.AlarmHistoryItems?.[0]?.HistorySummary ?? "",
      /^Successfully executed action arn:aws:sns:/,
    );
  });

  it("an update keeps the state; SetAlarmState, DescribeAlarmsForMetric and DeleteAlarms behave as AWS", async () => {
    await cw.send(
      new SetAlarmStateCommand({
        AlarmName: "test-nova-pro-tpm",
        StateValue: "ALARM",
        StateReason: "testing purposes",
      }),
    );
    await cw.send(new PutMetricAlarmCommand({ ...tokens, Threshold: 700_000 }));
    const updated = await state("test-nova-pro-tpm");
    assert.equal(updated?.Threshold, 700_000);
    assert.equal(updated?.StateValue, "ALARM");
    const forMetric = await cw.send(
      new DescribeAlarmsForMetricCommand({
        Namespace: "AWS/Bedrock",
        MetricName: "EstimatedTPMQuotaUsage",
        Dimensions: PRO,
      }),
    );
    assert.deepEqual(
      forMetric.MetricAlarms?.map((a) => a.AlarmName),
      ["test-nova-pro-tpm"],
    );
    await cw.send(new DeleteAlarmsCommand({ AlarmNames: ["test-nova-pro-tpm"] }));
    assert.equal(await state("test-nova-pro-tpm"), undefined);
    await assert.rejects(cw.send(new DeleteAlarmsCommand({ AlarmNames: ["nope"] })), ResourceNotFound);
  });
});
