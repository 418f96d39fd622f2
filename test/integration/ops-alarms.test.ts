/**
 * `alarms setup` against the sandbox (real CloudWatch, SNS, Service Quotas and STS clients): the
 * first run creates the topic, the e-mail subscription and 5 alarms per model + 2 per function; a
 * second run changes nothing; --dry-run writes nothing; a raised quota updates only the TPM
 * alarm's threshold (in tokens); AccessDenied names the missing action; and the Nova Pro TPM alarm
 * goes to ALARM in the busy hour.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { ListSubscriptionsByTopicCommand } from "@aws-sdk/client-sns";
import { type AwsClients, createAwsClients, settingsFromConfig } from "../../server/aws/clients.ts";
import { parseConfig } from "../../server/config.ts";
import { AlarmsSetupError, alarmsSetup } from "../../server/ops/alarms-apply.ts";
import {
  type RunningSandbox,
  SANDBOX_ACCOUNT_ID,
  sandboxCredentials,
  startSandbox,
} from "../../server/sandbox/index.ts";

const WRITES = ["PutMetricAlarm", "DeleteAlarms", "CreateTopic", "Subscribe"];

describe("alarms setup against the sandbox", () => {
  let sandbox: RunningSandbox;
  let clients: AwsClients;
  let clock = Date.UTC(2026, 10, 18, 12, 0);
  const settings = {
    bedrock: {} as { quotas?: Record<string, { rpm: number; tpm: number }>; accessDenied?: string[] },
  };
  const config = parseConfig({ mode: "aws", alarms: { emails: ["ops@example.com"] } });
  const writes = () =>
    sandbox.ledger
      .list({})
      .filter((e) => WRITES.includes(e.operation))
      .map((e) => e.operation);

  before(async () => {
    sandbox = await startSandbox({ port: 0, now: () => clock, settings });
    clients = createAwsClients(settingsFromConfig(config, sandboxCredentials(), sandbox.url));
  });
  after(async () => {
    clients.destroy();
    await sandbox.close();
  });

  it("a dry run plans everything and writes nothing", async () => {
    const { plan, applied } = await alarmsSetup(clients, config, { dryRun: true });
    assert.equal(applied.length, 0);
    assert.deepEqual(writes(), []);
    assert.equal(plan.steps.filter((s) => s.change === "create").length, 1 + 1 + 3 * 3 + 2);
  });

  it("creates the topic, the subscription and the alarms once; a second run changes nothing", async () => {
    const first = await alarmsSetup(clients, config, { dryRun: false });
    assert.equal(first.plan.topicArn, `arn:aws:sns:us-east-1:${SANDBOX_ACCOUNT_ID}:bedrock-ops-alarms`);
    assert.equal(first.applied.length, 13);
    const cw = clients.cloudwatch({ region: "us-east-1" });
    const alarms =
      (await cw.send(new DescribeAlarmsCommand({ AlarmNamePrefix: "bedrock-ops-" }))).MetricAlarms ?? [];
    assert.equal(alarms.length, 11);
    const tpm = alarms.find((a) => a.AlarmName === "bedrock-ops-bedrock-amazon.nova-pro-v1:0-tpm")!;
    assert.equal(tpm.Threshold, 640_000, "80 % of the applied 800k TPM, in tokens");
    assert.equal(tpm.MetricName, "EstimatedTPMQuotaUsage");
    assert.match(tpm.AlarmDescription ?? "", /L-CE33604C/);
    assert.deepEqual(tpm.AlarmActions, [first.plan.topicArn]);
    const subs = await clients
      .sns({ region: "us-east-1" })
      .send(new ListSubscriptionsByTopicCommand({ TopicArn: first.plan.topicArn! }));
    assert.deepEqual(
      subs.Subscriptions?.map((s) => [s.Protocol, s.Endpoint]),
      [["email", "ops@example.com"]],
    );
    const before = writes().length;
    const second = await alarmsSetup(clients, config, { dryRun: false });
    assert.equal(second.applied.length, 0);
    assert.equal(writes().length, before);
    assert.ok(second.plan.steps.every((s) => s.change === "unchanged"));
  });

  it("recomputes the TPM threshold when the applied quota changes, and nothing else", async () => {
    settings.bedrock.quotas = { "amazon.nova-pro-v1:0": { rpm: 200, tpm: 1_000_000 } };
    const { applied } = await alarmsSetup(clients, config, { dryRun: false });
    assert.deepEqual(
      applied.map((s) => [s.change, s.subject]),
      [["update", "alarm bedrock-ops-bedrock-amazon.nova-pro-v1:0-tpm"]],
    );
    assert.match(applied[0]!.before ?? "", /Threshold: 640000 -> 800000/);
    delete settings.bedrock.quotas;
    await alarmsSetup(clients, config, { dryRun: false });
  });

  it("the Nova Pro TPM alarm goes to ALARM in the busy hour", async () => {
    clock = Date.UTC(2026, 10, 18, 14, 40);
    const cw = clients.cloudwatch({ region: "us-east-1" });
    const out = await cw.send(
      new DescribeAlarmsCommand({ StateValue: "ALARM", AlarmNamePrefix: "bedrock-ops-" }),
    );
    const names = (out.MetricAlarms ?? []).map((a) => a.AlarmName);
    assert.ok(names.includes("bedrock-ops-bedrock-amazon.nova-pro-v1:0-tpm"), names.join(", "));
    assert.ok(names.includes("bedrock-ops-bedrock-amazon.nova-pro-v1:0-throttles"));
    assert.ok(!names.includes("bedrock-ops-bedrock-amazon.nova-lite-v1:0-tpm"));
  });

  it("AccessDenied names the IAM action", async () => {
    const denied = Object.assign(new Error("User is not authorized to perform: cloudwatch:DescribeAlarms"), {
      name: "AccessDenied",
      $metadata: { httpStatusCode: 403 },
    });
    const deniedCw = { send: () => Promise.reject(denied) } as unknown as CloudWatchClient;
    const wrapped: AwsClients = { ...clients, cloudwatch: () => deniedCw };
    await assert.rejects(alarmsSetup(wrapped, config, { dryRun: true }), (err: unknown) => {
      assert.ok(err instanceof AlarmsSetupError);
      assert.equal(err.permission, "cloudwatch:DescribeAlarms");
      assert.match(
        err.message,
        /^DescribeAlarms on alarms bedrock-ops-\* was denied \(AccessDenied\): grant cloudwatch:DescribeAlarms/,
      );
      return true;
    });
  });
});
