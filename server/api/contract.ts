/**
 * The HTTP API's payload shapes: the one contract between the server (server/api) and the
 * page (web/src). Times are ISO 8601 strings; money is USD; durations are milliseconds.
 */

/** Every panel payload: data, when it was fetched, and whether it is stale or failed. */
export interface Panel<T> {
  data: T | null;
  /** When the data was fetched from AWS (ISO), null if never. */
  asOf: string | null;
  /** True when served from cache past its TTL (a refresh failed or is in flight). */
  stale: boolean;
  /** Why the data is stale or missing; names the AWS error and the IAM permission when relevant. */
  error: PanelError | null;
}

export interface PanelError {
  code: string;
  message: string;
  /** e.g. "cloudwatch:GetMetricData" when access was denied. */
  permission?: string;
}

export interface ApiErrorBody {
  error: { code: string; message: string };
}

export interface RangeInfo {
  start: string;
  end: string;
  /** The preset, when one was used: 1h, 3h, 12h, 24h, 7d, 30d. */
  preset: string | null;
  /** Metric period chosen for the range, seconds. */
  periodSeconds: number;
}

export interface HealthResponse {
  /** "degraded" when the store failed and the server runs from memory (see `store.message`). */
  status: "ok" | "degraded";
  mode: "sandbox" | "aws";
  region: string;
  version: string;
  accountId?: string;
  /** Whether the API requires a token (non-loopback bind). */
  auth: boolean;
  /** The store: SQLite file or PostgreSQL (URL without password), and whether it works. */
  store?: {
    kind: "sqlite" | "postgres";
    location: string;
    status: "ok" | "degraded";
    message?: string;
    since?: string;
  };
}

/** One time series: points as [epoch ms, value], ascending in time. */
export interface Series {
  id: string;
  label: string;
  unit: "Count" | "Milliseconds" | "Percent" | "Tokens" | "USD";
  /** Lambda function name or Bedrock model ID the series belongs to. */
  resource: string;
  stat: string;
  points: Array<[number, number]>;
}

/** One account's totals over the range (config aws.accounts; CloudWatch cross-account observability). */
export interface AccountMetrics {
  accountId: string;
  label: string;
  /** The region the row covers (config aws.accounts[].regions; else the Lambda region). */
  region: string;
  /** Sums over the range of the configured functions and models in that account. */
  lambdaInvocations: number;
  lambdaErrors: number;
  bedrockInvocations: number;
  inputTokens: number;
  outputTokens: number;
  bedrockErrors: number;
  bedrockThrottles: number;
}

export interface MetricsData {
  range: RangeInfo;
  lambda: Series[];
  bedrock: Series[];
  /**
   * Per model, EstimatedTPMQuotaUsage and Invocations at `periodSeconds` (60 s for ranges up to
   * 24 h: per-minute values, comparable with the per-minute quotas), from the same call. Kept in
   * the cache for the Quotas panel; `/api/metrics` omits it (`/api/quotas` serves it per model).
   */
  quota?: { periodSeconds: number; series: Series[] };
  /** Per linked account, when config aws.accounts is set (fetched in the same GetMetricData calls). */
  accounts?: AccountMetrics[];
  /** Why aws.accounts "linked" could not be discovered (OAM); the other accounts' figures are missing. */
  accountsError?: string;
  /** How many GetMetricData calls this refresh took (pages included). */
  calls: number;
}

export interface DurationBin {
  bin: string;
  avg: number;
  min: number;
  max: number;
  p90?: number;
  count?: number;
}

export interface LogsData {
  range: RangeInfo;
  /** The seed's query: avg/min/max @duration of REPORT lines by bin(5m). */
  durations: DurationBin[];
  percentiles: { p50: number; p90: number; p99: number; count: number } | null;
  coldStarts: { count: number; avgInitMs: number; maxInitMs: number } | null;
  memory: { memorySizeMb: number; maxUsedMb: number; avgUsedMb: number; headroomPercent: number } | null;
  recentErrors: Array<{
    timestamp: string;
    requestId: string | null;
    message: string;
    logStream: string;
    /** The account of the error's log group (from `@log`), when the query spans accounts. */
    accountId?: string;
  }>;
  /** Logs Insights statistics summed over the queries. */
  bytesScanned: number;
  /** Invocations that did not end well, from REPORT `Status` / JSON `record.status` (all functions). */
  outcomes?: LogsOutcomes;
  /** Per function: its log format, the query that draws its duration chart, and its figures. */
  functions?: LogsFunction[];
  /** How this refresh was answered: closed 5-minute bins reused from the cache, bins scanned. */
  scan?: LogsScan;
  /** Figures the data could not give (e.g. percentiles when AWS/Lambda metrics failed). */
  notes?: string[];
  /** Per account (aws.accounts): the logs' invocations, failures and recent errors, from the same queries. */
  accounts?: AccountsLogs[];
}

/** One account's figures from Logs Insights over the range (log groups read by ARN across accounts). */
export interface AccountsLogs {
  accountId: string;
  label: string;
  invocations: number;
  timeouts: number;
  outOfMemory: number;
  initFailures: number;
  /** How many of the range's most recent errors (at most 20 per query) came from this account. */
  recentErrors: number;
}

export interface LogsOutcomes {
  timeouts: number;
  outOfMemory: number;
  /** Failed inits (INIT_REPORT / platform.initReport with Status error or timeout). */
  initFailures: number;
}

export type LogFormat = "Text" | "JSON";

export interface LogsFunction {
  name: string;
  /** The source account the function's log group was read in (by ARN); absent: this account. */
  accountId?: string;
  logGroup: string;
  logFormat: LogFormat;
  /** Where the format came from: the config, lambda:GetFunctionConfiguration, the log group's events, or assumed. */
  formatSource: "config" | "lambda" | "log-group" | "assumed";
  /** The duration query for this format: the seed's query for Text, its JSON equivalent for JSON. */
  durationQuery: string;
  invocations: number;
  avgDurationMs: number | null;
  percentiles: { p50: number; p90: number; p99: number; count: number } | null;
  coldStarts: { count: number; avgInitMs: number; maxInitMs: number };
  memory: { memorySizeMb: number; maxUsedMb: number; avgUsedMb: number; headroomPercent: number } | null;
  outcomes: LogsOutcomes;
  /** Billed duration (ms) and the part of it that is INIT (billed since 2025-08-01). */
  billing: { billedMs: number; initBilledMs: number; initSharePercent: number };
}

export interface LogsScan {
  /** Closed 5-minute bins (older than the settling delay) taken from the cache. */
  binsReused: number;
  /** Bins read from Logs Insights in this refresh (newly closed ones and the open tail). */
  binsQueried: number;
  queries: number;
  settleSeconds: number;
}

export interface DailyCost {
  date: string;
  /** Amount per group key (service name or model). */
  groups: Record<string, number>;
  total: number;
  estimated: boolean;
}

export interface ReconciliationRow {
  date: string;
  model: string;
  estimatedUsd: number;
  billedUsd: number | null;
  gapUsd: number | null;
  /** e.g. "Cost Explorer lag", "unpriced model or Region", "price change", "match". */
  cause: string;
  /** What the cause rests on, in words (amounts, usage types, the missing price). */
  detail?: string;
}

/** A Bedrock usage type the product cannot attribute to a model, with its spend in the window. */
export interface UnrecognisedUsage {
  service: string;
  usageType: string;
  amountUsd: number;
  /** Days in the window with this line. */
  days: number;
}

/** Prompt caching per model over the window (CloudWatch cache token counts x the price table). */
export interface CacheEconomics {
  model: string;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** Dollars cache reads saved against paying the full input price for the same tokens. */
  savedUsd: number;
  cacheWriteUsd: number;
  /** Cache-write spend on tokens never read back (writes beyond reads). */
  unreadWriteUsd: number;
  /** Days on which the model wrote to the cache and read (almost) nothing back. */
  writeOnlyDays: string[];
}

/** What the estimate's price table covers, and what it does not. */
export interface PriceCoverage {
  /** The Region the estimate prices (the Bedrock Region of the config). */
  region: string;
  regions: string[];
  asOf: string;
  source: string;
  /** Models (as CloudWatch names them) without a price here, with why. */
  unpriced: Array<{ model: string; reason: string }>;
  /** Application inference profiles and the model each resolves to. */
  profiles: Array<{ id: string; model: string | null; error?: string }>;
}

export interface CostsData {
  range: RangeInfo;
  byService: DailyCost[];
  bedrockByModel: DailyCost[];
  /**
   * Bedrock billed this month so far: from the monthly query, or from the daily breakdown's rows
   * when that answer is newer and holds the whole month so far (`monthToDateFrom`). null when no
   * answer in use holds this month yet (just after a month start, before the next fetch):
   * `monthToDateNote` says why; never last month's figure, never $0 for "not known".
   */
  monthToDate: number | null;
  monthToDateFrom?: "monthly query" | "daily breakdown";
  monthToDateNote?: string;
  /**
   * Cost Explorer's forecast for the current month (one entry of a forecast made on `madeOn` over
   * this month and the next). `start` after the month's 1st: the mean is the rest of the month
   * after the month to date; `start` on the 1st: the mean is the whole month. `projected` is the
   * month-end total either way (null when the month to date it needs is not known yet).
   */
  forecast: {
    mean: number;
    low: number;
    high: number;
    start: string;
    end: string;
    madeOn: string;
    wholeMonth: boolean;
    projected: { mean: number; low: number; high: number } | null;
  } | null;
  reconciliation: ReconciliationRow[];
  currency: "USD";
  /** The Cost Explorer services counted as Bedrock (discovered, or narrowed by config). */
  bedrockServices?: string[];
  /** Bedrock spend whose usage type is not a known per-token model line (also in bedrockByModel). */
  unrecognised?: UnrecognisedUsage[];
  /** The near-real-time estimate per model family per day (all four token types). */
  estimateByModel?: DailyCost[];
  /**
   * Days of the window the Cost Explorer answer in use does not hold yet (it was fetched before
   * they began; the next fetch on Cost Explorer's cadence brings them): no billed figure, not $0.
   */
  notInCostExplorer?: string[];
  cacheEconomics?: CacheEconomics[];
  prices?: PriceCoverage;
  /**
   * Month to date per account (config aws.accounts; Cost Explorer grouped by LINKED_ACCOUNT in the
   * monthly query). Absent when no accounts are configured.
   */
  accounts?: AccountCosts[];
  /**
   * "organization": Cost Explorer answered for several accounts (a management account's view).
   * "own-account": it answered for one account only (a member or standalone account): the other
   * accounts' costs are unknown here, and `accountsNote` says why.
   */
  accountsView?: "organization" | "own-account";
  accountsNote?: string;
}

/** One account's month to date from Cost Explorer (LINKED_ACCOUNT). */
export interface AccountCosts {
  accountId: string;
  /** The label from config aws.accounts, else Cost Explorer's account name, else the ID. */
  label: string;
  /** The account's name in Cost Explorer (DimensionValueAttributes description), when given. */
  name: string | null;
  /** False for an account Cost Explorer billed that config aws.accounts does not list. */
  configured: boolean;
  /** Month to date of the Bedrock services; null when Cost Explorer did not answer for this account. */
  bedrockMonthToDate: number | null;
  /** Month to date of every service; null likewise. */
  totalMonthToDate: number | null;
}

export interface BudgetView {
  name: string;
  limit: number;
  actual: number;
  forecast: number | null;
  percentUsed: number;
  timeUnit: string;
  /** What the budget counts: "all services", or its cost filters ("Service: Amazon Bedrock, ..."). */
  scope?: string;
  thresholds: Array<{ type: "ACTUAL" | "FORECASTED"; percent: number; state: "OK" | "ALARM" }>;
  /** Set when this budget's alert thresholds could not be read (its figures still are). */
  thresholdsError?: string;
}

export interface BudgetsData {
  budgets: BudgetView[];
}

/** An applied quota and where the figure came from (Service Quotas code and name). */
export interface QuotaLimit {
  value: number;
  defaultValue: number | null;
  code: string;
  name: string;
  adjustable: boolean;
  source: "applied" | "default";
  /** Service Quotas console page of the quota (request an increase there). */
  consoleUrl: string;
}

export interface QuotaUse {
  /** Highest and 95th-percentile per-minute value over the range. */
  peak: number;
  peakAt: string | null;
  p95: number;
  /** Peak and p95 as a share of the applied quota (percent); null without a quota. */
  peakPercent: number | null;
  p95Percent: number | null;
  /** 100 - peakPercent: what was left in the busiest minute. */
  headroomPercent: number | null;
  /** Minutes above the hot share (quotas.hotPercent) of the quota. */
  minutesAbove: number;
}

export interface ModelQuotaUsage {
  /** The model ID as invoked (ModelId dimension). */
  modelId: string;
  label: string;
  endpoint: "on-demand" | "cross-region" | "global";
  tpm: QuotaLimit | null;
  rpm: QuotaLimit | null;
  tokens: QuotaUse;
  requests: QuotaUse;
  throttles: number;
  /** Throttles in the minutes above the hot share of either quota. */
  throttlesInHotMinutes: number;
  /** Per period: EstimatedTPMQuotaUsage (tokens), Invocations, InvocationThrottles. */
  series: {
    tokens: Array<[number, number]>;
    requests: Array<[number, number]>;
    throttles: Array<[number, number]>;
  };
  /** One plain sentence: the peak against the quota, throttles, and where to ask for more. */
  sentence: string;
  note?: string;
}

export interface QuotasData {
  range: RangeInfo;
  /** Period of the usage series: 60 s (per minute) for ranges up to 24 h. */
  periodSeconds: number;
  /** False when the period is longer than a minute: values are averages per minute of each period. */
  perMinute: boolean;
  hotPercent: number;
  region: string;
  models: ModelQuotaUsage[];
  /** When the quotas were read (they are cached for hours), and why they are missing if they are. */
  quotasAsOf: string | null;
  quotasError: { code: string; message: string; permission?: string } | null;
}

export interface AlarmView {
  name: string;
  state: "OK" | "ALARM" | "INSUFFICIENT_DATA";
  reason: string;
  /** When the alarm last changed state. */
  since: string | null;
  namespace: string;
  metric: string;
  /** The ModelId or FunctionName the alarm watches. */
  resource: string;
  stat: string;
  comparison: string;
  threshold: number;
  periodSeconds: number;
  description: string;
  actions: string[];
}

export interface AlarmHistoryView {
  alarm: string;
  time: string;
  type: "ConfigurationUpdate" | "StateUpdate" | "Action";
  summary: string;
}

export interface AlarmsData {
  region: string;
  prefix: string;
  alarms: AlarmView[];
  /** Newest first. */
  history: AlarmHistoryView[];
}

export interface KpiValue {
  value: number | null;
  previous: number | null;
  /** Relative change against the previous period of the same length (0.1 = +10 %). */
  change: number | null;
  unit: Series["unit"];
}

export interface OverviewData {
  range: RangeInfo;
  invocations: KpiValue;
  errorRate: KpiValue;
  p90LatencyMs: KpiValue;
  /** Bedrock server-side time to first token, p90 (streaming calls), per-period p90s weighted by invocations. */
  ttftP90Ms?: KpiValue;
  tokens: KpiValue;
  estimatedCostUsd: KpiValue;
  monthToDateUsd: number | null;
  forecastUsd: number | null;
  budgetUsd: number | null;
  /** The budget the card compares against, with its own actual and forecast spend (its own scope). */
  budget?: {
    name: string;
    limit: number;
    actual: number;
    forecast: number | null;
    /** "Bedrock services" or "all services" (from the budget's cost filters). */
    scope: string;
  } | null;
  /** Bedrock input + output tokens since 00:00 UTC today (CloudWatch). */
  tokensToday?: number | null;
  /** Estimated Bedrock cost since 00:00 UTC today (tokens x price table). */
  estimatedCostTodayUsd?: number | null;
}

export interface UsageData {
  /** The dashboard's own AWS calls since start and today, per API, with estimated price. */
  since: string;
  calls: Array<{ api: string; count: number; estimatedUsd: number }>;
  totalUsdToday: number;
  totalUsd: number;
}

export interface BenchModelStats {
  modelId: string;
  count: number;
  errorRate: number;
  throttleRate: number;
  ttftMs: PercentileSet;
  endToEndMs: PercentileSet;
  interTokenMs: PercentileSet;
  outputTokensPerSecond: number;
  qualityPassRate: number;
  costPerRequestUsd: number;
  costPer1kRequestsUsd: number;
}

export interface PercentileSet {
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  /** Bootstrap 95 % confidence interval of p90. */
  p90Ci: [number, number];
  samples?: number[];
}

export interface BenchRunSummary {
  id: string;
  suite: string;
  startedAt: string;
  finishedAt: string | null;
  status: "running" | "complete" | "incomplete" | "failed";
  models: string[];
  requests: number;
  recommendation: { modelId: string | null; reason: string } | null;
  regressions: Array<{ modelId: string; metric: string; previous: number; current: number }>;
}

export interface BenchRunDetail extends BenchRunSummary {
  stats: BenchModelStats[];
  manifest: Record<string, string | number | string[]>;
}

/** Per-model benchmark statistics with the breakdown the Benchmarks panel shows (extends BenchModelStats). */
export interface BenchModelDetail extends BenchModelStats {
  /** Measured (non-warm-up, non-cancelled) requests by outcome. */
  outcomes: { ok: number; error: number; throttled: number; timeout: number };
  /** Error names and how often each occurred, e.g. {"ThrottlingException": 3}. */
  errorCodes: Record<string, number>;
  firstEventMs: PercentileSet;
  /** The service's own metrics.latencyMs. */
  serverLatencyMs: PercentileSet;
  /** End-to-end minus server latency: network, TLS, queueing, SDK. */
  clientOverheadMs: PercentileSet;
  meanInputTokens: number;
  meanOutputTokens: number;
  /** False when the price table has no price for the model (costs are then 0 and not comparable). */
  priced: boolean;
}

/** A scheduled benchmark run that did not happen (server down, or the previous run still going). */
export interface BenchMissedRun {
  suite: string;
  cron: string;
  dueAt: string;
  reason: string;
  detectedAt: string;
}

export interface BenchScheduleView {
  suite: string;
  cron: string;
  nextAt: string | null;
  lastRunId: string | null;
  running: boolean;
}

export interface BenchSchedulesData {
  schedules: BenchScheduleView[];
  missed: BenchMissedRun[];
}

/** Body of POST /api/login. */
export interface LoginRequest {
  token: string;
}

/** How the Attribution panel groups Bedrock spend (issue #18). */
export type AttributionMechanism = "application-profile" | "cost-allocation-tag" | "invocation-logs";

export interface AttributionDay {
  date: string;
  /** From the bill (Cost Explorer); null where the bill cannot say it. */
  billedUsd: number | null;
  /** Tokens x the base model's price; null where no tokens are known for this view. */
  estimatedUsd: number | null;
  inputTokens: number;
  outputTokens: number;
}

export interface AttributionGroup {
  /** Profile ID, tag value, principal ARN or metadata value; "" for the unattributed remainder. */
  key: string;
  label: string;
  unattributed: boolean;
  /** E.g. the profile's model and tags. */
  detail: string | null;
  billedUsd: number | null;
  estimatedUsd: number | null;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** Calls (invocation logs only). */
  calls: number | null;
  /** Share of the total (billed where the view has a bill, else estimated), percent. */
  sharePercent: number | null;
  days: AttributionDay[];
}

export interface AttributionNote {
  level: "info" | "warning";
  message: string;
  /** What to run to turn the mechanism on. */
  command?: string;
}

export interface AttributionData {
  /** The view: profile, principal, tag:<key> or metadata:<key>. */
  by: string;
  mechanism: AttributionMechanism;
  range: RangeInfo;
  currency: "USD";
  /** Named groups, largest first, then the unattributed remainder (always present). */
  groups: AttributionGroup[];
  /** The Bedrock total for the same days: the groups plus the remainder add up to it. */
  total: { billedUsd: number | null; estimatedUsd: number | null; days: AttributionDay[] };
  shareOf: "billed" | "estimated";
  /** Models whose tokens could not be priced (their cost is not in any estimate). */
  unpriced: Array<{ model: string; reason: string }>;
  notes: AttributionNote[];
  /** The views this configuration offers. */
  options: string[];
}

/** Response of each data endpoint of the API (server/api/routes), by path. */
export interface ApiResponses {
  "/api/health": HealthResponse;
  "/api/overview": Panel<OverviewData>;
  "/api/metrics": Panel<MetricsData>;
  "/api/logs": Panel<LogsData>;
  "/api/costs": Panel<CostsData>;
  "/api/budgets": Panel<BudgetsData>;
  "/api/usage": Panel<UsageData>;
  "/api/attribution": Panel<AttributionData>;
}
