/**
 * AWS Budgets (awsJson1_1, X-Amz-Target AWSBudgetServiceGateway.<Op>): budgets, notifications and
 * subscribers, with CalculatedSpend and notification state from the sandbox bill.
 * Error texts follow AWS's (as also reproduced by moto's budgets backend).
 */
import { AwsError } from "../../core/errors.ts";
import type { JsonOperation, JsonProvider, SandboxContext } from "../../core/types.ts";
import { calculatedSpend, currentPeriod, notificationState, spendFigures } from "./spend.ts";
import {
  type BudgetEntry,
  BudgetStore,
  type StoredBudget,
  type StoredNotification,
  sameNotification,
  sameSubscriber,
} from "./store.ts";
import {
  checkAccount,
  checkSubscriberLimits,
  duplicate,
  notFound,
  page,
  readBudget,
  readName,
  readNotification,
  readSubscriber,
  readSubscribers,
} from "./validate.ts";

/** A stand-in request for seeding: CreateBudget reads only its input. */
const SEED_REQUEST = {
  method: "POST",
  path: "/",
  rawPath: "/",
  query: new URLSearchParams(),
  headers: {},
  body: Buffer.alloc(0),
  httpVersion: "1.1",
  region: "us-east-1",
  notes: {},
};

/** AWS's limit of notifications per budget. */
const MAX_NOTIFICATIONS = 5;

const DEFAULT_COST_TYPES = {
  IncludeTax: true,
  IncludeSubscription: true,
  UseBlended: false,
  IncludeRefund: true,
  IncludeCredit: true,
  IncludeUpfront: true,
  IncludeRecurring: true,
  IncludeOtherSubscription: true,
  IncludeSupport: true,
  IncludeDiscount: true,
  UseAmortized: false,
};

export function createBudgetsProvider(ctx: SandboxContext): JsonProvider {
  const store = new BudgetStore(ctx.settings.budgets?.stateFile);
  const nowSeconds = () => Math.floor(ctx.now() / 1000);
  const periodStartOf = (timeUnit: string) =>
    Math.floor(currentPeriod({ TimeUnit: timeUnit } as StoredBudget, ctx.now()).start / 1000);

  function entry(name: string, verb: string): BudgetEntry {
    const found = store.get(name);
    if (!found) throw notFound(`Unable to ${verb} budget: ${name} - the budget doesn't exist.`);
    return found;
  }

  function notificationOf(
    e: BudgetEntry,
    raw: unknown,
    verb: string,
    field = "Notification",
  ): StoredNotification {
    const wanted = readNotification(raw, field);
    const found = e.notifications.find((n) => sameNotification(n.notification, wanted));
    if (!found) throw notFound(`Unable to ${verb} - the notification doesn't exist.`);
    return found;
  }

  function wire(b: StoredBudget): Record<string, unknown> {
    const out: Record<string, unknown> = {
      ...b,
      TimePeriod: { Start: new Date(b.TimePeriod.Start * 1000), End: new Date(b.TimePeriod.End * 1000) },
      LastUpdatedTime: new Date(b.LastUpdatedTime * 1000),
      CalculatedSpend: calculatedSpend(spendFigures(ctx, b)),
    };
    // AWS answers every CostTypes flag, UseAmortized: false included, filling in what the request left out.
    if (b.BudgetType === "COST") out.CostTypes = { ...DEFAULT_COST_TYPES, ...b.CostTypes };
    if (!b.CostFilters) out.CostFilters = {};
    return out;
  }

  const ops: Record<string, JsonOperation> = {
    CreateBudget: (input) => {
      const name = (input.Budget as { BudgetName?: string } | undefined)?.BudgetName;
      checkAccount(input, ctx.accountId, "ModifyBudget", name);
      const budget = readBudget(input.Budget, nowSeconds(), periodStartOf);
      if (store.get(budget.BudgetName))
        throw duplicate(`Error creating budget: ${budget.BudgetName} - the budget already exists.`);
      const list = Array.isArray(input.NotificationsWithSubscribers)
        ? input.NotificationsWithSubscribers
        : [];
      if (list.length > MAX_NOTIFICATIONS) throw creationLimit();
      const notifications: StoredNotification[] = [];
      list.forEach((raw: { Notification?: unknown; Subscribers?: unknown }, i) => {
        const notification = readNotification(
          raw.Notification,
          `NotificationsWithSubscribers[${i}].Notification`,
        );
        const subscribers = readSubscribers(
          raw.Subscribers,
          `NotificationsWithSubscribers[${i}].Subscribers`,
        );
        checkSubscriberLimits(subscribers);
        if (notifications.some((n) => sameNotification(n.notification, notification))) {
          throw duplicate(
            `Error creating notification: ${budget.BudgetName} - the notification already exists.`,
          );
        }
        notifications.push({ notification, subscribers });
      });
      store.put({ budget, notifications });
      return {};
    },
    DescribeBudget: (input) => {
      const name = readName(input.BudgetName);
      checkAccount(input, ctx.accountId, "ViewBudget", name);
      return { Budget: wire(entry(name, "get").budget) };
    },
    DescribeBudgets: (input) => {
      checkAccount(input, ctx.accountId, "ViewBudget");
      const p = page(store.list(), input);
      const out: Record<string, unknown> = { Budgets: p.items.map((e) => wire(e.budget)) };
      if (p.next) out.NextToken = p.next;
      return out;
    },
    UpdateBudget: (input) => {
      const name = (input.NewBudget as { BudgetName?: string } | undefined)?.BudgetName;
      checkAccount(input, ctx.accountId, "ModifyBudget", name);
      const next = readBudget(input.NewBudget, nowSeconds(), periodStartOf);
      const e = entry(next.BudgetName, "update");
      const tp = (input.NewBudget as { TimePeriod?: { Start?: unknown } }).TimePeriod;
      if (tp?.Start === undefined && next.TimeUnit === e.budget.TimeUnit)
        next.TimePeriod.Start = e.budget.TimePeriod.Start;
      store.put({ budget: next, notifications: e.notifications });
      return {};
    },
    DeleteBudget: (input) => {
      const name = readName(input.BudgetName);
      checkAccount(input, ctx.accountId, "ModifyBudget", name);
      if (!store.get(name))
        throw notFound(
          `Unable to delete budget: ${name} - the budget doesn't exist. Try creating it first. `,
        );
      store.delete(name);
      return {};
    },
    CreateNotification: (input) => {
      const name = readName(input.BudgetName);
      checkAccount(input, ctx.accountId, "ModifyBudget", name);
      const notification = readNotification(input.Notification);
      const subscribers = readSubscribers(input.Subscribers);
      const e = store.get(name);
      if (!e) throw notFound("Unable to create notification - the budget doesn't exist.");
      if (e.notifications.some((n) => sameNotification(n.notification, notification))) {
        throw duplicate(`Error creating notification: ${name} - the notification already exists.`);
      }
      if (e.notifications.length >= MAX_NOTIFICATIONS) throw creationLimit();
      checkSubscriberLimits(subscribers);
      e.notifications.push({ notification, subscribers });
      store.save();
      return {};
    },
    UpdateNotification: (input) => {
      const name = readName(input.BudgetName);
      checkAccount(input, ctx.accountId, "ModifyBudget", name);
      const e = entry(name, "get");
      const old = notificationOf(e, input.OldNotification, "update notification", "OldNotification");
      const next = readNotification(input.NewNotification, "NewNotification");
      if (
        !sameNotification(old.notification, next) &&
        e.notifications.some((n) => sameNotification(n.notification, next))
      ) {
        throw duplicate(`Error updating notification: ${name} - the notification already exists.`);
      }
      old.notification = next;
      store.save();
      return {};
    },
    DeleteNotification: (input) => {
      const name = readName(input.BudgetName);
      checkAccount(input, ctx.accountId, "ModifyBudget", name);
      const e = store.get(name);
      if (!e) throw notFound("Unable to delete notification - the budget doesn't exist.");
      const n = notificationOf(e, input.Notification, "delete notification");
      e.notifications = e.notifications.filter((x) => x !== n);
      store.save();
      return {};
    },
    DescribeNotificationsForBudget: (input) => {
      const name = readName(input.BudgetName);
      checkAccount(input, ctx.accountId, "ViewBudget", name);
      const e = entry(name, "get");
      const figures = spendFigures(ctx, e.budget);
      const p = page(e.notifications, input);
      const out: Record<string, unknown> = {
        Notifications: p.items.map((n) => ({
          ...n.notification,
          NotificationState: notificationState(n.notification, figures),
        })),
      };
      if (p.next) out.NextToken = p.next;
      return out;
    },
    CreateSubscriber: (input) => {
      const name = readName(input.BudgetName);
      checkAccount(input, ctx.accountId, "ModifyBudget", name);
      const n = notificationOf(entry(name, "get"), input.Notification, "create subscriber");
      const s = readSubscriber(input.Subscriber);
      if (n.subscribers.some((x) => sameSubscriber(x, s)))
        throw duplicate(`Error creating subscriber: ${s.Address} - the subscriber already exists.`);
      checkSubscriberLimits([...n.subscribers, s]);
      n.subscribers.push(s);
      store.save();
      return {};
    },
    UpdateSubscriber: (input) => {
      const name = readName(input.BudgetName);
      checkAccount(input, ctx.accountId, "ModifyBudget", name);
      const n = notificationOf(entry(name, "get"), input.Notification, "update subscriber");
      const old = readSubscriber(input.OldSubscriber, "OldSubscriber");
      const next = readSubscriber(input.NewSubscriber, "NewSubscriber");
      const index = n.subscribers.findIndex((x) => sameSubscriber(x, old));
      if (index < 0) throw notFound("Unable to update subscriber - the subscriber doesn't exist.");
      if (!sameSubscriber(old, next) && n.subscribers.some((x) => sameSubscriber(x, next)))
        throw duplicate(`Error updating subscriber: ${next.Address} - the subscriber already exists.`);
      const list = n.subscribers.map((x, i) => (i === index ? next : x));
      checkSubscriberLimits(list);
      n.subscribers = list;
      store.save();
      return {};
    },
    DeleteSubscriber: (input) => {
      const name = readName(input.BudgetName);
      checkAccount(input, ctx.accountId, "ModifyBudget", name);
      const n = notificationOf(entry(name, "get"), input.Notification, "delete subscriber");
      const s = readSubscriber(input.Subscriber);
      const before = n.subscribers.length;
      n.subscribers = n.subscribers.filter((x) => !sameSubscriber(x, s));
      if (n.subscribers.length === before)
        throw notFound("Unable to delete subscriber - the subscriber doesn't exist.");
      store.save();
      return {};
    },
    DescribeSubscribersForNotification: (input) => {
      const name = readName(input.BudgetName);
      checkAccount(input, ctx.accountId, "ViewBudget", name);
      const n = notificationOf(entry(name, "get"), input.Notification, "get subscribers");
      const p = page(n.subscribers, input);
      const out: Record<string, unknown> = { Subscribers: p.items };
      if (p.next) out.NextToken = p.next;
      return out;
    },
  };

  /** Give an empty account its initial budgets (settings.budgets.initial). */
  function seed(): void {
    if (store.list().length > 0) return;
    for (const input of ctx.settings.budgets?.initial ?? []) {
      const create = ops.CreateBudget;
      if (create) void create({ ...input, AccountId: ctx.accountId }, SEED_REQUEST);
    }
  }
  seed();

  return {
    kind: "json",
    service: "budgets",
    targetPrefix: "AWSBudgetServiceGateway",
    protocol: "1.1",
    operations: ops,
    reset: () => {
      store.clear();
      seed();
    },
  };
}

function creationLimit(): AwsError {
  return new AwsError(
    "CreationLimitExceededException",
    "You've exceeded the notification or subscriber limit.",
    400,
  );
}
