/** Budgets state: budgets with their notifications and subscribers, optionally persisted as JSON. */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export interface Spend {
  Amount: string;
  Unit: string;
}

export interface NotificationShape {
  NotificationType: string;
  ComparisonOperator: string;
  Threshold: number;
  ThresholdType?: string;
  NotificationState?: string;
}

export interface SubscriberShape {
  SubscriptionType: string;
  Address: string;
}

/** A budget as stored: the Budget members the caller sent (timestamps in epoch seconds). */
export interface StoredBudget {
  BudgetName: string;
  BudgetType: string;
  TimeUnit: string;
  BudgetLimit?: Spend;
  PlannedBudgetLimits?: Record<string, Spend>;
  CostFilters?: Record<string, string[]>;
  CostTypes?: Record<string, boolean>;
  TimePeriod: { Start: number; End: number };
  AutoAdjustData?: Record<string, unknown>;
  FilterExpression?: Record<string, unknown>;
  Metrics?: string[];
  LastUpdatedTime: number;
}

export interface StoredNotification {
  notification: NotificationShape;
  subscribers: SubscriberShape[];
}

export interface BudgetEntry {
  budget: StoredBudget;
  notifications: StoredNotification[];
}

export class BudgetStore {
  private budgets = new Map<string, BudgetEntry>();

  constructor(private readonly file?: string) {
    if (file && existsSync(file)) {
      const parsed = JSON.parse(readFileSync(file, "utf8")) as { budgets?: BudgetEntry[] };
      for (const entry of parsed.budgets ?? []) this.budgets.set(entry.budget.BudgetName, entry);
    }
  }

  get(name: string): BudgetEntry | undefined {
    return this.budgets.get(name);
  }

  list(): BudgetEntry[] {
    return [...this.budgets.values()];
  }

  put(entry: BudgetEntry): void {
    this.budgets.set(entry.budget.BudgetName, entry);
    this.save();
  }

  delete(name: string): void {
    this.budgets.delete(name);
    this.save();
  }

  /** Persist after an in-place change of an entry. */
  save(): void {
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ budgets: this.list() }, null, 2)}\n`);
    renameSync(tmp, this.file);
  }

  clear(): void {
    this.budgets.clear();
    this.save();
  }
}

/** Notifications are identified by type, operator, threshold and threshold type (PERCENTAGE by default). */
export function sameNotification(a: NotificationShape, b: NotificationShape): boolean {
  return (
    a.NotificationType === b.NotificationType &&
    a.ComparisonOperator === b.ComparisonOperator &&
    a.Threshold === b.Threshold &&
    (a.ThresholdType ?? "PERCENTAGE") === (b.ThresholdType ?? "PERCENTAGE")
  );
}

export function sameSubscriber(a: SubscriberShape, b: SubscriberShape): boolean {
  return a.SubscriptionType === b.SubscriptionType && a.Address === b.Address;
}
