/**
 * Knobs of the sandbox, per service. Every field is optional; defaults follow AWS's documented
 * limits and the seeds' world. Each provider owns its own section.
 */
export interface BedrockSettings {
  /** Model IDs (base or profile) for which the sandbox answers AccessDeniedException. */
  accessDenied?: string[];
  /** Base model IDs that can only be invoked through an inference profile (us./eu./apac.). */
  profileOnly?: string[];
  /** Requests and tokens per minute per model ID; AWS's default Nova quotas when absent. */
  quotas?: Record<string, { rpm: number; tpm: number }>;
  /** Multiply every simulated latency (tests use < 1 to run faster). */
  latencyScale?: number;
}

export interface LogsSettings {
  /** How long a query stays Scheduled, then Running, in ms (AWS: typically a few seconds). */
  scheduledMs?: number;
  runningMs?: number;
  /** Concurrent Logs Insights queries allowed (AWS default: 30 per account). */
  maxConcurrentQueries?: number;
  /** Queries time out after this long (AWS: 60 minutes). */
  timeoutMs?: number;
}

export interface BudgetsSettings {
  /** Persist budgets to this JSON file so they survive a sandbox restart. */
  stateFile?: string;
}

export interface ProviderSettings {
  bedrock?: BedrockSettings;
  logs?: LogsSettings;
  budgets?: BudgetsSettings;
}
