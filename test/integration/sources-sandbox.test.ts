/**
 * The sources through the dashboard against the sandbox, beyond the happy path: budgets agree
 * with AWS Budgets itself, a throttled Logs Insights only marks the logs panel, and Lambda and
 * Bedrock metrics in different regions are read with one call per region.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { BudgetsClient, DescribeBudgetCommand } from "@aws-sdk/client-budgets";
import type { BudgetsData, LogsData, MetricsData, Panel } from "../../server/api/contract.ts";
import { type RunningServer, startServer } from "../../server/api/server.ts";
import { parseConfig } from "../../server/config.ts";
import { SANDBOX_ACCOUNT_ID, sandboxCredentials } from "../../server/sandbox/index.ts";

const NOW = Date.parse("2026-11-18T15:30:00.000Z");
const now = () => new Date(NOW);

async function getJson<T>(base: string, path: string, init?: RequestInit): Promise<T> {
  return (await (await fetch(`${base}${path}`, init)).json()) as T;
}

describe("sources against the sandbox", () => {
  let server: RunningServer;

  before(async () => {
    server = await startServer(parseConfig({ mode: "sandbox" }), { port: 0, dataDir: ":memory:", now });
  });

  after(async () => {
    await server.close();
  });

  test("budgets: the configured twin-budget with its limit, spend and thresholds, as AWS Budgets reports it", async () => {
    const panel = await getJson<Panel<BudgetsData>>(server.url, "/api/budgets");
    assert.equal(panel.error, null);
    const budget = panel.data!.budgets.find((b) => b.name === "twin-budget")!;
    const client = new BudgetsClient({
      region: "us-east-1",
      endpoint: server.sandbox!.url,
      credentials: sandboxCredentials(),
    });
    try {
      const direct = await client.send(
        new DescribeBudgetCommand({ AccountId: SANDBOX_ACCOUNT_ID, BudgetName: "twin-budget" }),
      );
      const actual = Number(direct.Budget?.CalculatedSpend?.ActualSpend?.Amount);
      assert.equal(budget.limit, 10);
      assert.equal(budget.actual, Math.round(actual * 100) / 100);
      assert.equal(budget.percentUsed, Math.round((actual / 10) * 100 * 100) / 100);
      assert.deepEqual(
        budget.thresholds.map((t) => [t.type, t.percent]),
        [
          ["ACTUAL", 80],
          ["FORECASTED", 100],
        ],
      );
      assert.equal(budget.thresholds[0]!.state, actual > 8 ? "ALARM" : "OK");
    } finally {
      client.destroy();
    }
  });

  test("a throttled Logs Insights fails only the logs panel, naming the AWS error", async () => {
    await fetch(`${server.sandbox!.url}/_sandbox/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ faults: [{ service: "logs", kind: "throttle" }] }),
    });
    try {
      const [logs, metrics] = await Promise.all([
        getJson<Panel<LogsData>>(server.url, "/api/logs?range=1h"),
        getJson<Panel<MetricsData>>(server.url, "/api/metrics?range=1h"),
      ]);
      assert.equal(logs.data, null);
      assert.match(logs.error?.code ?? "", /Throttling|LimitExceeded/);
      assert.match(logs.error?.message ?? "", /StartQuery/);
      assert.equal(metrics.error, null);
      assert.notEqual(metrics.data, null);
    } finally {
      await fetch(`${server.sandbox!.url}/_sandbox/faults`, { method: "DELETE" });
    }
    const retried = await getJson<Panel<LogsData>>(server.url, "/api/refresh/logs?range=1h", {
      method: "POST",
    });
    assert.equal(retried.error, null);
    assert.ok((retried.data?.percentiles?.count ?? 0) > 0);
  });
});

describe("regions", () => {
  test("Lambda metrics in the Lambda region and Bedrock metrics in the Bedrock region: one call each", async () => {
    const config = parseConfig({
      mode: "sandbox",
      lambda: { region: "eu-west-1", functions: [{ name: "twin-api" }] },
      bedrock: { region: "us-east-1", models: [{ id: "amazon.nova-lite-v1:0" }] },
    });
    const server = await startServer(config, { port: 0, dataDir: ":memory:", now });
    try {
      const panel = await getJson<Panel<MetricsData>>(server.url, "/api/metrics?range=1h");
      assert.equal(panel.error, null);
      assert.equal(panel.data!.calls, 2);
      const calls = server.sandbox!.ledger.list({ service: "cloudwatch", operation: "GetMetricData" });
      assert.deepEqual(calls.map((c) => c.region).sort(), ["eu-west-1", "us-east-1"]);
    } finally {
      await server.close();
    }
  });
});
