/**
 * AWS Budgets: every budget of the account (or the configured names) with limit, actual and
 * forecasted spend, percentage used and notification thresholds. The account ID comes from
 * config.aws.accountId or STS GetCallerIdentity (asked once, then remembered).
 */
import type { Budget, BudgetsClient, Notification } from "@aws-sdk/client-budgets";
import { DescribeBudgetsCommand, DescribeNotificationsForBudgetCommand } from "@aws-sdk/client-budgets";
import type { STSClient } from "@aws-sdk/client-sts";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import type { BudgetView } from "../api/contract.ts";
import { awsCall, SourceError } from "./errors.ts";

export class AccountId {
  private cached: Promise<string> | null = null;
  constructor(
    private readonly sts: STSClient,
    private readonly configured?: string,
  ) {}

  get(): Promise<string> {
    if (this.configured) return Promise.resolve(this.configured);
    if (!this.cached) {
      this.cached = awsCall("GetCallerIdentity", () => this.sts.send(new GetCallerIdentityCommand({}))).then(
        (out) => {
          if (!out.Account)
            throw new SourceError(
              "GetCallerIdentity",
              "NoAccount",
              "GetCallerIdentity returned no account ID",
            );
          return out.Account;
        },
      );
      this.cached.catch(() => {
        this.cached = null;
      });
    }
    return this.cached;
  }
}

/** The budget's own scope in words, from its cost filters ("all services" when it has none). */
export function scopeOf(budget: Budget): string {
  const filters = Object.entries(budget.CostFilters ?? {}).filter(([, v]) => v.length > 0);
  if (filters.length === 0) return "all services";
  return filters.map(([k, v]) => `${k}: ${[...v].sort().join(", ")}`).join("; ");
}

export function toView(budget: Budget, notifications: readonly Notification[]): BudgetView {
  const cents = (x: number) => Math.round(x * 100) / 100;
  const limit = Number(budget.BudgetLimit?.Amount ?? 0);
  const rawActual = Number(budget.CalculatedSpend?.ActualSpend?.Amount ?? 0);
  const actual = cents(rawActual);
  const forecastRaw = budget.CalculatedSpend?.ForecastedSpend?.Amount;
  const forecast = forecastRaw === undefined ? null : cents(Number(forecastRaw));
  const percentOf = (amount: number) => (limit > 0 ? (amount / limit) * 100 : 0);
  return {
    name: budget.BudgetName ?? "",
    limit,
    actual,
    forecast,
    percentUsed: Math.round(percentOf(rawActual) * 100) / 100,
    timeUnit: budget.TimeUnit ?? "MONTHLY",
    scope: scopeOf(budget),
    thresholds: notifications.map((n) => {
      const type = n.NotificationType === "FORECASTED" ? "FORECASTED" : "ACTUAL";
      const percent = n.ThresholdType === "ABSOLUTE_VALUE" ? percentOf(n.Threshold ?? 0) : (n.Threshold ?? 0);
      const spent = type === "FORECASTED" ? percentOf(forecast ?? 0) : percentOf(actual);
      const crossed = n.NotificationState === "ALARM" || spent > percent;
      return { type, percent: Math.round(percent * 100) / 100, state: crossed ? "ALARM" : "OK" };
    }),
  };
}

export class BudgetsSource {
  constructor(
    private readonly client: BudgetsClient,
    private readonly account: AccountId,
    /** Only these budgets, when given. */
    private readonly names?: readonly string[],
  ) {}

  async fetch(): Promise<BudgetView[]> {
    const accountId = await this.account.get();
    const budgets: Budget[] = [];
    let token: string | undefined;
    do {
      const page = await awsCall("DescribeBudgets", () =>
        this.client.send(
          new DescribeBudgetsCommand({
            AccountId: accountId,
            MaxResults: 100,
            ...(token ? { NextToken: token } : {}),
          }),
        ),
      );
      budgets.push(...(page.Budgets ?? []));
      token = page.NextToken;
    } while (token);
    const wanted = this.names?.length
      ? budgets.filter((b) => this.names!.includes(b.BudgetName ?? ""))
      : budgets;
    // One budget whose notifications cannot be read keeps its figures and says why; it never
    // empties the panel for the others.
    return Promise.all(
      wanted.map(async (b) => {
        try {
          return toView(b, await this.notifications(accountId, b.BudgetName ?? ""));
        } catch (err) {
          const reason = err instanceof SourceError ? err.message : "the notifications could not be read";
          return { ...toView(b, []), thresholdsError: reason };
        }
      }),
    );
  }

  private async notifications(accountId: string, budgetName: string): Promise<Notification[]> {
    const out: Notification[] = [];
    let token: string | undefined;
    do {
      const page = await awsCall("DescribeNotificationsForBudget", () =>
        this.client.send(
          new DescribeNotificationsForBudgetCommand({
            AccountId: accountId,
            BudgetName: budgetName,
            MaxResults: 100,
            ...(token ? { NextToken: token } : {}),
          }),
        ),
      );
      out.push(...(page.Notifications ?? []));
      token = page.NextToken;
    } while (token);
    return out;
  }
}
