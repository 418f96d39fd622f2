/**
 * The sandbox tells one story: Logs Insights over REPORT lines and the AWS/Lambda metrics agree
 * on every window, through the unmodified SDK clients.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import {
  CloudWatchLogsClient,
  GetQueryResultsCommand,
  StartQueryCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { type RunningSandbox, sandboxCredentials, startSandbox } from "../../server/sandbox/index.ts";

const NOW = Date.UTC(2026, 10, 18, 16, 0);
const HOUR = 3_600_000;

describe("sandbox cross-service agreement", () => {
  let sandbox: RunningSandbox;
  let cw: CloudWatchClient;
  let logs: CloudWatchLogsClient;
  before(async () => {
    sandbox = await startSandbox({
      port: 0,
      seed: 11,
      now: () => NOW,
      settings: { logs: { scheduledMs: 20, runningMs: 20 } },
    });
    const base = {
      region: "us-east-1",
      endpoint: sandbox.url,
      credentials: sandboxCredentials(),
      maxAttempts: 1,
    };
    cw = new CloudWatchClient(base);
    logs = new CloudWatchLogsClient(base);
  });
  after(async () => {
    cw.destroy();
    logs.destroy();
    await sandbox.close();
  });

  async function insights(query: string, start: number, end: number): Promise<Array<Record<string, string>>> {
    const { queryId } = await logs.send(
      new StartQueryCommand({
        logGroupName: "/aws/lambda/twin-api",
        startTime: start / 1000,
        endTime: end / 1000 - 1,
        queryString: query,
      }),
    );
    for (;;) {
      const out = await logs.send(new GetQueryResultsCommand({ queryId }));
      if (out.status === "Complete") {
        return (out.results ?? []).map((row) =>
          Object.fromEntries(row.map((f) => [f.field ?? "", f.value ?? ""])),
        );
      }
      assert.ok(out.status === "Scheduled" || out.status === "Running", `unexpected status ${out.status}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it("gives the same invocation count and average duration in Logs Insights and AWS/Lambda metrics", async () => {
    // Prepare: a two-hour window on hour boundaries
    const start = NOW - 2 * HOUR;
    const end = NOW;
    // Act
    const [row] = await insights(
      'filter @type = "REPORT" | stats count(*) as n, avg(@duration) as avgDuration',
      start,
      end,
    );
    const metrics = await cw.send(
      new GetMetricDataCommand({
        StartTime: new Date(start),
        EndTime: new Date(end),
        MetricDataQueries: ["Sum:Invocations", "Average:Duration"].map((spec, i) => {
          const [stat, name] = spec.split(":");
          return {
            Id: `m${i}`,
            MetricStat: {
              Metric: {
                Namespace: "AWS/Lambda",
                MetricName: name,
                Dimensions: [{ Name: "FunctionName", Value: "twin-api" }],
              },
              Period: 7200,
              Stat: stat,
            },
          };
        }),
      }),
    );
    // Assess
    const invocations = metrics.MetricDataResults?.[0]?.Values?.[0];
    const average = metrics.MetricDataResults?.[1]?.Values?.[0];
    assert.ok(row && invocations !== undefined && average !== undefined);
    assert.ok(invocations > 100, `a busy afternoon: ${invocations}`);
    assert.equal(Number(row.n), invocations);
    assert.ok(Math.abs(Number(row.avgDuration) - average) < 0.01, `${row.avgDuration} vs ${average}`);
  });

  it("runs the seed's duration query by 5-minute bins with counts matching the metrics per bin", async () => {
    const start = NOW - HOUR;
    const rows = await insights(
      'fields @timestamp, @duration | filter @type = "REPORT" | stats avg(@duration), min(@duration), max(@duration), count(*) as n by bin(5m)',
      start,
      NOW,
    );
    const metrics = await cw.send(
      new GetMetricDataCommand({
        StartTime: new Date(start),
        EndTime: new Date(NOW),
        ScanBy: "TimestampAscending",
        MetricDataQueries: [
          {
            Id: "inv",
            MetricStat: {
              Metric: {
                Namespace: "AWS/Lambda",
                MetricName: "Invocations",
                Dimensions: [{ Name: "FunctionName", Value: "twin-api" }],
              },
              Period: 300,
              Stat: "Sum",
            },
          },
        ],
      }),
    );
    const byBin = new Map(
      rows.map((r) => [Date.parse(`${(r["bin(5m)"] ?? "").replace(" ", "T")}Z`), Number(r.n)]),
    );
    const result = metrics.MetricDataResults?.[0];
    assert.equal(result?.Timestamps?.length, 12);
    result?.Timestamps?.forEach((t, k) => {
      assert.equal(byBin.get(t.getTime()), result.Values?.[k], `bin ${t.toISOString()}`);
    });
  });
});
