import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  BudgetsClient,
  CreateBudgetCommand,
  type CreateBudgetCommandInput,
  CreateNotificationCommand,
  CreateSubscriberCommand,
  DeleteBudgetCommand,
  DeleteNotificationCommand,
  DeleteSubscriberCommand,
  DescribeBudgetCommand,
  DescribeBudgetsCommand,
  DescribeNotificationsForBudgetCommand,
  DescribeSubscribersForNotificationCommand,
  type Notification,
  UpdateBudgetCommand,
  UpdateNotificationCommand,
  UpdateSubscriberCommand,
} from "@aws-sdk/client-budgets";
import { CostExplorerClient, type Expression, GetCostAndUsageCommand } from "@aws-sdk/client-cost-explorer";
import {
  type RunningSandbox,
  SANDBOX_ACCOUNT_ID,
  sandboxCredentials,
  startSandbox,
} from "../../server/sandbox/index.ts";

const NOW = Date.UTC(2026, 10, 18, 15, 30);
const ACCOUNT = SANDBOX_ACCOUNT_ID;
const ACTUAL_80: Notification = {
  NotificationType: "ACTUAL",
  ComparisonOperator: "GREATER_THAN",
  Threshold: 80,
  ThresholdType: "PERCENTAGE",
};
const FORECAST_100: Notification = {
  NotificationType: "FORECASTED",
  ComparisonOperator: "GREATER_THAN",
  Threshold: 100,
  ThresholdType: "PERCENTAGE",
};
const email = (address: string) => ({ SubscriptionType: "EMAIL" as const, Address: address });

/**
 * The seed's budget (monthly COST budget of 10 USD, e-mail at ACTUAL > 80 %, FORECASTED > 100 %), in the
 * shape of AWS's CreateBudget example (https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_CreateBudget.html).
 */
function twinBudget(
  name = "twin-budget",
  amount = "10.0",
  filters?: Record<string, string[]>,
): CreateBudgetCommandInput {
  return {
    AccountId: ACCOUNT,
    Budget: {
      BudgetName: name,
      BudgetLimit: { Amount: amount, Unit: "USD" },
      BudgetType: "COST",
      TimeUnit: "MONTHLY",
      ...(filters ? { CostFilters: filters } : {}),
    },
    NotificationsWithSubscribers: [
      { Notification: ACTUAL_80, Subscribers: [email("ana@example.com")] },
      { Notification: FORECAST_100, Subscribers: [email("ana@example.com")] },
    ],
  };
}

async function rejects(p: Promise<unknown>, name: string, message?: RegExp | string): Promise<void> {
  await assert.rejects(p, (err: Error) => {
    assert.equal(err.name, name);
    if (typeof message === "string") assert.equal(err.message, message);
    else if (message) assert.match(err.message, message);
    return true;
  });
}

describe("sandbox Budgets", () => {
  let sandbox: RunningSandbox;
  let budgets: BudgetsClient;
  let ce: CostExplorerClient;

  const monthToDate = async (filter?: Expression) => {
    const out = await ce.send(
      new GetCostAndUsageCommand({
        TimePeriod: { Start: "2026-11-01", End: "2026-11-19" },
        Granularity: "MONTHLY",
        Metrics: ["UnblendedCost"],
        Filter: filter,
      }),
    );
    return Number(out.ResultsByTime?.[0]?.Total?.UnblendedCost?.Amount);
  };

  before(async () => {
    // A busier account than the default, so the seed's 10 USD budget is past 80 % by the 18th.
    sandbox = await startSandbox({ port: 0, now: () => NOW, peakPerMinute: 10 });
    const common = {
      region: "us-east-1",
      endpoint: sandbox.url,
      credentials: sandboxCredentials(),
      maxAttempts: 1,
    };
    budgets = new BudgetsClient(common);
    ce = new CostExplorerClient(common);
  });

  after(async () => {
    budgets.destroy();
    ce.destroy();
    await sandbox.close();
  });

  it("creates the seed's budget and describes it with its period, cost types and month-to-date spend from Cost Explorer", async () => {
    // Act
    await budgets.send(new CreateBudgetCommand(twinBudget()));
    const out = await budgets.send(
      new DescribeBudgetCommand({ AccountId: ACCOUNT, BudgetName: "twin-budget" }),
    );
    // Assess
    const b = out.Budget;
    assert.equal(b?.BudgetName, "twin-budget");
    assert.deepEqual(b?.BudgetLimit, { Amount: "10.0", Unit: "USD" });
    assert.equal(b?.TimeUnit, "MONTHLY");
    assert.equal(b?.TimePeriod?.Start?.toISOString(), "2026-11-01T00:00:00.000Z");
    assert.equal(b?.TimePeriod?.End?.toISOString(), "2087-06-15T00:00:00.000Z");
    assert.equal(b?.LastUpdatedTime?.getTime(), Math.floor(NOW / 1000) * 1000);
    assert.equal(b?.CostTypes?.IncludeTax, true);
    const actual = Number(b?.CalculatedSpend?.ActualSpend?.Amount);
    assert.equal(b?.CalculatedSpend?.ActualSpend?.Unit, "USD");
    assert.ok(Math.abs(actual - (await monthToDate())) < 1e-8, `budget ${actual} vs Cost Explorer`);
    assert.ok(Number(b?.CalculatedSpend?.ForecastedSpend?.Amount) > actual);
  });

  it("applies CostFilters: a Bedrock-only budget spends what Cost Explorer bills for Amazon Bedrock", async () => {
    // Act
    await budgets.send(
      new CreateBudgetCommand(twinBudget("bedrock-only", "1000.0", { Service: ["Amazon Bedrock"] })),
    );
    const out = await budgets.send(
      new DescribeBudgetCommand({ AccountId: ACCOUNT, BudgetName: "bedrock-only" }),
    );
    // Assess
    const bedrock = await monthToDate({ Dimensions: { Key: "SERVICE", Values: ["Amazon Bedrock"] } });
    assert.ok(Math.abs(Number(out.Budget?.CalculatedSpend?.ActualSpend?.Amount) - bedrock) < 1e-8);
    assert.ok(bedrock < (await monthToDate()));
    assert.deepEqual(out.Budget?.CostFilters, { Service: ["Amazon Bedrock"] });
  });

  it("sets each notification's state from its threshold: ALARM past 80 % of 10 USD, OK under 80 % of 1000 USD", async () => {
    const tight = await budgets.send(
      new DescribeNotificationsForBudgetCommand({ AccountId: ACCOUNT, BudgetName: "twin-budget" }),
    );
    assert.deepEqual(
      tight.Notifications?.map((n) => [n.NotificationType, n.Threshold, n.NotificationState]),
      [
        ["ACTUAL", 80, "ALARM"],
        ["FORECASTED", 100, "ALARM"],
      ],
    );
    const loose = await budgets.send(
      new DescribeNotificationsForBudgetCommand({ AccountId: ACCOUNT, BudgetName: "bedrock-only" }),
    );
    assert.deepEqual(
      loose.Notifications?.map((n) => n.NotificationState),
      ["OK", "OK"],
    );
  });

  it("compares ABSOLUTE_VALUE thresholds in dollars", async () => {
    // Prepare
    const actual = await monthToDate({ Dimensions: { Key: "SERVICE", Values: ["Amazon Bedrock"] } });
    const above: Notification = {
      NotificationType: "ACTUAL",
      ComparisonOperator: "GREATER_THAN",
      Threshold: Math.floor(actual) - 1,
      ThresholdType: "ABSOLUTE_VALUE",
    };
    const below: Notification = {
      NotificationType: "ACTUAL",
      ComparisonOperator: "LESS_THAN",
      Threshold: Math.floor(actual) - 1,
      ThresholdType: "ABSOLUTE_VALUE",
    };
    // Act
    await budgets.send(
      new CreateNotificationCommand({
        AccountId: ACCOUNT,
        BudgetName: "bedrock-only",
        Notification: above,
        Subscribers: [email("ops@example.com")],
      }),
    );
    await budgets.send(
      new CreateNotificationCommand({
        AccountId: ACCOUNT,
        BudgetName: "bedrock-only",
        Notification: below,
        Subscribers: [email("ops@example.com")],
      }),
    );
    const out = await budgets.send(
      new DescribeNotificationsForBudgetCommand({ AccountId: ACCOUNT, BudgetName: "bedrock-only" }),
    );
    // Assess
    assert.deepEqual(
      out.Notifications?.slice(2).map((n) => [n.ComparisonOperator, n.NotificationState]),
      [
        ["GREATER_THAN", "ALARM"],
        ["LESS_THAN", "OK"],
      ],
    );
  });

  it("rejects duplicates and missing budgets with AWS's exceptions and messages", async () => {
    await rejects(
      budgets.send(new CreateBudgetCommand(twinBudget())),
      "DuplicateRecordException",
      "Error creating budget: twin-budget - the budget already exists.",
    );
    await rejects(
      budgets.send(new DescribeBudgetCommand({ AccountId: ACCOUNT, BudgetName: "nope" })),
      "NotFoundException",
      "Unable to get budget: nope - the budget doesn't exist.",
    );
    await rejects(
      budgets.send(new DeleteBudgetCommand({ AccountId: ACCOUNT, BudgetName: "nope" })),
      "NotFoundException",
      /^Unable to delete budget: nope - the budget doesn't exist/,
    );
    await rejects(
      budgets.send(
        new CreateNotificationCommand({
          AccountId: ACCOUNT,
          BudgetName: "twin-budget",
          Notification: ACTUAL_80,
          Subscribers: [email("x@example.com")],
        }),
      ),
      "DuplicateRecordException",
    );
    await rejects(
      budgets.send(
        new CreateNotificationCommand({
          AccountId: ACCOUNT,
          BudgetName: "nope",
          Notification: ACTUAL_80,
          Subscribers: [email("x@example.com")],
        }),
      ),
      "NotFoundException",
      "Unable to create notification - the budget doesn't exist.",
    );
    const missing: Notification = { ...ACTUAL_80, Threshold: 42 };
    await rejects(
      budgets.send(
        new DeleteNotificationCommand({
          AccountId: ACCOUNT,
          BudgetName: "twin-budget",
          Notification: missing,
        }),
      ),
      "NotFoundException",
    );
    await rejects(
      budgets.send(
        new CreateBudgetCommand({
          AccountId: ACCOUNT,
          Budget: { BudgetName: "no-limit", BudgetType: "COST", TimeUnit: "MONTHLY" },
        }),
      ),
      "InvalidParameterException",
      "Unable to create/update budget - please provide one of the followings: Budget Limit/ Planned Budget Limit/ Auto Adjust Data",
    );
    await rejects(
      budgets.send(
        new CreateSubscriberCommand({
          AccountId: ACCOUNT,
          BudgetName: "twin-budget",
          Notification: ACTUAL_80,
          Subscriber: email("not-an-email"),
        }),
      ),
      "InvalidParameterException",
      /not-an-email/,
    );
  });

  it("denies another account's budgets", async () => {
    await rejects(
      budgets.send(new DescribeBudgetsCommand({ AccountId: "999999999999" })),
      "AccessDeniedException",
      /budgets:ViewBudget/,
    );
    await rejects(
      budgets.send(new CreateBudgetCommand({ ...twinBudget("other"), AccountId: "999999999999" })),
      "AccessDeniedException",
      /budgets:ModifyBudget/,
    );
  });

  it("lists budgets page by page with MaxResults and NextToken", async () => {
    const first = await budgets.send(new DescribeBudgetsCommand({ AccountId: ACCOUNT, MaxResults: 1 }));
    assert.equal(first.Budgets?.length, 1);
    assert.ok(first.NextToken);
    const second = await budgets.send(
      new DescribeBudgetsCommand({ AccountId: ACCOUNT, MaxResults: 1, NextToken: first.NextToken }),
    );
    assert.deepEqual(
      [first.Budgets?.[0]?.BudgetName, second.Budgets?.[0]?.BudgetName],
      ["twin-budget", "bedrock-only"],
    );
    assert.equal(second.NextToken, undefined);
  });

  it("updates a budget's limit and keeps its notifications", async () => {
    // Act
    await budgets.send(
      new UpdateBudgetCommand({
        AccountId: ACCOUNT,
        NewBudget: {
          BudgetName: "twin-budget",
          BudgetLimit: { Amount: "500.0", Unit: "USD" },
          BudgetType: "COST",
          TimeUnit: "MONTHLY",
        },
      }),
    );
    // Assess
    const b = await budgets.send(
      new DescribeBudgetCommand({ AccountId: ACCOUNT, BudgetName: "twin-budget" }),
    );
    assert.equal(b.Budget?.BudgetLimit?.Amount, "500.0");
    const n = await budgets.send(
      new DescribeNotificationsForBudgetCommand({ AccountId: ACCOUNT, BudgetName: "twin-budget" }),
    );
    assert.deepEqual(
      n.Notifications?.map((x) => x.NotificationState),
      ["OK", "OK"],
    );
    await rejects(
      budgets.send(
        new UpdateBudgetCommand({
          AccountId: ACCOUNT,
          NewBudget: {
            BudgetName: "ghost",
            BudgetLimit: { Amount: "1", Unit: "USD" },
            BudgetType: "COST",
            TimeUnit: "MONTHLY",
          },
        }),
      ),
      "NotFoundException",
    );
  });

  it("updates a notification's threshold and manages its subscribers within AWS's limits", async () => {
    // Prepare
    const moved: Notification = { ...ACTUAL_80, Threshold: 90 };
    const base = { AccountId: ACCOUNT, BudgetName: "twin-budget" };
    // Act
    await budgets.send(
      new UpdateNotificationCommand({ ...base, OldNotification: ACTUAL_80, NewNotification: moved }),
    );
    await budgets.send(
      new CreateSubscriberCommand({ ...base, Notification: moved, Subscriber: email("ben@example.com") }),
    );
    await budgets.send(
      new UpdateSubscriberCommand({
        ...base,
        Notification: moved,
        OldSubscriber: email("ben@example.com"),
        NewSubscriber: email("bea@example.com"),
      }),
    );
    const sns = {
      SubscriptionType: "SNS" as const,
      Address: `arn:aws:sns:us-east-1:${ACCOUNT}:budget-alerts`,
    };
    await budgets.send(new CreateSubscriberCommand({ ...base, Notification: moved, Subscriber: sns }));
    const listed = await budgets.send(
      new DescribeSubscribersForNotificationCommand({ ...base, Notification: moved }),
    );
    // Assess
    assert.deepEqual(
      listed.Subscribers?.map((s) => s.Address),
      ["ana@example.com", "bea@example.com", sns.Address],
    );
    await rejects(
      budgets.send(
        new CreateSubscriberCommand({ ...base, Notification: moved, Subscriber: email("bea@example.com") }),
      ),
      "DuplicateRecordException",
    );
    await rejects(
      budgets.send(
        new CreateSubscriberCommand({
          ...base,
          Notification: moved,
          Subscriber: { SubscriptionType: "SNS", Address: `arn:aws:sns:us-east-1:${ACCOUNT}:second` },
        }),
      ),
      "CreationLimitExceededException",
    );
    for (let i = 0; i < 8; i++)
      await budgets.send(
        new CreateSubscriberCommand({ ...base, Notification: moved, Subscriber: email(`p${i}@example.com`) }),
      );
    await rejects(
      budgets.send(
        new CreateSubscriberCommand({
          ...base,
          Notification: moved,
          Subscriber: email("eleventh@example.com"),
        }),
      ),
      "CreationLimitExceededException",
    );
    await budgets.send(
      new DeleteSubscriberCommand({ ...base, Notification: moved, Subscriber: email("bea@example.com") }),
    );
    await rejects(
      budgets.send(
        new DeleteSubscriberCommand({ ...base, Notification: moved, Subscriber: email("bea@example.com") }),
      ),
      "NotFoundException",
    );
    await rejects(
      budgets.send(new DescribeSubscribersForNotificationCommand({ ...base, Notification: ACTUAL_80 })),
      "NotFoundException",
    );
  });

  it("deletes notifications and budgets", async () => {
    await budgets.send(
      new DeleteNotificationCommand({
        AccountId: ACCOUNT,
        BudgetName: "twin-budget",
        Notification: FORECAST_100,
      }),
    );
    const n = await budgets.send(
      new DescribeNotificationsForBudgetCommand({ AccountId: ACCOUNT, BudgetName: "twin-budget" }),
    );
    assert.equal(n.Notifications?.length, 1);
    await budgets.send(new DeleteBudgetCommand({ AccountId: ACCOUNT, BudgetName: "bedrock-only" }));
    const all = await budgets.send(new DescribeBudgetsCommand({ AccountId: ACCOUNT }));
    assert.deepEqual(
      all.Budgets?.map((b) => b.BudgetName),
      ["twin-budget"],
    );
  });

  it("forgets budgets on reset", async () => {
    sandbox.reset();
    const all = await budgets.send(new DescribeBudgetsCommand({ AccountId: ACCOUNT }));
    assert.deepEqual(all.Budgets, []);
  });
});

describe("sandbox Budgets state file", () => {
  const dir = mkdtempSync(join(tmpdir(), "budgets-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps budgets across a restart when BudgetsSettings.stateFile is set", async () => {
    // Prepare
    const stateFile = join(dir, "budgets.json");
    const first = await startSandbox({ port: 0, now: () => NOW, settings: { budgets: { stateFile } } });
    const c1 = new BudgetsClient({
      region: "us-east-1",
      endpoint: first.url,
      credentials: sandboxCredentials(),
      maxAttempts: 1,
    });
    await c1.send(new CreateBudgetCommand(twinBudget()));
    c1.destroy();
    await first.close();
    // Act
    const second = await startSandbox({ port: 0, now: () => NOW, settings: { budgets: { stateFile } } });
    const c2 = new BudgetsClient({
      region: "us-east-1",
      endpoint: second.url,
      credentials: sandboxCredentials(),
      maxAttempts: 1,
    });
    const out = await c2.send(
      new DescribeNotificationsForBudgetCommand({ AccountId: ACCOUNT, BudgetName: "twin-budget" }),
    );
    c2.destroy();
    await second.close();
    // Assess
    assert.deepEqual(
      out.Notifications?.map((x) => x.Threshold),
      [80, 100],
    );
  });
});
