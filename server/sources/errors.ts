/**
 * One error type for every failed AWS call a source makes: it names the operation, the AWS error
 * code and the IAM permission the call needs, so the page can say exactly what to fix.
 */

/** The IAM action each operation the sources call requires. */
export const PERMISSIONS: Readonly<Record<string, string>> = {
  GetMetricData: "cloudwatch:GetMetricData",
  StartQuery: "logs:StartQuery",
  GetQueryResults: "logs:GetQueryResults",
  StopQuery: "logs:StopQuery",
  GetCostAndUsage: "ce:GetCostAndUsage",
  GetCostForecast: "ce:GetCostForecast",
  DescribeBudgets: "budgets:ViewBudget",
  DescribeNotificationsForBudget: "budgets:ViewBudget",
  GetCallerIdentity: "sts:GetCallerIdentity",
  ListServiceQuotas: "servicequotas:ListServiceQuotas",
  ListAWSDefaultServiceQuotas: "servicequotas:ListAWSDefaultServiceQuotas",
  DescribeAlarms: "cloudwatch:DescribeAlarms",
  DescribeAlarmHistory: "cloudwatch:DescribeAlarmHistory",
  GetFunctionConfiguration: "lambda:GetFunctionConfiguration",
  FilterLogEvents: "logs:FilterLogEvents",
  ListInferenceProfiles: "bedrock:ListInferenceProfiles",
  ListTagsForResource: "bedrock:ListTagsForResource",
  GetModelInvocationLoggingConfiguration: "bedrock:GetModelInvocationLoggingConfiguration",
  ListCostAllocationTags: "ce:ListCostAllocationTags",
  ListSinks: "oam:ListSinks",
  ListAttachedLinks: "oam:ListAttachedLinks",
};

const ACCESS_DENIED = new Set([
  "AccessDeniedException",
  "AccessDenied",
  "UnauthorizedOperation",
  "UnrecognizedClientException",
]);
const THROTTLED = new Set([
  "ThrottlingException",
  "Throttling",
  "LimitExceededException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
]);

export class SourceError extends Error {
  override readonly name = "SourceError";
  /** The AWS error code (exception name), or a product code such as "Timeout". */
  readonly code: string;
  readonly operation: string;
  /** Set when the failure is a denied permission. */
  readonly permission: string | undefined;
  constructor(
    operation: string,
    code: string,
    message: string,
    options: { cause?: unknown; permission?: string } = {},
  ) {
    super(message, { cause: options.cause });
    this.operation = operation;
    this.code = code;
    this.permission = options.permission;
  }

  get throttled(): boolean {
    return THROTTLED.has(this.code);
  }
}

/** Convert whatever an SDK call threw into a SourceError (known SourceErrors pass through). */
export function toSourceError(operation: string, err: unknown): SourceError {
  if (err instanceof SourceError) return err;
  const name = err instanceof Error ? err.name : "UnknownError";
  const raw = err instanceof Error ? err.message : String(err);
  const permission = PERMISSIONS[operation];
  if (ACCESS_DENIED.has(name)) {
    return new SourceError(
      operation,
      name,
      `${operation} was denied (${name}): grant ${permission ?? "the permission"} to the credentials the dashboard uses.`,
      { cause: err, permission },
    );
  }
  if (THROTTLED.has(name)) {
    return new SourceError(
      operation,
      name,
      `${operation} was throttled by AWS (${name}); it will be retried on the next refresh.`,
      {
        cause: err,
      },
    );
  }
  const cleaned = sdkInternalsRemoved(raw);
  const detail = cleaned && cleaned !== name ? `: ${cleaned.slice(0, 300)}` : "";
  return new SourceError(operation, name, `${operation} failed (${name})${detail}`, { cause: err });
}

/**
 * SDK messages sometimes address the developer ("Deserialization error: to see the raw response,
 * inspect the hidden field {error}.$response on this object."); the page shows what happened only.
 */
export function sdkInternalsRemoved(message: string): string {
  return message
    .replace(/:?\s*to see the raw response,.*?\$response[^.]*\./gi, ".")
    .replace(/[^.]*\{error\}\.\$(response|metadata)[^.]*\.?/gi, "")
    .replace(/\$(response|metadata)\b/g, "response")
    .replace(/\s+\./g, ".")
    .trim();
}

/** Run one SDK call, wrapping any failure in a SourceError naming the operation. */
export async function awsCall<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toSourceError(operation, err);
  }
}
