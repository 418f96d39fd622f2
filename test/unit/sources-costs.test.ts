/**
 * Cost Explorer and Budgets sources with fake clients answering AWS's published shapes.
 *
 * Fixtures follow the examples of the AWS Billing and Cost Management API Reference:
 * GetCostAndUsage (https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_GetCostAndUsage.html,
 * "Examples": ResultsByTime[{TimePeriod{Start,End}, Total, Groups[{Keys, Metrics{UnblendedCost{Amount,Unit}}}], Estimated}],
 * amounts as strings), GetCostForecast (API_GetCostForecast.html: Total{Amount,Unit}, ForecastResultsByTime
 * [{TimePeriod, MeanValue, PredictionIntervalLowerBound, PredictionIntervalUpperBound}]), and DescribeBudgets /
 * DescribeNotificationsForBudget (API_budgets_DescribeBudgets.html "Example": BudgetLimit {Amount: "100.0", Unit: "USD"},
 * CalculatedSpend {ActualSpend, ForecastedSpend}, TimeUnit MONTHLY). Usage types follow AWS's Bedrock pattern
 * <REGIONCODE>-<ModelName>-input-tokens / -output-tokens.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { BudgetsClient } from "@aws-sdk/client-budgets";
import type { CostExplorerClient, GetCostAndUsageCommandInput } from "@aws-sdk/client-cost-explorer";
import type { STSClient } from "@aws-sdk/client-sts";
import { baseModelId, familyFromModelId, parseUsageType } from "../../server/pricing/usage-types.ts";
import { AccountId, BudgetsSource, toView } from "../../server/sources/budgets.ts";
import { CostsSource, firstOfNextMonth } from "../../server/sources/costs.ts";

const usd = (amount: string) => ({ Amount: amount, Unit: "USD" });

function fakeCe() {
  const inputs: Array<{ op: string; input: GetCostAndUsageCommandInput }> = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: GetCostAndUsageCommandInput }) => {
      const op = command.constructor.name.replace(/Command$/, "");
      inputs.push({ op, input: command.input });
      if (op === "GetCostForecast") {
        return {
          Total: usd("12.5"),
          ForecastResultsByTime: [
            {
              TimePeriod: { Start: "2026-11-18", End: "2026-12-01" },
              MeanValue: "12.5",
              PredictionIntervalLowerBound: "10",
              PredictionIntervalUpperBound: "15",
            },
          ],
        };
      }
      const key = command.input.GroupBy?.[0]?.Key;
      if (key === "SERVICE") {
        const page = command.input.NextPageToken ? 1 : 0;
        return {
          ResultsByTime: [
            {
              TimePeriod: {
                Start: page ? "2026-11-17" : "2026-11-16",
                End: page ? "2026-11-18" : "2026-11-17",
              },
              Total: {},
              Groups: [{ Keys: ["Amazon Bedrock"], Metrics: { UnblendedCost: usd(page ? "1.5" : "1.25") } }],
              Estimated: page === 1,
            },
          ],
          ...(page ? {} : { NextPageToken: "page-2" }),
        };
      }
      if (key === "USAGE_TYPE") {
        return {
          ResultsByTime: [
            {
              TimePeriod: { Start: "2026-11-16", End: "2026-11-17" },
              Total: {},
              Groups: [
                {
                  Keys: ["USE1-NovaLite-input-tokens"],
                  Metrics: {
                    UnblendedCost: usd("0.12"),
                    UsageQuantity: { Amount: "2000000", Unit: "Tokens" },
                  },
                },
                {
                  Keys: ["USE1-NovaLite-output-tokens"],
                  Metrics: {
                    UnblendedCost: usd("0.24"),
                    UsageQuantity: { Amount: "1000000", Unit: "Tokens" },
                  },
                },
                {
                  Keys: ["USE1-NovaPro-output-tokens"],
                  Metrics: {
                    UnblendedCost: usd("0.89"),
                    UsageQuantity: { Amount: "278125", Unit: "Tokens" },
                  },
                },
                {
                  Keys: ["USE1-DataTransfer-Out-Bytes"],
                  Metrics: { UnblendedCost: usd("0.01"), UsageQuantity: { Amount: "1", Unit: "GB" } },
                },
              ],
              Estimated: false,
            },
          ],
        };
      }
      return {
        ResultsByTime: [
          {
            TimePeriod: { Start: "2026-11-01", End: "2026-11-19" },
            Total: { UnblendedCost: usd("20.75") },
            Groups: [],
            Estimated: true,
          },
        ],
      };
    },
  } as unknown as CostExplorerClient;
  return { client, inputs };
}

describe("CostsSource", () => {
  test("daily cost by service follows NextPageToken, each page counted as a paid request", async () => {
    const { client, inputs } = fakeCe();
    const out = await new CostsSource(client, ["Amazon Bedrock"]).fetch(
      { start: "2026-11-16", end: "2026-11-18" },
      "2026-11-18",
    );
    assert.deepEqual(
      out.byService.map((d) => [d.date, d.total, d.estimated]),
      [
        ["2026-11-16", 1.25, false],
        ["2026-11-17", 1.5, true],
      ],
    );
    assert.equal(out.requests, 5);
    assert.equal(inputs.length, 5);
    const service = inputs.find((i) => i.input.GroupBy?.[0]?.Key === "SERVICE")!.input;
    assert.deepEqual(service.Filter, { Dimensions: { Key: "SERVICE", Values: ["Amazon Bedrock"] } });
    assert.deepEqual(service.TimePeriod, { Start: "2026-11-16", End: "2026-11-18" });
  });

  test("Bedrock cost per model family from USAGE_TYPE groups; other usage types are ignored", async () => {
    const { client } = fakeCe();
    const out = await new CostsSource(client, ["Amazon Bedrock"]).fetch(
      { start: "2026-11-16", end: "2026-11-17" },
      "2026-11-18",
    );
    assert.deepEqual(out.bedrockByModel, [
      { date: "2026-11-16", groups: { "nova-lite": 0.36, "nova-pro": 0.89 }, total: 1.25, estimated: false },
    ]);
    assert.equal(out.usage.length, 3);
  });

  test("month to date runs from the 1st to tomorrow; the forecast from today to the 1st of next month", async () => {
    const { client, inputs } = fakeCe();
    const out = await new CostsSource(client, ["Amazon Bedrock"]).fetch(
      { start: "2026-11-16", end: "2026-11-17" },
      "2026-11-18",
    );
    assert.equal(out.monthToDate, 20.75);
    assert.deepEqual(out.forecast, { mean: 12.5, low: 10, high: 15, end: "2026-12-01" });
    const mtd = inputs.find((i) => i.input.Granularity === "MONTHLY" && i.op === "GetCostAndUsage")!.input;
    assert.deepEqual(mtd.TimePeriod, { Start: "2026-11-01", End: "2026-11-19" });
    assert.equal(firstOfNextMonth("2026-12-31"), "2027-01-01");
  });
});

describe("usage types", () => {
  test("AWS's Bedrock usage-type patterns parse into a family and a token kind", () => {
    assert.deepEqual(parseUsageType("USE1-NovaLite-input-tokens"), {
      region: "USE1",
      family: "nova-lite",
      kind: "input",
    });
    assert.deepEqual(parseUsageType("USW2-Claude3Haiku-output-tokens"), {
      region: "USW2",
      family: "claude-3-haiku",
      kind: "output",
    });
    assert.deepEqual(parseUsageType("USE1-NovaMicro-cache-read-input-token-count"), {
      region: "USE1",
      family: "nova-micro",
      kind: "cacheRead",
    });
    assert.deepEqual(parseUsageType("EUC1-NovaPro-cache-write-input-token-count"), {
      region: "EUC1",
      family: "nova-pro",
      kind: "cacheWrite",
    });
    assert.deepEqual(parseUsageType("USE1-NovaPremier-output-tokens-cross-region"), {
      region: "USE1",
      family: "nova-premier",
      kind: "output",
    });
    assert.equal(parseUsageType("USE1-DataTransfer-Out-Bytes"), null);
  });

  test("model IDs, with or without an inference-profile prefix, map to the same family", () => {
    assert.equal(familyFromModelId("us.amazon.nova-lite-v1:0"), "nova-lite");
    assert.equal(familyFromModelId("eu.amazon.nova-micro-v1:0"), "nova-micro");
    assert.equal(familyFromModelId("anthropic.claude-3-haiku-20240307-v1:0"), "claude-3-haiku");
    assert.equal(familyFromModelId("meta.llama3-70b-instruct-v1:0"), "llama3-70b");
    assert.equal(baseModelId("apac.amazon.nova-pro-v1:0"), "amazon.nova-pro-v1:0");
  });
});

describe("BudgetsSource", () => {
  const budget = {
    BudgetName: "twin-budget",
    BudgetLimit: { Amount: "10.0", Unit: "USD" },
    CalculatedSpend: {
      ActualSpend: { Amount: "8.5", Unit: "USD" },
      ForecastedSpend: { Amount: "11.0", Unit: "USD" },
    },
    TimeUnit: "MONTHLY" as const,
    BudgetType: "COST" as const,
  };

  test("limit, actual, forecast, percent used and thresholds with their state", () => {
    const view = toView(budget, [
      {
        NotificationType: "ACTUAL",
        ComparisonOperator: "GREATER_THAN",
        Threshold: 80,
        ThresholdType: "PERCENTAGE",
        NotificationState: "OK",
      },
      {
        NotificationType: "FORECASTED",
        ComparisonOperator: "GREATER_THAN",
        Threshold: 100,
        ThresholdType: "PERCENTAGE",
      },
      {
        NotificationType: "ACTUAL",
        ComparisonOperator: "GREATER_THAN",
        Threshold: 9.5,
        ThresholdType: "ABSOLUTE_VALUE",
      },
    ]);
    assert.deepEqual(view, {
      name: "twin-budget",
      limit: 10,
      actual: 8.5,
      forecast: 11,
      percentUsed: 85,
      timeUnit: "MONTHLY",
      thresholds: [
        { type: "ACTUAL", percent: 80, state: "ALARM" },
        { type: "FORECASTED", percent: 100, state: "ALARM" },
        { type: "ACTUAL", percent: 95, state: "OK" },
      ],
    });
  });

  test("the account ID comes from STS once, then budgets are listed and filtered by name", async () => {
    const ops: string[] = [];
    const sts = {
      send: async () => {
        ops.push("GetCallerIdentity");
        return { Account: "123456789012", Arn: "arn:aws:iam::123456789012:user/ops", UserId: "AIDA" };
      },
    } as unknown as STSClient;
    const budgets = {
      send: async (command: { constructor: { name: string }; input: { AccountId: string } }) => {
        ops.push(`${command.constructor.name.replace(/Command$/, "")}:${command.input.AccountId}`);
        if (command.constructor.name === "DescribeBudgetsCommand")
          return { Budgets: [budget, { ...budget, BudgetName: "other" }] };
        return { Notifications: [] };
      },
    } as unknown as BudgetsClient;
    const source = new BudgetsSource(budgets, new AccountId(sts), ["twin-budget"]);
    const first = await source.fetch();
    await source.fetch();
    assert.deepEqual(
      first.map((b) => b.name),
      ["twin-budget"],
    );
    assert.equal(ops.filter((o) => o === "GetCallerIdentity").length, 1);
    assert.ok(ops.includes("DescribeBudgets:123456789012"));
    assert.ok(ops.includes("DescribeNotificationsForBudget:123456789012"));
  });
});
