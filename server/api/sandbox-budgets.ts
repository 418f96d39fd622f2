/**
 * The budgets the in-process sandbox account starts with: the ones config.budgets.managed
 * describes (the seed's twin-budget, $10 a month, alerts at 80 % actual and 100 % forecast), as
 * CreateBudget inputs, so the Budgets panel has something to show before `bedrock-ops budget`
 * is run. Used only when `serve` starts the sandbox.
 */
import type { Config } from "../config.ts";

/** AWS requires a subscriber per notification; the synthetic account uses a reserved example address. */
const SANDBOX_SUBSCRIBER = "ops@example.com";

export function sandboxInitialBudgets(config: Config): Array<Record<string, unknown>> {
  return config.budgets.managed.map((b) => ({
    Budget: {
      BudgetName: b.name,
      BudgetLimit: { Amount: b.limitUsd.toFixed(2), Unit: "USD" },
      TimeUnit: "MONTHLY",
      BudgetType: "COST",
      ...(b.bedrockOnly ? { CostFilters: { Service: ["Amazon Bedrock"] } } : {}),
    },
    NotificationsWithSubscribers: b.thresholds.map((t) => ({
      Notification: {
        NotificationType: t.type,
        ComparisonOperator: "GREATER_THAN",
        Threshold: t.percent,
        ThresholdType: "PERCENTAGE",
      },
      Subscribers: (b.emails.length > 0 ? b.emails : [SANDBOX_SUBSCRIBER]).map((Address) => ({
        SubscriptionType: "EMAIL",
        Address,
      })),
    })),
  }));
}
