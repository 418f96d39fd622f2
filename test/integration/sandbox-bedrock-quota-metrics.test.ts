/**
 * The sandbox's newer AWS/Bedrock metrics through the real CloudWatch client: EstimatedTPMQuotaUsage
 * is the absolute tokens counted against the TPM quota (input + output x burndown for Nova, rate 1),
 * TimeToFirstToken comes from streaming calls only, and the Wednesday busy afternoon brings Nova Pro
 * near (not over) its 800k TPM quota with throttles in the peak minutes.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from "@aws-sdk/client-cloudwatch";
import { type RunningSandbox, sandboxCredentials, startSandbox } from "../../server/sandbox/index.ts";
import { busyCalls } from "../../server/sandbox/workload/busy-afternoon.ts";

// Wednesday 18 Nov 2026, 16:00 UTC: the digest job ran 13:30-15:30.
const NOW = Date.UTC(2026, 10, 18, 16, 0);
const PRO = "amazon.nova-pro-v1:0";
const q = (id: string, metric: string, stat: string, model = PRO): MetricDataQuery => ({
  Id: id,
  MetricStat: {
    Metric: { Namespace: "AWS/Bedrock", MetricName: metric, Dimensions: [{ Name: "ModelId", Value: model }] },
    Period: 60,
    Stat: stat,
  },
});

describe("sandbox AWS/Bedrock quota metrics", () => {
  let sandbox: RunningSandbox;
  let cw: CloudWatchClient;
  before(async () => {
    sandbox = await startSandbox({ now: () => NOW });
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

  it("sums input + output tokens per minute as EstimatedTPMQuotaUsage and peaks just under 800k", async () => {
    const out = await cw.send(
      new GetMetricDataCommand({
        StartTime: new Date(Date.UTC(2026, 10, 18, 13, 0)),
        EndTime: new Date(NOW),
        ScanBy: "TimestampAscending",
        MetricDataQueries: [
          q("quota", "EstimatedTPMQuotaUsage", "Sum"),
          q("input", "InputTokenCount", "Sum"),
          q("output", "OutputTokenCount", "Sum"),
          q("throttles", "InvocationThrottles", "Sum"),
        ],
      }),
    );
    const values = (id: string) => out.MetricDataResults?.find((r) => r.Id === id)?.Values ?? [];
    const quota = values("quota");
    const input = values("input");
    const output = values("output");
    assert.equal(quota.length, input.length);
    for (let i = 0; i < quota.length; i++) assert.equal(quota[i], input[i]! + output[i]!);
    const peak = Math.max(...quota);
    assert.ok(peak > 0.8 * 800_000 && peak <= 800_000, `peak ${peak}`);
    const throttles = values("throttles").reduce((a, b) => a + b, 0);
    assert.ok(throttles > 0, "the peak minutes throttle");
  });

  it("agrees with the digest job's own calls in the peak minute", async () => {
    const m = Date.UTC(2026, 10, 18, 14, 30);
    const calls = busyCalls(sandbox.workload.seed, PRO, "us-east-1", m);
    const busyTokens = calls
      .filter((c) => c.status === "ok")
      .reduce((s, c) => s + c.inputTokens + c.outputTokens, 0);
    const out = await cw.send(
      new GetMetricDataCommand({
        StartTime: new Date(m),
        EndTime: new Date(m + 60_000),
        MetricDataQueries: [q("quota", "EstimatedTPMQuotaUsage", "Sum")],
      }),
    );
    const value = out.MetricDataResults?.[0]?.Values?.[0] ?? 0;
    // The twin's own chat calls to Nova Pro add a few thousand tokens on top of the job's.
    assert.ok(value >= busyTokens && value < busyTokens + 20_000, `${value} vs job ${busyTokens}`);
  });

  it("reports TimeToFirstToken for streamed calls only, below the end-to-end latency", async () => {
    const out = await cw.send(
      new GetMetricDataCommand({
        StartTime: new Date(NOW - 3_600_000),
        EndTime: new Date(NOW),
        MetricDataQueries: [
          { ...q("ttft", "TimeToFirstToken", "SampleCount", "amazon.nova-lite-v1:0") },
          { ...q("inv", "Invocations", "Sum", "amazon.nova-lite-v1:0") },
          { ...q("ttftp50", "TimeToFirstToken", "p50", "amazon.nova-lite-v1:0") },
          { ...q("latp50", "InvocationLatency", "p50", "amazon.nova-lite-v1:0") },
        ].map((x) => ({ ...x, MetricStat: { ...x.MetricStat!, Period: 3600 } })),
      }),
    );
    const v = (id: string) => out.MetricDataResults?.find((r) => r.Id === id)?.Values?.[0] ?? Number.NaN;
    assert.ok(v("ttft") > 0 && v("ttft") < v("inv"), `streamed ${v("ttft")} of ${v("inv")}`);
    assert.ok(v("ttftp50") < v("latp50"), `ttft p50 ${v("ttftp50")} vs latency p50 ${v("latp50")}`);
  });
});
