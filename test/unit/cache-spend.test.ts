/**
 * The own-spend ledger: prices per API and the middleware installed once on a client factory,
 * driven by real SDK clients against the sandbox.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { GetCostAndUsageCommand } from "@aws-sdk/client-cost-explorer";
import { createAwsClients } from "../../server/aws/clients.ts";
import { instrumentClients, priceOf, SpendLedger } from "../../server/cache/spend.ts";
import { type RunningSandbox, sandboxCredentials, startSandbox } from "../../server/sandbox/index.ts";

describe("priceOf and bytes scanned", () => {
  test("Cost Explorer $0.01 a request, GetMetricData $0.01 per 1,000 metrics, ListMetrics $0.01 per 1,000 requests, others free", () => {
    assert.equal(priceOf("ce:GetCostAndUsage", {}), 0.01);
    const queries = Array.from({ length: 250 }, () => ({ MetricStat: {} }));
    assert.equal(priceOf("cloudwatch:GetMetricData", { MetricDataQueries: queries }), 0.0025);
    assert.equal(priceOf("cloudwatch:ListMetrics", {}), 0.00001);
    assert.equal(priceOf("cloudwatch:DescribeAlarms", {}), 0);
    assert.equal(priceOf("budgets:DescribeBudgets", {}), 0);
  });

  test("Logs Insights is priced on the growth of a query's bytesScanned, $0.005 per GB", () => {
    const ledger = new SpendLedger(() => 0);
    assert.equal(ledger.recordScan("q1", 1e9, false), 0.005);
    assert.equal(ledger.recordScan("q1", 3e9, true), 0.01);
  });
});

describe("instrumentClients against the sandbox", () => {
  let sandbox: RunningSandbox;
  before(async () => {
    sandbox = await startSandbox({ port: 0 });
  });
  after(async () => {
    await sandbox.close();
  });

  test("every call through the factory's clients is counted once, with its price", async () => {
    const ledger = new SpendLedger(() => Date.parse("2026-11-18T12:00:00Z"));
    const clients = instrumentClients(
      createAwsClients({
        region: "us-east-1",
        endpoint: sandbox.url,
        credentials: sandboxCredentials(),
        maxAttempts: 1,
        retryMode: "standard",
      }),
      ledger,
    );
    try {
      const end = new Date();
      const start = new Date(end.getTime() - 3_600_000);
      const queries = ["Invocations", "Errors"].map((m, i) => ({
        Id: `m${i}`,
        MetricStat: {
          Metric: {
            Namespace: "AWS/Lambda",
            MetricName: m,
            Dimensions: [{ Name: "FunctionName", Value: "twin-api" }],
          },
          Period: 60,
          Stat: "Sum",
        },
      }));
      await clients
        .cloudwatch()
        .send(new GetMetricDataCommand({ MetricDataQueries: queries, StartTime: start, EndTime: end }));
      await clients
        .cloudwatch()
        .send(new GetMetricDataCommand({ MetricDataQueries: queries, StartTime: start, EndTime: end }));
      const day = end.toISOString().slice(0, 10);
      await clients.costExplorer().send(
        new GetCostAndUsageCommand({
          TimePeriod: { Start: "2026-11-01", End: day },
          Granularity: "DAILY",
          Metrics: ["UnblendedCost"],
        }),
      );
      const usage = ledger.snapshot();
      assert.deepEqual(usage.calls, [
        { api: "ce:GetCostAndUsage", count: 1, estimatedUsd: 0.01 },
        { api: "cloudwatch:GetMetricData", count: 2, estimatedUsd: 0.00004 },
      ]);
      assert.equal(usage.totalUsd, 0.01004);
      assert.equal(sandbox.ledger.list({ service: "cloudwatch", operation: "GetMetricData" }).length, 2);
    } finally {
      clients.destroy();
    }
  });
});
