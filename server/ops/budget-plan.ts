/**
 * Budget setup, the pure half: compare the budgets the configuration manages with what AWS has,
 * and produce the steps (create / update / unchanged) and the exact Budgets API inputs to apply.
 * Only budgets named in the configuration are ever looked at or changed.
 */
import type {
  Budget,
  CreateBudgetCommandInput,
  CreateNotificationCommandInput,
  CreateSubscriberCommandInput,
  DeleteSubscriberCommandInput,
  Notification,
  UpdateBudgetCommandInput,
  UpdateNotificationCommandInput,
} from "@aws-sdk/client-budgets";
import type { ManagedBudget } from "../config.ts";
import { describeNotification, desiredNotification, planNotifications } from "./budget-plan-alerts.ts";

/** The cost filter value AWS uses for the Bedrock service (Cost Explorer SERVICE dimension). */
export const BEDROCK_SERVICE = "Amazon Bedrock";
/**
 * Every Cost Explorer / Budgets service that carries Bedrock spend: first-party models bill under
 * "Amazon Bedrock" and "Amazon Bedrock Service", each third-party model under its own Marketplace
 * service ("Claude Haiku 4.5 (Amazon Bedrock Edition)"), which the setup discovers from Cost Explorer.
 */
export const BEDROCK_SERVICES: readonly string[] = [BEDROCK_SERVICE, "Amazon Bedrock Service"];

/** The Bedrock filter: the first-party services plus any discovered ones, sorted. */
export function bedrockFilter(discovered: readonly string[] = []): string[] {
  return [...new Set([...BEDROCK_SERVICES, ...discovered])].sort();
}

export interface ObservedNotification {
  notification: Notification;
  /** E-mail subscriber addresses. */
  emails: string[];
}

export interface ObservedBudget {
  budget: Budget;
  notifications: ObservedNotification[];
}

export type BudgetOperation =
  | { op: "CreateBudget"; input: CreateBudgetCommandInput }
  | { op: "UpdateBudget"; input: UpdateBudgetCommandInput }
  | { op: "CreateNotification"; input: CreateNotificationCommandInput }
  | { op: "UpdateNotification"; input: UpdateNotificationCommandInput }
  | { op: "CreateSubscriber"; input: CreateSubscriberCommandInput }
  | { op: "DeleteSubscriber"; input: DeleteSubscriberCommandInput };

export type ChangeKind = "create" | "update" | "delete" | "unchanged";

export interface PlanStep {
  change: ChangeKind;
  budget: string;
  /** What the step is about: "budget", "alert ACTUAL > 80%", "subscriber ops@example.com". */
  subject: string;
  before?: string;
  after?: string;
  /** The API call that makes the change; absent for unchanged steps and parts of a create. */
  operation?: BudgetOperation;
}

export interface BudgetPlan {
  accountId: string;
  steps: PlanStep[];
  warnings: string[];
}

function serviceFilter(budget: Budget): string[] {
  return [...(budget.CostFilters?.Service ?? [])].sort();
}

function describeBudget(b: Budget): string {
  const services = serviceFilter(b);
  const scope = services.length ? `services: ${services.join(", ")}` : "all services";
  return `${b.BudgetLimit?.Amount ?? "?"} ${b.BudgetLimit?.Unit ?? ""} ${b.TimeUnit ?? ""} ${b.BudgetType ?? ""} (${scope})`
    .replace(/\s+/g, " ")
    .trim();
}

/** The budget as the configuration wants it. */
export function desiredBudget(
  managed: ManagedBudget,
  bedrockServices: readonly string[] = bedrockFilter(),
): Budget {
  const budget: Budget = {
    BudgetName: managed.name,
    BudgetType: "COST",
    TimeUnit: "MONTHLY",
    BudgetLimit: { Amount: String(managed.limitUsd), Unit: "USD" },
  };
  if (managed.bedrockOnly) budget.CostFilters = { Service: [...bedrockServices] };
  return budget;
}

/** The existing budget with the managed fields replaced; read-only fields dropped. */
function updatedBudget(existing: Budget, managed: ManagedBudget, bedrockServices: readonly string[]): Budget {
  const {
    CalculatedSpend: _spend,
    LastUpdatedTime: _updated,
    PlannedBudgetLimits: _planned,
    ...rest
  } = existing;
  const filters = { ...(existing.CostFilters ?? {}) };
  if (managed.bedrockOnly) filters.Service = [...bedrockServices];
  else delete filters.Service;
  const next: Budget = {
    ...rest,
    BudgetType: "COST",
    TimeUnit: "MONTHLY",
    BudgetLimit: { Amount: String(managed.limitUsd), Unit: "USD" },
  };
  if (Object.keys(filters).length > 0) next.CostFilters = filters;
  else delete next.CostFilters;
  return next;
}

function budgetDiffers(existing: Budget, wanted: Budget): boolean {
  return (
    Number(existing.BudgetLimit?.Amount) !== Number(wanted.BudgetLimit?.Amount) ||
    existing.BudgetLimit?.Unit !== wanted.BudgetLimit?.Unit ||
    existing.BudgetType !== wanted.BudgetType ||
    existing.TimeUnit !== wanted.TimeUnit ||
    serviceFilter(existing).join("|") !== serviceFilter(wanted).join("|")
  );
}

/** Plan the changes that make AWS match `managed`. `observed` maps budget name to what AWS has (undefined: missing). */
export function planBudgets(
  accountId: string,
  managed: readonly ManagedBudget[],
  observed: ReadonlyMap<string, ObservedBudget | undefined>,
  bedrockServices: readonly string[] = bedrockFilter(),
): BudgetPlan {
  const steps: PlanStep[] = [];
  const warnings: string[] = [];
  for (const m of managed) {
    const wanted = desiredBudget(m, bedrockServices);
    const existing = observed.get(m.name);
    if (!existing) {
      const notifications = m.emails.length ? m.thresholds.map(desiredNotification) : [];
      if (m.emails.length === 0)
        warnings.push(
          `${m.name}: no e-mail subscribers configured, so the budget is created without alerts; add budgets.managed[].emails or pass --email`,
        );
      steps.push({
        change: "create",
        budget: m.name,
        subject: "budget",
        after: describeBudget(wanted),
        operation: {
          op: "CreateBudget",
          input: {
            AccountId: accountId,
            Budget: wanted,
            NotificationsWithSubscribers: notifications.map((Notification) => ({
              Notification,
              Subscribers: m.emails.map((Address) => ({ SubscriptionType: "EMAIL", Address })),
            })),
          },
        },
      });
      for (const n of notifications) {
        steps.push({
          change: "create",
          budget: m.name,
          subject: `${describeNotification(n)} -> ${m.emails.join(", ")}`,
        });
      }
      continue;
    }
    if (budgetDiffers(existing.budget, wanted)) {
      const next = updatedBudget(existing.budget, m, bedrockServices);
      steps.push({
        change: "update",
        budget: m.name,
        subject: "budget",
        before: describeBudget(existing.budget),
        after: describeBudget(next),
        operation: { op: "UpdateBudget", input: { AccountId: accountId, NewBudget: next } },
      });
    } else {
      steps.push({
        change: "unchanged",
        budget: m.name,
        subject: "budget",
        after: describeBudget(existing.budget),
      });
    }
    planNotifications(accountId, m, existing, steps, warnings);
  }
  return { accountId, steps, warnings };
}

const SIGN: Record<ChangeKind, string> = { create: "+", update: "~", delete: "-", unchanged: "=" };

/** The plan as a diff, one line per step. */
export function formatPlan(plan: BudgetPlan): string {
  const lines = plan.steps.map((s) => {
    const detail = s.before && s.after ? `: ${s.before} -> ${s.after}` : s.after ? `: ${s.after}` : "";
    return `${SIGN[s.change]} ${s.change.padEnd(9)} ${s.budget}  ${s.subject}${detail}`;
  });
  return [...lines, ...plan.warnings.map((w) => `! ${w}`)].join("\n");
}

export function countChanges(plan: BudgetPlan): Record<ChangeKind, number> {
  const counts: Record<ChangeKind, number> = { create: 0, update: 0, delete: 0, unchanged: 0 };
  for (const s of plan.steps) if (s.operation || s.change === "unchanged") counts[s.change]++;
  return counts;
}
