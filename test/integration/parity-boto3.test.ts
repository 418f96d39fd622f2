/**
 * Parity with boto3: Debian's python3-boto3 (/usr/bin/python3; botocore 1.29, awsQuery to
 * CloudWatch, no request compression) and the first python3 on PATH when it has another boto3
 * (e.g. pyenv's, a current botocore: awsJson and gzip). Runs test/parity/boto3_parity.py against
 * the sandbox. A Python without boto3 is reported loudly as NOT RUN (Debian's fails under CI).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { type RunningSandbox, startSandbox } from "../../server/sandbox/index.ts";
import { boto3Pythons, type RealClient, reportMissing, run } from "../parity/clients.ts";

const NOW = Date.UTC(2026, 10, 18, 15, 30, 20);
const SCRIPT = fileURLToPath(new URL("../parity/boto3_parity.py", import.meta.url));
const { found, missing } = await boto3Pythons();
const required = reportMissing("boto3", missing);

interface Boto3Report {
  boto3: string;
  botocore: string;
  listedMetrics: number;
  datapoints: { Timestamp: string; Sum: number; Maximum: number; Unit: string }[];
  metricData: { Id: string; Label: string; StatusCode: string; Timestamps: string[]; Values: number[] }[];
  dashboards: { DashboardName: string; LastModifiedType: string; Size: number }[];
  dashboardMissing: { code: string; status: number } | null;
  badRange: { code: string; status: number } | null;
  callerAccount: string;
  stsError: { code: string; status: number } | null;
  topicArn: string;
  subscribeEmail: string;
  subscriptions: { SubscriptionArn: string; Protocol: string; Endpoint: string }[];
  topicAttributes: Record<string, string>;
  tags: { Key: string; Value: string }[];
  messageId: string;
  snsError: { code: string; status: number; message: string } | null;
  logGroups: string[];
}

describe("parity: boto3 against the sandbox", () => {
  it("has the clients CI requires", () => {
    assert.deepEqual(required, [], "Debian's python3-boto3 is required under CI");
  });
  for (const python of found) describePython(python);
});

function codeAndStatus(e: { code: string; status: number } | null) {
  return e ? { code: e.code, status: e.status } : null;
}

function describePython(python: RealClient): void {
  describe(`${python.label}: ${python.version}`, () => {
    let sandbox: RunningSandbox;
    before(async () => {
      sandbox = await startSandbox({ port: 0, now: () => NOW });
    });
    after(async () => {
      await sandbox.close();
    });

    it("round-trips CloudWatch, STS, SNS and Logs calls with AWS's types, codes and statuses", async () => {
      // Act
      const res = await run(python.path, [SCRIPT, sandbox.url, String(NOW / 1000)]);
      assert.equal(res.code, 0, res.stderr);
      const out = JSON.parse(res.stdout) as Boto3Report;
      const cw = sandbox.ledger.list({ service: "cloudwatch" });
      const put = cw.find((e) => e.operation === "PutMetricData");
      process.stdout.write(
        `# boto3 ${out.boto3} / botocore ${out.botocore}: CloudWatch over ${put?.protocol}, PutMetricData body ${put?.contentEncoding ?? "uncompressed"}\n`,
      );
      // Assess: CloudWatch
      assert.equal(put?.status, 200);
      assert.equal(out.listedMetrics, 600);
      assert.deepEqual(out.datapoints, [
        { Timestamp: "2026-11-18T15:29:00+00:00", Sum: 7.25, Maximum: 7.25, Unit: "Milliseconds" },
      ]);
      assert.deepEqual(
        out.metricData.map((r) => [r.Id, r.Label, r.StatusCode, r.Timestamps.length, r.Values.length]),
        [["rate", "per second", "Complete", 12, 12]],
      );
      assert.equal(out.metricData[0]?.Timestamps[0], "2026-11-18T14:30:00+00:00");
      assert.deepEqual(out.dashboards, [
        { DashboardName: "boto3-dash", LastModifiedType: "datetime", Size: 15 },
      ]);
      assert.deepEqual(codeAndStatus(out.dashboardMissing), { code: "ResourceNotFound", status: 404 });
      assert.deepEqual(codeAndStatus(out.badRange), { code: "InvalidParameterValue", status: 400 });
      // STS: errors are awsQuery XML that botocore parses
      assert.equal(out.callerAccount, "123456789012");
      assert.deepEqual(codeAndStatus(out.stsError), { code: "InvalidAction", status: 400 });
      // SNS
      assert.equal(out.topicArn, "arn:aws:sns:us-east-1:123456789012:boto3-topic");
      assert.equal(out.subscribeEmail, "pending confirmation");
      assert.deepEqual(
        out.subscriptions.map((s) => [s.SubscriptionArn, s.Protocol, s.Endpoint]),
        [["PendingConfirmation", "email", "ops@example.com"]],
      );
      assert.equal(out.topicAttributes.DisplayName, "Boto3");
      assert.equal(out.topicAttributes.SubscriptionsPending, "1");
      assert.deepEqual(out.tags, [{ Key: "team", Value: "ops" }]);
      assert.match(out.messageId, /^[0-9a-f-]{36}$/);
      assert.deepEqual(out.snsError, { code: "NotFound", status: 404, message: "Topic does not exist" });
      assert.deepEqual(out.logGroups, ["/aws/lambda/twin-api"]);
    });
  });
}
