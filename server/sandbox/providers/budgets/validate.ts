/** Input checks of the Budgets operations, with AWS's error types (InvalidParameterException, AccessDenied). */
import { AwsError } from "../../core/errors.ts";
import type { NotificationShape, Spend, StoredBudget, SubscriberShape } from "./store.ts";

export const invalid = (message: string) => new AwsError("InvalidParameterException", message, 400);
export const notFound = (message: string) => new AwsError("NotFoundException", message, 400);
export const duplicate = (message: string) => new AwsError("DuplicateRecordException", message, 400);

const TIME_UNITS = new Set(["DAILY", "MONTHLY", "QUARTERLY", "ANNUALLY", "CUSTOM"]);
const BUDGET_TYPES = new Set([
  "USAGE",
  "COST",
  "RI_UTILIZATION",
  "RI_COVERAGE",
  "SAVINGS_PLANS_UTILIZATION",
  "SAVINGS_PLANS_COVERAGE",
]);
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const SNS_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;
/** Far-future End AWS gives budgets without one: 2087-06-15T00:00:00Z. */
export const OPEN_END = 3706473600;

/** The AccountId must be the caller's (the sandbox account); AWS answers AccessDenied otherwise. */
export function checkAccount(
  input: Record<string, unknown>,
  accountId: string,
  action: string,
  budgetName?: string,
): void {
  const id = input.AccountId;
  if (typeof id !== "string" || !/^\d{12}$/.test(id))
    throw invalid(`AccountId ${String(id)} is not valid: use the 12-digit account ID, e.g. ${accountId}`);
  if (id !== accountId) {
    const resource = `arn:aws:budgets::${id}:budget/${budgetName ?? "*"}`;
    throw new AwsError(
      "AccessDeniedException",
      `User: arn:aws:iam::${accountId}:user/bedrock-ops-sandbox is not authorized to perform: budgets:${action} on resource: ${resource}`,
      400,
    );
  }
}

export function readName(raw: unknown, field = "BudgetName"): string {
  if (typeof raw !== "string" || raw.length === 0 || raw.length > 100)
    throw invalid(`${field} is required (1 to 100 characters)`);
  if (/[:\\]/.test(raw) || raw.includes("/action/"))
    throw invalid(
      `${field} ${raw} is not valid: the characters ':' and '\\' and the substring "/action/" are not allowed`,
    );
  return raw;
}

function readSpend(raw: unknown, field: string): Spend {
  const s = raw as { Amount?: unknown; Unit?: unknown } | undefined;
  if (!s || typeof s.Amount !== "string" || !/^\d+(\.\d+)?$/.test(s.Amount))
    throw invalid(
      `${field}.Amount ${String(s?.Amount)} is not valid: use a non-negative decimal string such as "10.0"`,
    );
  if (typeof s.Unit !== "string" || s.Unit.length === 0) throw invalid(`${field}.Unit is required, e.g. USD`);
  return { Amount: s.Amount, Unit: s.Unit };
}

function epochSeconds(raw: unknown, field: string): number | undefined {
  if (raw === undefined || raw === null) return undefined;
  const n = typeof raw === "number" ? raw : typeof raw === "string" ? Date.parse(raw) / 1000 : Number.NaN;
  if (!Number.isFinite(n)) throw invalid(`${field} ${String(raw)} is not a valid timestamp`);
  return Math.floor(n);
}

/** Validate a Budget input and normalise it for storage. `periodStart` is the current period's start (epoch s). */
export function readBudget(
  raw: unknown,
  nowSeconds: number,
  periodStartOf: (timeUnit: string) => number,
): StoredBudget {
  if (raw === null || typeof raw !== "object") throw invalid("Budget is required");
  const b = raw as Record<string, unknown>;
  const name = readName(b.BudgetName);
  const timeUnit = b.TimeUnit;
  if (typeof timeUnit !== "string" || !TIME_UNITS.has(timeUnit))
    throw invalid(
      `TimeUnit ${String(timeUnit)} is not valid: use DAILY, MONTHLY, QUARTERLY, ANNUALLY or CUSTOM`,
    );
  const budgetType = b.BudgetType;
  if (typeof budgetType !== "string" || !BUDGET_TYPES.has(budgetType))
    throw invalid(
      `BudgetType ${String(budgetType)} is not valid: use COST, USAGE, RI_UTILIZATION, RI_COVERAGE, SAVINGS_PLANS_UTILIZATION or SAVINGS_PLANS_COVERAGE`,
    );
  if (b.BudgetLimit === undefined && b.PlannedBudgetLimits === undefined && b.AutoAdjustData === undefined) {
    throw invalid(
      "Unable to create/update budget - please provide one of the followings: Budget Limit/ Planned Budget Limit/ Auto Adjust Data",
    );
  }
  const tp = (b.TimePeriod ?? {}) as { Start?: unknown; End?: unknown };
  const start = epochSeconds(tp.Start, "TimePeriod.Start") ?? periodStartOf(timeUnit);
  const end = epochSeconds(tp.End, "TimePeriod.End") ?? OPEN_END;
  if (end <= start) throw invalid("TimePeriod.End must be after TimePeriod.Start");
  const out: StoredBudget = {
    BudgetName: name,
    BudgetType: budgetType,
    TimeUnit: timeUnit,
    TimePeriod: { Start: start, End: end },
    LastUpdatedTime: nowSeconds,
  };
  if (b.BudgetLimit !== undefined) out.BudgetLimit = readSpend(b.BudgetLimit, "BudgetLimit");
  if (b.PlannedBudgetLimits !== undefined) {
    const planned: Record<string, Spend> = {};
    for (const [k, v] of Object.entries(b.PlannedBudgetLimits as Record<string, unknown>))
      planned[k] = readSpend(v, `PlannedBudgetLimits.${k}`);
    out.PlannedBudgetLimits = planned;
  }
  if (b.CostFilters !== undefined) {
    const filters: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(b.CostFilters as Record<string, unknown>)) {
      if (!Array.isArray(v) || v.some((x) => typeof x !== "string"))
        throw invalid(`CostFilters.${k} must be a list of strings`);
      filters[k] = v as string[];
    }
    out.CostFilters = filters;
  }
  if (b.CostTypes !== undefined) out.CostTypes = b.CostTypes as Record<string, boolean>;
  if (b.AutoAdjustData !== undefined) out.AutoAdjustData = b.AutoAdjustData as Record<string, unknown>;
  if (b.FilterExpression !== undefined) out.FilterExpression = b.FilterExpression as Record<string, unknown>;
  if (Array.isArray(b.Metrics)) out.Metrics = b.Metrics as string[];
  return out;
}

export function readNotification(raw: unknown, field = "Notification"): NotificationShape {
  const n = raw as Record<string, unknown> | undefined;
  if (!n || typeof n !== "object") throw invalid(`${field} is required`);
  if (n.NotificationType !== "ACTUAL" && n.NotificationType !== "FORECASTED")
    throw invalid(
      `${field}.NotificationType ${String(n.NotificationType)} is not valid: use ACTUAL or FORECASTED`,
    );
  if (
    n.ComparisonOperator !== "GREATER_THAN" &&
    n.ComparisonOperator !== "LESS_THAN" &&
    n.ComparisonOperator !== "EQUAL_TO"
  ) {
    throw invalid(
      `${field}.ComparisonOperator ${String(n.ComparisonOperator)} is not valid: use GREATER_THAN, LESS_THAN or EQUAL_TO`,
    );
  }
  const threshold = n.Threshold;
  if (
    typeof threshold !== "number" ||
    !Number.isFinite(threshold) ||
    threshold < 0 ||
    threshold > 1_000_000_000
  ) {
    throw invalid(`${field}.Threshold ${String(threshold)} is not valid: use a number from 0 to 1000000000`);
  }
  const thresholdType = n.ThresholdType ?? "PERCENTAGE";
  if (thresholdType !== "PERCENTAGE" && thresholdType !== "ABSOLUTE_VALUE")
    throw invalid(
      `${field}.ThresholdType ${String(thresholdType)} is not valid: use PERCENTAGE or ABSOLUTE_VALUE`,
    );
  return {
    NotificationType: n.NotificationType,
    ComparisonOperator: n.ComparisonOperator,
    Threshold: threshold,
    ThresholdType: thresholdType,
  };
}

export function readSubscriber(raw: unknown, field = "Subscriber"): SubscriberShape {
  const s = raw as Record<string, unknown> | undefined;
  if (!s || typeof s !== "object") throw invalid(`${field} is required`);
  const address = s.Address;
  if (s.SubscriptionType === "EMAIL") {
    if (typeof address !== "string" || !EMAIL.test(address))
      throw invalid(`${field}.Address ${String(address)} is not a valid email address`);
  } else if (s.SubscriptionType === "SNS") {
    if (typeof address !== "string" || !SNS_ARN.test(address))
      throw invalid(
        `${field}.Address ${String(address)} is not a valid SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>)`,
      );
  } else {
    throw invalid(`${field}.SubscriptionType ${String(s.SubscriptionType)} is not valid: use EMAIL or SNS`);
  }
  return { SubscriptionType: s.SubscriptionType, Address: address };
}

export function readSubscribers(raw: unknown, field = "Subscribers"): SubscriberShape[] {
  if (!Array.isArray(raw) || raw.length === 0) throw invalid(`${field} must list 1 to 11 subscribers`);
  return raw.map((s, i) => readSubscriber(s, `${field}[${i}]`));
}

/** AWS's limits: 10 email subscribers and 1 SNS topic per notification. */
export function checkSubscriberLimits(list: readonly SubscriberShape[]): void {
  const emails = list.filter((s) => s.SubscriptionType === "EMAIL").length;
  const sns = list.filter((s) => s.SubscriptionType === "SNS").length;
  if (emails > 10 || sns > 1)
    throw new AwsError(
      "CreationLimitExceededException",
      "You've exceeded the notification or subscriber limit.",
      400,
    );
}

/** Offset pagination with an opaque token; MaxResults 1 to 100 (default 100). */
export function page<T>(items: readonly T[], input: Record<string, unknown>): { items: T[]; next?: string } {
  const max = input.MaxResults === undefined ? 100 : Number(input.MaxResults);
  if (!Number.isInteger(max) || max < 1 || max > 100)
    throw invalid(`MaxResults ${String(input.MaxResults)} is not valid: use 1 to 100`);
  let offset = 0;
  if (typeof input.NextToken === "string" && input.NextToken.length > 0) {
    const decoded = Number(Buffer.from(input.NextToken, "base64url").toString("utf8").replace(/^o:/, ""));
    if (
      !Number.isInteger(decoded) ||
      decoded < 0 ||
      !Buffer.from(input.NextToken, "base64url").toString("utf8").startsWith("o:")
    ) {
      throw new AwsError("InvalidNextTokenException", "The pagination token is invalid.", 400);
    }
    offset = decoded;
  }
  const slice = items.slice(offset, offset + max);
  const out: { items: T[]; next?: string } = { items: slice };
  if (offset + max < items.length) out.next = Buffer.from(`o:${offset + max}`).toString("base64url");
  return out;
}
