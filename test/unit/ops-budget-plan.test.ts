import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { budgetsWithFlags } from "../../server/commands/budget.ts";
import type { ManagedBudget } from "../../server/config.ts";
import { budgetsPermission } from "../../server/ops/budget-apply.ts";
import { countChanges, formatPlan, type ObservedBudget, planBudgets } from "../../server/ops/budget-plan.ts";

const ACCOUNT = "111122223333";
const twin = (over: Partial<ManagedBudget> = {}): ManagedBudget => ({
  name: "twin-budget",
  limitUsd: 10,
  emails: ["ops@example.com"],
  thresholds: [
    { type: "ACTUAL", percent: 80 },
    { type: "FORECASTED", percent: 100 },
  ],
  bedrockOnly: false,
  ...over,
});

/** What DescribeBudget / DescribeNotificationsForBudget / DescribeSubscribersForNotification return for the seed's budget. */
const observedTwin = (
  over: { amount?: string; actual?: number; emails?: string[]; services?: string[] } = {},
): ObservedBudget => ({
  budget: {
    BudgetName: "twin-budget",
    BudgetType: "COST",
    TimeUnit: "MONTHLY",
    BudgetLimit: { Amount: over.amount ?? "10.0", Unit: "USD" },
    CalculatedSpend: { ActualSpend: { Amount: "3.21", Unit: "USD" } },
    ...(over.services ? { CostFilters: { Service: over.services } } : {}),
  },
  notifications: [
    {
      notification: {
        NotificationType: "ACTUAL",
        ComparisonOperator: "GREATER_THAN",
        Threshold: over.actual ?? 80,
        ThresholdType: "PERCENTAGE",
        NotificationState: "OK",
      },
      emails: over.emails ?? ["ops@example.com"],
    },
    {
      notification: {
        NotificationType: "FORECASTED",
        ComparisonOperator: "GREATER_THAN",
        Threshold: 100,
        ThresholdType: "PERCENTAGE",
      },
      emails: over.emails ?? ["ops@example.com"],
    },
  ],
});

describe("budget plan", () => {
  it("creates a missing budget with both alerts and their subscriber in one CreateBudget", () => {
    // Act
    const plan = planBudgets(ACCOUNT, [twin()], new Map([["twin-budget", undefined]]));
    // Assess
    const ops = plan.steps.filter((s) => s.operation);
    assert.equal(ops.length, 1);
    const create = ops[0]!.operation!;
    assert.equal(create.op, "CreateBudget");
    if (create.op !== "CreateBudget") return;
    assert.deepEqual(create.input.Budget, {
      BudgetName: "twin-budget",
      BudgetType: "COST",
      TimeUnit: "MONTHLY",
      BudgetLimit: { Amount: "10", Unit: "USD" },
    });
    assert.deepEqual(
      create.input.NotificationsWithSubscribers?.map((n) => [
        n.Notification?.NotificationType,
        n.Notification?.Threshold,
        n.Subscribers?.[0]?.Address,
      ]),
      [
        ["ACTUAL", 80, "ops@example.com"],
        ["FORECASTED", 100, "ops@example.com"],
      ],
    );
    assert.deepEqual(countChanges(plan), { create: 1, update: 0, delete: 0, unchanged: 0 });
  });

  it("adds the Amazon Bedrock service filter when bedrockOnly is set", () => {
    const plan = planBudgets(ACCOUNT, [twin({ bedrockOnly: true })], new Map());
    const op = plan.steps[0]!.operation!;
    assert.equal(op.op, "CreateBudget");
    if (op.op === "CreateBudget")
      assert.deepEqual(op.input.Budget?.CostFilters, {
        Service: ["Amazon Bedrock", "Amazon Bedrock Service"],
      });
  });

  it("plans nothing when AWS already matches (amount 10.0 equals 10)", () => {
    const plan = planBudgets(ACCOUNT, [twin()], new Map([["twin-budget", observedTwin()]]));
    assert.equal(plan.steps.filter((s) => s.operation).length, 0);
    assert.deepEqual(countChanges(plan), { create: 0, update: 0, delete: 0, unchanged: 5 });
    assert.match(
      formatPlan(plan),
      /= unchanged twin-budget {2}budget: 10\.0 USD MONTHLY COST \(all services\)/,
    );
  });

  it("updates a changed threshold with UpdateNotification, keeping the subscriber", () => {
    const plan = planBudgets(
      ACCOUNT,
      [
        twin({
          thresholds: [
            { type: "ACTUAL", percent: 90 },
            { type: "FORECASTED", percent: 100 },
          ],
        }),
      ],
      new Map([["twin-budget", observedTwin()]]),
    );
    const ops = plan.steps.filter((s) => s.operation).map((s) => s.operation!);
    assert.equal(ops.length, 1);
    const update = ops[0]!;
    assert.equal(update.op, "UpdateNotification");
    if (update.op !== "UpdateNotification") return;
    assert.equal(update.input.OldNotification?.Threshold, 80);
    assert.equal(
      update.input.OldNotification?.NotificationState,
      undefined,
      "NotificationState is read-only and dropped",
    );
    assert.equal(update.input.NewNotification?.Threshold, 90);
    assert.match(
      formatPlan(plan),
      /~ update {4}twin-budget {2}alert ACTUAL: alert ACTUAL > 80% -> alert ACTUAL > 90%/,
    );
  });

  it("updates the limit and the service filter with UpdateBudget, dropping read-only fields", () => {
    const plan = planBudgets(
      ACCOUNT,
      [twin({ limitUsd: 25, bedrockOnly: true })],
      new Map([["twin-budget", observedTwin()]]),
    );
    const op = plan.steps.find((s) => s.operation)!.operation!;
    assert.equal(op.op, "UpdateBudget");
    if (op.op !== "UpdateBudget") return;
    assert.deepEqual(op.input.NewBudget?.BudgetLimit, { Amount: "25", Unit: "USD" });
    assert.deepEqual(op.input.NewBudget?.CostFilters, {
      Service: ["Amazon Bedrock", "Amazon Bedrock Service"],
    });
    assert.equal(op.input.NewBudget?.CalculatedSpend, undefined);
  });

  it("replaces a subscriber that differs: creates the new address, deletes the old one", () => {
    const plan = planBudgets(
      ACCOUNT,
      [twin({ emails: ["new@example.com"] })],
      new Map([["twin-budget", observedTwin({ emails: ["old@example.com"] })]]),
    );
    const ops = plan.steps.filter((s) => s.operation).map((s) => `${s.operation!.op}:${s.subject}`);
    assert.deepEqual(ops, [
      "CreateSubscriber:alert ACTUAL > 80% -> new@example.com",
      "DeleteSubscriber:alert ACTUAL > 80% -> old@example.com",
      "CreateSubscriber:alert FORECASTED > 100% -> new@example.com",
      "DeleteSubscriber:alert FORECASTED > 100% -> old@example.com",
    ]);
  });

  it("never removes subscribers when the configuration lists none, and warns that alerts need an address", () => {
    const plan = planBudgets(
      ACCOUNT,
      [twin({ emails: [] })],
      new Map([["twin-budget", observedTwin({ emails: ["someone@example.com"] })]]),
    );
    assert.equal(plan.steps.filter((s) => s.operation).length, 0);
    const fresh = planBudgets(ACCOUNT, [twin({ emails: [] })], new Map());
    const op = fresh.steps[0]!.operation!;
    if (op.op === "CreateBudget") assert.deepEqual(op.input.NotificationsWithSubscribers, []);
    assert.match(fresh.warnings[0]!, /no e-mail subscribers.*--email/);
  });

  it("leaves alerts it does not manage in place and says so", () => {
    const plan = planBudgets(
      ACCOUNT,
      [twin({ thresholds: [{ type: "ACTUAL", percent: 80 }] })],
      new Map([["twin-budget", observedTwin()]]),
    );
    assert.equal(plan.steps.filter((s) => s.operation).length, 0);
    assert.deepEqual(plan.warnings, [
      "twin-budget: alert FORECASTED > 100% is not in the configuration; left as is",
    ]);
  });
});

describe("budget command flags", () => {
  it("adds --email to every budget and applies --limit", () => {
    const out = budgetsWithFlags([twin({ emails: [] })], { email: ["a@example.com"], limit: "12.50" });
    assert.ok(Array.isArray(out));
    assert.deepEqual(out[0]!.emails, ["a@example.com"]);
    assert.equal(out[0]!.limitUsd, 12.5);
  });

  it("rejects a bad e-mail, a bad amount and an ambiguous --limit, naming the flag and value", () => {
    assert.equal(
      budgetsWithFlags([twin()], { email: ["not-an-email"] }),
      '--email: got "not-an-email"; give an e-mail address such as ops@example.com',
    );
    assert.match(String(budgetsWithFlags([twin()], { limit: "-5" })), /^--limit: got "-5"/);
    assert.match(String(budgetsWithFlags([twin()], { limit: "0" })), /^--limit: got "0"/);
    assert.match(
      String(budgetsWithFlags([twin(), twin({ name: "other" })], { limit: "5" })),
      /2 budgets are configured/,
    );
  });

  it("maps Describe* to budgets:ViewBudget and writes to budgets:ModifyBudget", () => {
    assert.equal(budgetsPermission("DescribeBudget"), "budgets:ViewBudget");
    assert.equal(budgetsPermission("CreateBudget"), "budgets:ModifyBudget");
    assert.equal(budgetsPermission("DeleteSubscriber"), "budgets:ModifyBudget");
  });
});
