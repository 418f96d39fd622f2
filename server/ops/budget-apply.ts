/**
 * Budget setup, the I/O half: read the managed budgets from AWS Budgets, run a plan's calls in
 * order, and turn AWS errors into messages that name the missing permission.
 */
import {
  type BudgetsClient,
  CreateBudgetCommand,
  CreateNotificationCommand,
  CreateSubscriberCommand,
  DeleteSubscriberCommand,
  DescribeBudgetCommand,
  DescribeNotificationsForBudgetCommand,
  DescribeSubscribersForNotificationCommand,
  type Notification,
  UpdateBudgetCommand,
  UpdateNotificationCommand,
} from "@aws-sdk/client-budgets";
import type { CostExplorerClient } from "@aws-sdk/client-cost-explorer";
import { GetCallerIdentityCommand, type STSClient } from "@aws-sdk/client-sts";
import type { ManagedBudget } from "../config.ts";
import { CostsSource } from "../sources/costs.ts";
import { errorFacts, isAccessDenied, isNotFound } from "./aws-errors.ts";
import type {
  BudgetOperation,
  BudgetPlan,
  ObservedBudget,
  ObservedNotification,
  PlanStep,
} from "./budget-plan.ts";
import { bedrockFilter, planBudgets } from "./budget-plan.ts";

/** IAM action each Budgets operation needs (Service Authorization Reference, AWS Budget Service). */
export function budgetsPermission(operation: string): string {
  return operation.startsWith("Describe") ? "budgets:ViewBudget" : "budgets:ModifyBudget";
}

export class BudgetSetupError extends Error {
  override readonly name = "BudgetSetupError";
  constructor(
    message: string,
    readonly permission?: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

function explain(operation: string, budget: string, err: unknown): BudgetSetupError {
  const facts = errorFacts(err);
  if (isAccessDenied(facts)) {
    const permission = budgetsPermission(operation);
    return new BudgetSetupError(
      `${operation} on budget "${budget}" was denied (${facts.name}): grant ${permission} on arn:aws:budgets::<account>:budget/${budget} (see \`bedrock-ops iam-policy --features budget\`)`,
      permission,
      err,
    );
  }
  return new BudgetSetupError(
    `${operation} on budget "${budget}" failed: ${facts.name}: ${facts.message}`,
    undefined,
    err,
  );
}

/** The account ID: from config when set, else from STS GetCallerIdentity (needs no permission). */
export async function resolveAccountId(configured: string | undefined, sts: STSClient): Promise<string> {
  if (configured) return configured;
  try {
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    if (identity.Account) return identity.Account;
  } catch (err) {
    const facts = errorFacts(err);
    throw new BudgetSetupError(
      `Could not find the account ID (STS GetCallerIdentity: ${facts.name}: ${facts.message}); set aws.accountId in config.json or fix the credentials`,
      undefined,
      err,
    );
  }
  throw new BudgetSetupError("STS GetCallerIdentity returned no account; set aws.accountId in config.json");
}

async function subscribers(
  client: BudgetsClient,
  accountId: string,
  budget: string,
  notification: Notification,
): Promise<string[]> {
  const emails: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await client.send(
      new DescribeSubscribersForNotificationCommand({
        AccountId: accountId,
        BudgetName: budget,
        Notification: notification,
        NextToken,
      }),
    );
    for (const s of page.Subscribers ?? [])
      if (s.SubscriptionType === "EMAIL" && s.Address) emails.push(s.Address);
    NextToken = page.NextToken;
  } while (NextToken);
  return emails;
}

/** What AWS has for one budget name, or undefined when it does not exist. */
export async function readBudget(
  client: BudgetsClient,
  accountId: string,
  name: string,
): Promise<ObservedBudget | undefined> {
  let operation = "DescribeBudget";
  try {
    const found = await client.send(new DescribeBudgetCommand({ AccountId: accountId, BudgetName: name }));
    if (!found.Budget) return undefined;
    operation = "DescribeNotificationsForBudget";
    const notifications: ObservedNotification[] = [];
    let NextToken: string | undefined;
    do {
      const page = await client.send(
        new DescribeNotificationsForBudgetCommand({ AccountId: accountId, BudgetName: name, NextToken }),
      );
      for (const notification of page.Notifications ?? []) {
        operation = "DescribeSubscribersForNotification";
        notifications.push({
          notification,
          emails: await subscribers(client, accountId, name, notification),
        });
      }
      NextToken = page.NextToken;
    } while (NextToken);
    return { budget: found.Budget, notifications };
  } catch (err) {
    // DescribeBudget: NotFoundException for a missing budget; the notification reads: none yet.
    if (isNotFound(errorFacts(err))) {
      if (operation === "DescribeBudget") return undefined;
    }
    throw explain(operation, name, err);
  }
}

export async function readBudgets(client: BudgetsClient, accountId: string, names: readonly string[]) {
  const observed = new Map<string, ObservedBudget | undefined>();
  for (const name of names) observed.set(name, await readBudget(client, accountId, name));
  return observed;
}

function send(client: BudgetsClient, operation: BudgetOperation): Promise<unknown> {
  switch (operation.op) {
    case "CreateBudget":
      return client.send(new CreateBudgetCommand(operation.input));
    case "UpdateBudget":
      return client.send(new UpdateBudgetCommand(operation.input));
    case "CreateNotification":
      return client.send(new CreateNotificationCommand(operation.input));
    case "UpdateNotification":
      return client.send(new UpdateNotificationCommand(operation.input));
    case "CreateSubscriber":
      return client.send(new CreateSubscriberCommand(operation.input));
    case "DeleteSubscriber":
      return client.send(new DeleteSubscriberCommand(operation.input));
  }
}

/** Run the plan's calls in order; stops at the first failure. Returns the steps that were applied. */
export async function applyPlan(client: BudgetsClient, plan: BudgetPlan): Promise<PlanStep[]> {
  const applied: PlanStep[] = [];
  for (const step of plan.steps) {
    if (!step.operation) continue;
    try {
      await send(client, step.operation);
    } catch (err) {
      throw explain(step.operation.op, step.budget, err);
    }
    applied.push(step);
  }
  return applied;
}

/** The AWS Billing console page listing budgets. */
export function budgetsConsoleUrl(): string {
  return "https://us-east-1.console.aws.amazon.com/billing/home#/budgets";
}

export interface BudgetSetupResult {
  accountId: string;
  plan: BudgetPlan;
  /** Steps whose call was made (none on a dry run). */
  applied: PlanStep[];
}

/** The Bedrock services for a Bedrock-only filter: the first-party ones plus those Cost Explorer shows this month. */
async function bedrockServices(
  clients: { costExplorer?(): CostExplorerClient },
  managed: readonly ManagedBudget[],
): Promise<string[]> {
  if (!clients.costExplorer || !managed.some((m) => m.bedrockOnly)) return bedrockFilter();
  const today = new Date().toISOString().slice(0, 10);
  try {
    const month = await new CostsSource(clients.costExplorer()).monthly(today, today);
    return bedrockFilter(month.bedrockServices);
  } catch {
    // Without Cost Explorer access the first-party services still make a useful filter.
    return bedrockFilter();
  }
}

/** Budget setup end to end: account ID, read, plan, and (unless dry run) apply. */
export async function budgetSetup(
  clients: { budgets(): BudgetsClient; sts(): STSClient; costExplorer?(): CostExplorerClient },
  options: { accountId?: string | undefined; managed: readonly ManagedBudget[]; dryRun: boolean },
): Promise<BudgetSetupResult> {
  const accountId = await resolveAccountId(options.accountId, clients.sts());
  const budgets = clients.budgets();
  const observed = await readBudgets(
    budgets,
    accountId,
    options.managed.map((b) => b.name),
  );
  const plan = planBudgets(
    accountId,
    options.managed,
    observed,
    await bedrockServices(clients, options.managed),
  );
  const applied = options.dryRun ? [] : await applyPlan(budgets, plan);
  return { accountId, plan, applied };
}
