/**
 * Budget setup, pure: the alerts (notifications) of one managed budget and their e-mail
 * subscribers, matched against what AWS has. Thresholds match by type; a changed percentage is an
 * UpdateNotification, never a second alert.
 */
import type { Notification } from "@aws-sdk/client-budgets";
import type { ManagedBudget } from "../config.ts";
import type { ObservedBudget, PlanStep } from "./budget-plan.ts";

export function desiredNotification(t: ManagedBudget["thresholds"][number]): Notification {
  return {
    NotificationType: t.type,
    ComparisonOperator: "GREATER_THAN",
    Threshold: t.percent,
    ThresholdType: "PERCENTAGE",
  };
}

export function describeNotification(n: Notification): string {
  const op = n.ComparisonOperator === "LESS_THAN" ? "<" : n.ComparisonOperator === "EQUAL_TO" ? "=" : ">";
  const unit = n.ThresholdType === "ABSOLUTE_VALUE" ? " USD" : "%";
  return `alert ${n.NotificationType} ${op} ${n.Threshold}${unit}`;
}

const sameNotification = (a: Notification, b: Notification) =>
  a.NotificationType === b.NotificationType &&
  (a.ComparisonOperator ?? "GREATER_THAN") === (b.ComparisonOperator ?? "GREATER_THAN") &&
  (a.ThresholdType ?? "PERCENTAGE") === (b.ThresholdType ?? "PERCENTAGE") &&
  a.Threshold === b.Threshold;

const stripState = ({ NotificationState: _state, ...n }: Notification): Notification => n;

function planSubscribers(
  accountId: string,
  managed: ManagedBudget,
  notification: Notification,
  existing: string[],
  steps: PlanStep[],
) {
  const base = { AccountId: accountId, BudgetName: managed.name, Notification: stripState(notification) };
  const label = describeNotification(notification);
  const have = new Set(existing.map((e) => e.toLowerCase()));
  const want = new Set(managed.emails.map((e) => e.toLowerCase()));
  for (const email of managed.emails) {
    if (have.has(email.toLowerCase())) {
      steps.push({ change: "unchanged", budget: managed.name, subject: `${label} -> ${email}` });
    } else {
      steps.push({
        change: "create",
        budget: managed.name,
        subject: `${label} -> ${email}`,
        operation: {
          op: "CreateSubscriber",
          input: { ...base, Subscriber: { SubscriptionType: "EMAIL", Address: email } },
        },
      });
    }
  }
  // Subscribers are replaced only when the configuration names some: an empty list never removes
  // addresses someone added in the console.
  if (managed.emails.length === 0) return;
  for (const email of existing) {
    if (want.has(email.toLowerCase())) continue;
    steps.push({
      change: "delete",
      budget: managed.name,
      subject: `${label} -> ${email}`,
      before: email,
      operation: {
        op: "DeleteSubscriber",
        input: { ...base, Subscriber: { SubscriptionType: "EMAIL", Address: email } },
      },
    });
  }
}

export function planNotifications(
  accountId: string,
  managed: ManagedBudget,
  observed: ObservedBudget,
  steps: PlanStep[],
  warnings: string[],
) {
  const wanted = managed.thresholds.map(desiredNotification);
  const unmatched = [...observed.notifications];
  const pending: Notification[] = [];
  for (const want of wanted) {
    const i = unmatched.findIndex((o) => sameNotification(o.notification, want));
    if (i >= 0) {
      const [match] = unmatched.splice(i, 1);
      steps.push({ change: "unchanged", budget: managed.name, subject: describeNotification(want) });
      planSubscribers(accountId, managed, match!.notification, match!.emails, steps);
    } else pending.push(want);
  }
  for (const want of pending) {
    const i = unmatched.findIndex(
      (o) =>
        o.notification.NotificationType === want.NotificationType &&
        (o.notification.ThresholdType ?? "PERCENTAGE") === "PERCENTAGE",
    );
    if (i >= 0) {
      const [old] = unmatched.splice(i, 1);
      steps.push({
        change: "update",
        budget: managed.name,
        subject: `alert ${want.NotificationType}`,
        before: describeNotification(old!.notification),
        after: describeNotification(want),
        operation: {
          op: "UpdateNotification",
          input: {
            AccountId: accountId,
            BudgetName: managed.name,
            OldNotification: stripState(old!.notification),
            NewNotification: want,
          },
        },
      });
      planSubscribers(accountId, managed, want, old!.emails, steps);
    } else if (managed.emails.length === 0) {
      warnings.push(
        `${managed.name}: ${describeNotification(want)} needs at least one e-mail; add budgets.managed[].emails or pass --email`,
      );
    } else {
      steps.push({
        change: "create",
        budget: managed.name,
        subject: `${describeNotification(want)} -> ${managed.emails.join(", ")}`,
        operation: {
          op: "CreateNotification",
          input: {
            AccountId: accountId,
            BudgetName: managed.name,
            Notification: want,
            Subscribers: managed.emails.map((Address) => ({ SubscriptionType: "EMAIL", Address })),
          },
        },
      });
    }
  }
  for (const extra of unmatched) {
    warnings.push(
      `${managed.name}: ${describeNotification(extra.notification)} is not in the configuration; left as is`,
    );
  }
}
