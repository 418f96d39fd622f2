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
import {
  byModel,
  CostsSource,
  firstOfNextMonth,
  forecastFor,
  resolveServices,
  UNRECOGNISED,
  unrecognised,
} from "../../server/sources/costs.ts";

const usd = (amount: string) => ({ Amount: amount, Unit: "USD" });

function fakeCe() {
  const inputs: Array<{ op: string; input: GetCostAndUsageCommandInput }> = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: GetCostAndUsageCommandInput }) => {
      const op = command.constructor.name.replace(/Command$/, "");
      inputs.push({ op, input: command.input });
      if (op === "GetCostForecast") {
        // MONTHLY over two months: one entry per calendar month, the first from the Start day
        // (GetCostForecastResponse.ForecastResultsByTime: "For MONTHLY forecasts, this is a list of
        // months", API_GetCostForecast.html), Total over the whole period.
        return {
          Total: usd("43.5"),
          ForecastResultsByTime: [
            {
              TimePeriod: { Start: "2026-11-18", End: "2026-12-01" },
              MeanValue: "12.5",
              PredictionIntervalLowerBound: "10",
              PredictionIntervalUpperBound: "15",
            },
            {
              TimePeriod: { Start: "2026-12-01", End: "2027-01-01" },
              MeanValue: "31",
              PredictionIntervalLowerBound: "24.2",
              PredictionIntervalUpperBound: "37.8",
            },
          ],
        };
      }
      if (command.input.Granularity === "MONTHLY") {
        // The month so far grouped by SERVICE: one group per service, every service of the account.
        const svc = (service: string, cost: string) => ({
          Keys: [service],
          Metrics: { UnblendedCost: usd(cost) },
        });
        return {
          GroupDefinitions: command.input.GroupBy,
          ResultsByTime: [
            {
              TimePeriod: { Start: "2026-11-01", End: "2026-11-19" },
              Total: {},
              Groups: [
                svc("AWS Lambda", "0.42"),
                svc("Amazon Bedrock", "2.76"),
                svc("Amazon Bedrock Service", "0.5"),
                svc("Claude Haiku 4.5 (Amazon Bedrock Edition)", "1.25"),
                svc("Amazon Bedrock AgentCore", "0"),
              ],
              Estimated: true,
            },
          ],
        };
      }
      // One query, grouped by SERVICE and USAGE_TYPE, two pages (AWS's ResultsByTime shape).
      const group = (usageType: string, cost: string, quantity: string, unit = "Tokens") => ({
        Keys: ["Amazon Bedrock", usageType],
        Metrics: { UnblendedCost: usd(cost), UsageQuantity: { Amount: quantity, Unit: unit } },
      });
      if (!command.input.NextPageToken) {
        return {
          GroupDefinitions: command.input.GroupBy,
          ResultsByTime: [
            {
              TimePeriod: { Start: "2026-11-16", End: "2026-11-17" },
              Total: {},
              Groups: [
                group("USE1-NovaLite-input-tokens", "0.12", "2000000"),
                group("USE1-NovaLite-output-tokens", "0.24", "1000000"),
                group("USE1-NovaPro-output-tokens", "0.89", "278125"),
                group("USE1-DataTransfer-Out-Bytes", "0.01", "1", "GB"),
              ],
              Estimated: false,
            },
          ],
          NextPageToken: "page-2",
        };
      }
      return {
        GroupDefinitions: command.input.GroupBy,
        ResultsByTime: [
          {
            TimePeriod: { Start: "2026-11-17", End: "2026-11-18" },
            Total: {},
            Groups: [group("USE1-NovaLite-input-tokens", "1.5", "25000000")],
            Estimated: true,
          },
        ],
      };
    },
  } as unknown as CostExplorerClient;
  return { client, inputs };
}

describe("CostsSource", () => {
  const bedrockOnly = { shown: ["Amazon Bedrock"], bedrock: ["Amazon Bedrock"] };

  test("one GetCostAndUsage shape gives cost by service per day, following NextPageToken, each page paid", async () => {
    const { client, inputs } = fakeCe();
    const out = await new CostsSource(client).breakdown(
      { start: "2026-11-16", end: "2026-11-18" },
      "2026-11-18",
      bedrockOnly,
    );
    assert.deepEqual(
      out.byService.map((d) => [d.date, d.total, d.estimated]),
      [
        ["2026-11-16", 1.26, false],
        ["2026-11-17", 1.5, true],
      ],
    );
    assert.equal(out.requests, 2);
    const query = inputs.find((i) => i.op === "GetCostAndUsage")!.input;
    assert.deepEqual(query.Filter, { Dimensions: { Key: "SERVICE", Values: ["Amazon Bedrock"] } });
    assert.deepEqual(query.GroupBy, [
      { Type: "DIMENSION", Key: "SERVICE" },
      { Type: "DIMENSION", Key: "USAGE_TYPE" },
    ]);
    // The window only (the month to date comes from the monthly query).
    assert.deepEqual(query.TimePeriod, { Start: "2026-11-16", End: "2026-11-18" });
  });

  test("every Bedrock dollar per model: an unknown usage type is its own group, so models add up to the total", async () => {
    const { client } = fakeCe();
    const out = await new CostsSource(client).breakdown(
      { start: "2026-11-16", end: "2026-11-17" },
      "2026-11-18",
      bedrockOnly,
    );
    assert.deepEqual(byModel(out.usage), [
      {
        date: "2026-11-16",
        groups: { "nova-lite": 0.36, "nova-pro": 0.89, [UNRECOGNISED]: 0.01 },
        total: 1.26,
        estimated: false,
      },
    ]);
    assert.deepEqual(unrecognised(out.usage), [
      { service: "Amazon Bedrock", usageType: "USE1-DataTransfer-Out-Bytes", amountUsd: 0.01, days: 1 },
    ]);
  });

  test("one monthly SERVICE query gives the month to date and discovers every Bedrock service with spend", async () => {
    const { client, inputs } = fakeCe();
    const out = await new CostsSource(client).monthly("2026-11-12", "2026-11-18");
    assert.deepEqual(out.bedrockServices, [
      "Amazon Bedrock",
      "Amazon Bedrock Service",
      "Claude Haiku 4.5 (Amazon Bedrock Edition)",
    ]);
    assert.equal(out.monthToDate["Amazon Bedrock"], 2.76);
    assert.equal(out.requests, 1);
    const input = inputs[0]!.input;
    assert.deepEqual(input.TimePeriod, { Start: "2026-11-01", End: "2026-11-19" });
    assert.equal(input.Filter, undefined);
  });

  test("the forecast runs from today over this month and the next, one entry per month", async () => {
    const { client, inputs } = fakeCe();
    const source = new CostsSource(client);
    const { forecast } = await source.forecast("2026-11-18", ["Amazon Bedrock", "Amazon Bedrock Service"]);
    assert.deepEqual(forecast, {
      madeOn: "2026-11-18",
      months: [
        { start: "2026-11-18", end: "2026-12-01", mean: 12.5, low: 10, high: 15 },
        { start: "2026-12-01", end: "2027-01-01", mean: 31, low: 24.2, high: 37.8 },
      ],
    });
    assert.equal(forecastFor(forecast, "2026-11-01")?.mean, 12.5);
    assert.equal(forecastFor(forecast, "2026-12-01")?.mean, 31);
    assert.equal(forecastFor(forecast, "2027-01-01"), null);
    const input = inputs.find((i) => i.op === "GetCostForecast")!.input as {
      TimePeriod: unknown;
      Filter: unknown;
    };
    assert.deepEqual(input.TimePeriod, { Start: "2026-11-18", End: "2027-01-01" });
    assert.deepEqual(input.Filter, {
      Dimensions: { Key: "SERVICE", Values: ["Amazon Bedrock", "Amazon Bedrock Service"] },
    });
    assert.equal(firstOfNextMonth("2026-12-31"), "2027-01-01");
  });

  test("services: discovered Bedrock services are the default; config narrows them", () => {
    const found = ["Amazon Bedrock", "Amazon Bedrock Service", "Claude Haiku 4.5 (Amazon Bedrock Edition)"];
    assert.deepEqual(resolveServices(undefined, found), { shown: found, bedrock: found });
    assert.deepEqual(resolveServices(["Amazon Bedrock"], found), {
      shown: ["Amazon Bedrock"],
      bedrock: ["Amazon Bedrock"],
    });
    assert.deepEqual(resolveServices(["AWS Lambda"], found), {
      shown: ["AWS Lambda", ...found],
      bedrock: found,
    });
    assert.deepEqual(resolveServices(undefined, []), {
      shown: ["Amazon Bedrock"],
      bedrock: ["Amazon Bedrock"],
    });
  });
  test("AWS's Bedrock usage-type patterns parse into a family, a token kind and a Region", () => {
    const pick = (u: string) => {
      const p = parseUsageType(u);
      return p && { region: p.region, family: p.family, kind: p.kind };
    };
    assert.deepEqual(pick("USE1-NovaLite-input-tokens"), {
      region: "us-east-1",
      family: "nova-lite",
      kind: "input",
    });
    assert.deepEqual(pick("USW2-Claude3Haiku-output-tokens"), {
      region: "us-west-2",
      family: "claude-haiku-3",
      kind: "output",
    });
    assert.deepEqual(pick("EUC1-NovaPro-cache-write-input-token-count"), {
      region: "eu-central-1",
      family: "nova-pro",
      kind: "cacheWrite",
    });
    assert.equal(parseUsageType("USE1-DataTransfer-Out-Bytes"), null);
  });

  test("model IDs, with or without an inference-profile prefix, map to the same family", () => {
    assert.equal(familyFromModelId("us.amazon.nova-lite-v1:0"), "nova-lite");
    assert.equal(familyFromModelId("eu.amazon.nova-micro-v1:0"), "nova-micro");
    assert.equal(familyFromModelId("anthropic.claude-3-haiku-20240307-v1:0"), "claude-haiku-3");
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
      scope: "all services",
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
