import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import {
  CreateBudgetCommand,
  DescribeBudgetCommand,
  DescribeNotificationsForBudgetCommand,
  DescribeSubscribersForNotificationCommand,
} from "@aws-sdk/client-budgets";
import { type AwsClients, createAwsClients, settingsFromConfig } from "../../server/aws/clients.ts";
import { type ManagedBudget, parseConfig } from "../../server/config.ts";
import { BudgetSetupError, budgetSetup } from "../../server/ops/budget-apply.ts";
import {
  type RunningSandbox,
  SANDBOX_ACCOUNT_ID,
  sandboxCredentials,
  startSandbox,
} from "../../server/sandbox/index.ts";

const NOW = Date.UTC(2026, 10, 18, 15, 30);
const twin = (over: Partial<ManagedBudget> = {}): ManagedBudget => ({
  name: "twin-budget",
  limitUsd: 10,
  emails: ["ops@example.com"],
  thresholds: [
    { type: "ACTUAL", percent: 80 },
    { type: "FORECASTED", percent: 100 },
  ],
  bedrockOnly: true,
  ...over,
});

const WRITES = [
  "CreateBudget",
  "UpdateBudget",
  "DeleteBudget",
  "CreateNotification",
  "UpdateNotification",
  "DeleteNotification",
  "CreateSubscriber",
  "UpdateSubscriber",
  "DeleteSubscriber",
];

describe("budget setup against the sandbox", () => {
  let sandbox: RunningSandbox;
  let clients: AwsClients;
  const writes = () =>
    sandbox.ledger
      .list({ service: "budgets" })
      .filter((e) => WRITES.includes(e.operation))
      .map((e) => e.operation);

  before(async () => {
    sandbox = await startSandbox({ port: 0, now: () => NOW });
    clients = createAwsClients(
      settingsFromConfig(parseConfig({ mode: "aws" }), sandboxCredentials(), sandbox.url),
    );
  });
  after(async () => {
    clients.destroy();
    await sandbox.close();
  });
  beforeEach(() => sandbox.reset());

  it("dry run from nothing plans a create and makes no write call", async () => {
    // Act
    const result = await budgetSetup(clients, { managed: [twin()], dryRun: true });
    // Assess
    assert.equal(result.accountId, SANDBOX_ACCOUNT_ID);
    assert.deepEqual(
      result.plan.steps.filter((s) => s.operation).map((s) => s.operation!.op),
      ["CreateBudget"],
    );
    assert.equal(result.applied.length, 0);
    assert.deepEqual(writes(), []);
    assert.ok(
      sandbox.ledger.list({ service: "budgets", operation: "DescribeBudget" }).length >= 1,
      "the dry run did read",
    );
  });

  it("creates the budget with both alerts, then a re-run changes nothing", async () => {
    // Act
    const first = await budgetSetup(clients, { managed: [twin()], dryRun: false });
    const second = await budgetSetup(clients, { managed: [twin()], dryRun: false });
    // Assess
    assert.equal(first.applied.length, 1);
    assert.deepEqual(writes(), ["CreateBudget"]);
    assert.equal(second.applied.length, 0);
    assert.ok(
      second.plan.steps.every((s) => s.change === "unchanged"),
      JSON.stringify(second.plan.steps),
    );
    const budgets = clients.budgets();
    const { Budget } = await budgets.send(
      new DescribeBudgetCommand({ AccountId: SANDBOX_ACCOUNT_ID, BudgetName: "twin-budget" }),
    );
    assert.equal(Number(Budget?.BudgetLimit?.Amount), 10);
    assert.deepEqual(Budget?.CostFilters, { Service: ["Amazon Bedrock", "Amazon Bedrock Service"] });
    const { Notifications } = await budgets.send(
      new DescribeNotificationsForBudgetCommand({ AccountId: SANDBOX_ACCOUNT_ID, BudgetName: "twin-budget" }),
    );
    assert.deepEqual(Notifications?.map((n) => `${n.NotificationType}>${n.Threshold}`).sort(), [
      "ACTUAL>80",
      "FORECASTED>100",
    ]);
  });

  it("updates a changed threshold and a changed limit in place, without duplicating", async () => {
    // Prepare
    await budgetSetup(clients, { managed: [twin()], dryRun: false });
    const changed = twin({
      limitUsd: 20,
      thresholds: [
        { type: "ACTUAL", percent: 90 },
        { type: "FORECASTED", percent: 100 },
      ],
    });
    // Act
    const result = await budgetSetup(clients, { managed: [changed], dryRun: false });
    // Assess
    assert.deepEqual(
      result.applied.map((s) => s.operation!.op),
      ["UpdateBudget", "UpdateNotification"],
    );
    const budgets = clients.budgets();
    const { Notifications } = await budgets.send(
      new DescribeNotificationsForBudgetCommand({ AccountId: SANDBOX_ACCOUNT_ID, BudgetName: "twin-budget" }),
    );
    assert.deepEqual(Notifications?.map((n) => `${n.NotificationType}>${n.Threshold}`).sort(), [
      "ACTUAL>90",
      "FORECASTED>100",
    ]);
    const actual = Notifications!.find((n) => n.NotificationType === "ACTUAL")!;
    const { Subscribers } = await budgets.send(
      new DescribeSubscribersForNotificationCommand({
        AccountId: SANDBOX_ACCOUNT_ID,
        BudgetName: "twin-budget",
        Notification: actual,
      }),
    );
    assert.deepEqual(
      Subscribers?.map((s) => s.Address),
      ["ops@example.com"],
    );
    const { Budget } = await budgets.send(
      new DescribeBudgetCommand({ AccountId: SANDBOX_ACCOUNT_ID, BudgetName: "twin-budget" }),
    );
    assert.equal(Number(Budget?.BudgetLimit?.Amount), 20);
  });

  it("dry run of a change lists the update and writes nothing", async () => {
    await budgetSetup(clients, { managed: [twin()], dryRun: false });
    const before = writes().length;
    const result = await budgetSetup(clients, {
      managed: [
        twin({
          thresholds: [
            { type: "ACTUAL", percent: 50 },
            { type: "FORECASTED", percent: 100 },
          ],
        }),
      ],
      dryRun: true,
    });
    assert.deepEqual(
      result.plan.steps.filter((s) => s.change === "update").map((s) => `${s.before} -> ${s.after}`),
      ["alert ACTUAL > 80% -> alert ACTUAL > 50%"],
    );
    assert.equal(writes().length, before);
  });

  it("never touches a budget it does not manage", async () => {
    // Prepare: someone's own budget
    await clients.budgets().send(
      new CreateBudgetCommand({
        AccountId: SANDBOX_ACCOUNT_ID,
        Budget: {
          BudgetName: "team-budget",
          BudgetType: "COST",
          TimeUnit: "MONTHLY",
          BudgetLimit: { Amount: "500", Unit: "USD" },
        },
      }),
    );
    // Act
    await budgetSetup(clients, { managed: [twin()], dryRun: false });
    // Assess
    const { Budget } = await clients
      .budgets()
      .send(new DescribeBudgetCommand({ AccountId: SANDBOX_ACCOUNT_ID, BudgetName: "team-budget" }));
    assert.equal(Number(Budget?.BudgetLimit?.Amount), 500);
    assert.deepEqual(Budget?.CostFilters ?? {}, {});
    const { Notifications } = await clients.budgets().send(
      new DescribeNotificationsForBudgetCommand({
        AccountId: SANDBOX_ACCOUNT_ID,
        BudgetName: "team-budget",
      }),
    );
    assert.deepEqual(Notifications, []);
  });

  it("turns AccessDeniedException into a message naming budgets:ViewBudget", async () => {
    await assert.rejects(
      budgetSetup(clients, { accountId: "999999999999", managed: [twin()], dryRun: true }),
      (err: unknown) =>
        err instanceof BudgetSetupError &&
        err.permission === "budgets:ViewBudget" &&
        /grant budgets:ViewBudget on arn:aws:budgets::<account>:budget\/twin-budget/.test(err.message),
    );
  });
});
