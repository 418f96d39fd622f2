/**
 * Knobs of the sandbox, per service. Every field is optional; defaults follow AWS's documented
 * limits and the seeds' world. Each provider owns its own section.
 */
export interface BedrockSettings {
  /**
   * Model IDs for which the sandbox answers AccessDeniedException: a base ID (denied everywhere),
   * a profile ID (`us.amazon.nova-pro-v1:0`), or `<base ID>@<region>` (access not granted in that
   * Region, which breaks every profile routing there).
   */
  accessDenied?: string[];
  /** Base model IDs that can only be invoked through an inference profile (us./eu./apac.). */
  profileOnly?: string[];
  /** Requests and tokens per minute per model ID; AWS's default Nova quotas when absent. */
  quotas?: Record<string, { rpm: number; tpm: number }>;
  /** Multiply every simulated latency (tests use < 1 to run faster). */
  latencyScale?: number;
  /** Exceptions sent in the middle of ConverseStream responses (none by default). */
  streamExceptions?: BedrockStreamExceptions;
}

export interface BedrockStreamExceptions {
  /** Share of streams (0-1) that fail mid-way, drawn per call from the seed. */
  probability: number;
  /** Which exception (default throttlingException). */
  exception?:
    | "throttlingException"
    | "modelStreamErrorException"
    | "serviceUnavailableException"
    | "internalServerException";
  /** Output tokens sent before the exception (default: half of the answer). */
  afterTokens?: number;
  /** Only for these model IDs (invoked or base); all models when absent. */
  models?: string[];
}

export interface LogsSettings {
  /** How long a query stays Scheduled, then Running, in ms (AWS: typically a few seconds). */
  scheduledMs?: number;
  runningMs?: number;
  /** Concurrent Logs Insights queries allowed (AWS default: 30 per account). */
  maxConcurrentQueries?: number;
  /** Queries time out after this long (AWS: 60 minutes). */
  timeoutMs?: number;
  /** Monotonic clock (ms) driving the query life cycle; performance.now() by default. Tests step it by hand. */
  clock?: () => number;
  /**
   * Late delivery: this share (0 to 1) of the log events is ingested `delayMs` after its timestamp
   * (Lambda delivers logs asynchronously, now and then minutes late), and Logs Insights sees an
   * event only once it is ingested. Unset: every event is there as soon as it is written.
   */
  lateDelivery?: { share: number; delayMs: number };
}

export interface BudgetsSettings {
  /** Persist budgets to this JSON file so they survive a sandbox restart. */
  stateFile?: string;
  /**
   * Budgets the synthetic account starts with when it has none (CreateBudget inputs, AccountId
   * omitted), e.g. the seed's twin-budget, so the dashboard has a budget to show out of the box.
   */
  initial?: Array<Record<string, unknown>>;
}

/** The Bedrock control plane's account settings (bedrock:GetModelInvocationLoggingConfiguration). */
export interface BedrockControlSettings {
  /**
   * Model invocation logging. Default: on in the realistic scenario (CloudWatch Logs group
   * /aws/bedrock/modelinvocations and S3), off in the simple one. `false` turns it off (the API
   * then answers no loggingConfig and the log group does not exist); `true` or an object turns it on.
   */
  invocationLogging?: boolean | InvocationLoggingSettings;
}

export interface InvocationLoggingSettings {
  /** The CloudWatch Logs group records go to (default /aws/bedrock/modelinvocations). */
  logGroupName?: string;
  /** Deliver to CloudWatch Logs (default true); false leaves S3 only, so no log group. */
  cloudWatch?: boolean;
  /** Also deliver to S3 (s3Config; default true). */
  s3?: boolean;
}

/** Cost Explorer's account settings (ce:ListCostAllocationTags and tag grouping). */
export interface CostExplorerSettings {
  /**
   * "management": the sandbox account is its organization's management (payer) account and its
   * linked source accounts are members: Cost Explorer and Budgets see their costs too, grouped or
   * filtered by LINKED_ACCOUNT. "standalone" (default): its own costs only, as a member or an
   * account outside any organization sees them.
   */
  organization?: "standalone" | "management";
  /**
   * Cost-allocation tag keys and their status. Keys absent here keep the default: every tag key the
   * sandbox's resources carry is Active. An Inactive key is listed by ListCostAllocationTags but
   * Cost Explorer no longer groups or filters by it (every line is "<key>$").
   */
  costAllocationTags?: Record<string, "Active" | "Inactive">;
}

export interface ProviderSettings {
  bedrock?: BedrockSettings;
  bedrockControl?: BedrockControlSettings;
  costExplorer?: CostExplorerSettings;
  logs?: LogsSettings;
  budgets?: BudgetsSettings;
}
