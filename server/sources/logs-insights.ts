/**
 * Logs Insights the way Grafana runs it: StartQuery, then GetQueryResults polled at increasing
 * intervals, an overall timeout, and StopQuery when the result is abandoned. A queue keeps the
 * product's concurrent queries under a limit (the account allows 30, dashboards included), and
 * only LimitExceededException / throttling is retried, with jittered exponential back-off.
 */
import type { CloudWatchLogsClient, QueryStatistics, ResultField } from "@aws-sdk/client-cloudwatch-logs";
import { GetQueryResultsCommand, StartQueryCommand, StopQueryCommand } from "@aws-sdk/client-cloudwatch-logs";
import { awsCall, SourceError } from "./errors.ts";

export interface InsightsQuery {
  logGroups: readonly string[];
  queryString: string;
  start: Date;
  end: Date;
  limit?: number;
}

export interface InsightsResult {
  rows: Array<Record<string, string>>;
  statistics: QueryStatistics;
  status: string;
}

export interface InsightsOptions {
  /** Overall time allowed for one query, ms. */
  timeoutMs?: number;
  /** Poll intervals grow from first to max by `factor`. */
  firstPollMs?: number;
  maxPollMs?: number;
  factor?: number;
  /** Attempts for StartQuery when AWS answers LimitExceededException or throttles. */
  maxAttempts?: number;
  baseBackoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  signal?: AbortSignal;
}

const RETRYABLE = new Set([
  "LimitExceededException",
  "ThrottlingException",
  "Throttling",
  "TooManyRequestsException",
]);
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A FIFO semaphore: at most `limit` tasks run at once. */
export class QueryQueue {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(readonly limit: number) {}

  get active(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running += 1;
    try {
      return await task();
    } finally {
      this.running -= 1;
      this.waiting.shift()?.();
    }
  }
}

/** Full jitter: a uniform wait in [0, base * 2^attempt]. */
export function backoffMs(attempt: number, baseMs: number, random: () => number): number {
  return Math.round(random() * baseMs * 2 ** attempt);
}

/** Retry `fn` only on retryable (limit/throttling) errors, with jittered back-off. */
export async function withRetry<T>(fn: () => Promise<T>, options: InsightsOptions = {}): Promise<T> {
  const attempts = options.maxAttempts ?? 4;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const code = err instanceof SourceError ? err.code : err instanceof Error ? err.name : "";
      if (!RETRYABLE.has(code) || attempt + 1 >= attempts) throw err;
      await sleep(backoffMs(attempt, options.baseBackoffMs ?? 500, random));
    }
  }
}

function toRow(fields: readonly ResultField[]): Record<string, string> {
  const row: Record<string, string> = {};
  for (const f of fields) if (f.field !== undefined && f.value !== undefined) row[f.field] = f.value;
  return row;
}

/** Run one query to completion (or timeout/abort, after which it is stopped). */
export async function runInsightsQuery(
  client: CloudWatchLogsClient,
  query: InsightsQuery,
  options: InsightsOptions = {},
): Promise<InsightsResult> {
  const sleep = options.sleep ?? defaultSleep;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const started = await withRetry(
    () =>
      awsCall("StartQuery", () =>
        client.send(
          new StartQueryCommand({
            // A linked source account's group goes by ARN, which only logGroupIdentifiers takes
            // (exclusive with logGroupNames; names of this account are accepted there too).
            ...(query.logGroups.some((g) => g.startsWith("arn:"))
              ? { logGroupIdentifiers: [...query.logGroups] }
              : { logGroupNames: [...query.logGroups] }),
            queryString: query.queryString,
            startTime: Math.floor(query.start.getTime() / 1000),
            endTime: Math.ceil(query.end.getTime() / 1000),
            ...(query.limit ? { limit: query.limit } : {}),
          }),
        ),
      ),
    options,
  );
  const queryId = started.queryId;
  if (!queryId) throw new SourceError("StartQuery", "NoQueryId", "StartQuery returned no queryId");
  let waited = 0;
  let interval = options.firstPollMs ?? 250;
  try {
    for (;;) {
      if (options.signal?.aborted)
        throw new SourceError("GetQueryResults", "Aborted", "The Logs Insights query was abandoned");
      const out = await withRetry(
        () => awsCall("GetQueryResults", () => client.send(new GetQueryResultsCommand({ queryId }))),
        options,
      );
      const status = out.status ?? "Unknown";
      if (status === "Complete") {
        return { rows: (out.results ?? []).map(toRow), statistics: out.statistics ?? {}, status };
      }
      if (status === "Failed" || status === "Cancelled" || status === "Timeout") {
        throw new SourceError(
          "GetQueryResults",
          `Query${status}`,
          `The Logs Insights query ended with status ${status}`,
        );
      }
      if (waited >= timeoutMs) {
        throw new SourceError(
          "GetQueryResults",
          "Timeout",
          `The Logs Insights query did not finish within ${Math.round(timeoutMs / 1000)} s`,
        );
      }
      await sleep(interval);
      waited += interval;
      interval = Math.min(options.maxPollMs ?? 5_000, Math.round(interval * (options.factor ?? 1.5)));
    }
  } catch (err) {
    await stopQuietly(client, queryId);
    throw err;
  }
}

async function stopQuietly(client: CloudWatchLogsClient, queryId: string): Promise<void> {
  try {
    await client.send(new StopQueryCommand({ queryId }));
  } catch {
    // The query may already have finished; nothing else to clean up.
  }
}
