/**
 * Logs Insights queries and their life cycle. A query is Scheduled for `scheduledMs`, Running for
 * `runningMs`, then Complete (its results computed once, on first need); StopQuery cancels it;
 * one not complete after `timeoutMs` times out. Progress follows a monotonic clock, not the
 * sandbox's (possibly frozen) workload clock, so tests with a fixed `now` still see it move.
 * At most `maxConcurrentQueries` may be Scheduled or Running at once (AWS: 30 per account).
 */
import { randomUUID } from "node:crypto";
import { AwsError } from "../../core/errors.ts";
import type { LogsSettings } from "../../core/settings.ts";
import type { Query } from "./insights/ast.ts";
import type { QueryOutput } from "./insights/evaluator.ts";

/** A log group in one account: the monitoring account's own, or a linked source account's. */
export interface LogSource {
  accountId: string;
  name: string;
}

export type QueryStatus = "Scheduled" | "Running" | "Complete" | "Failed" | "Cancelled" | "Timeout";

export const LOGS_DEFAULTS: Required<Omit<LogsSettings, "clock" | "lateDelivery">> = {
  scheduledMs: 500,
  runningMs: 1500,
  maxConcurrentQueries: 30,
  timeoutMs: 60 * 60_000,
};

/** Queries kept for DescribeQueries / GetQueryResults (AWS keeps them for 7 days). */
const MAX_KEPT = 1000;

export interface QueryRecord {
  queryId: string;
  queryString: string;
  query: Query;
  logGroupNames: string[];
  /** The account each queried group belongs to (this account, or a linked source account by ARN). */
  sources: LogSource[];
  /** Epoch ms, inclusive. */
  from: number;
  to: number;
  limit?: number;
  /** Workload-clock epoch ms (what AWS reports as createTime). */
  createTime: number;
  /** Monotonic ms when started. */
  startedAt: number;
  status: QueryStatus;
  output?: QueryOutput;
  /** Whether the bytes scanned were already reported to the ledger (billed once per query). */
  billed: boolean;
}

export class QueryManager {
  private readonly queries = new Map<string, QueryRecord>();
  private readonly monotonic: () => number;
  private readonly settings: Required<Omit<LogsSettings, "clock" | "lateDelivery">>;

  constructor(
    settings: LogsSettings | undefined,
    private readonly evaluate: (q: QueryRecord) => QueryOutput,
    monotonic?: () => number,
  ) {
    const { clock: _clock, lateDelivery: _late, ...timings } = settings ?? {};
    this.settings = { ...LOGS_DEFAULTS, ...timings };
    this.monotonic = monotonic ?? (() => performance.now());
  }

  start(spec: Omit<QueryRecord, "queryId" | "startedAt" | "status" | "billed">): QueryRecord {
    const active = [...this.queries.values()].filter((q) => {
      const s = this.refresh(q);
      return s === "Scheduled" || s === "Running";
    }).length;
    if (active >= this.settings.maxConcurrentQueries) {
      throw new AwsError(
        "LimitExceededException",
        `Account maximum query concurrency limit of [${this.settings.maxConcurrentQueries}] reached.`,
        400,
      );
    }
    const record: QueryRecord = {
      ...spec,
      queryId: randomUUID(),
      startedAt: this.monotonic(),
      status: "Scheduled",
      billed: false,
    };
    this.queries.set(record.queryId, record);
    this.prune();
    return record;
  }

  get(queryId: string): QueryRecord | undefined {
    const q = this.queries.get(queryId);
    if (q) this.refresh(q);
    return q;
  }

  list(): QueryRecord[] {
    const all = [...this.queries.values()];
    for (const q of all) this.refresh(q);
    return all.sort((a, b) => b.createTime - a.createTime || b.startedAt - a.startedAt);
  }

  /** Cancel a Scheduled or Running query; false when it had already finished. */
  stop(queryId: string): boolean | undefined {
    const q = this.get(queryId);
    if (!q) return undefined;
    if (q.status !== "Scheduled" && q.status !== "Running") return false;
    q.status = "Cancelled";
    return true;
  }

  /** Fraction of the running phase done (for partial statistics while Running). */
  progress(q: QueryRecord): number {
    const elapsed = this.monotonic() - q.startedAt - this.settings.scheduledMs;
    return Math.min(1, Math.max(0, elapsed / Math.max(1, this.settings.runningMs)));
  }

  reset(): void {
    this.queries.clear();
  }

  private refresh(q: QueryRecord): QueryStatus {
    if (q.status !== "Scheduled" && q.status !== "Running") return q.status;
    const elapsed = this.monotonic() - q.startedAt;
    const { scheduledMs, runningMs, timeoutMs } = this.settings;
    const doneAt = scheduledMs + runningMs;
    if (elapsed >= doneAt && doneAt <= timeoutMs) {
      q.status = this.compute(q) ? "Complete" : "Failed";
    } else if (elapsed >= timeoutMs) {
      q.status = "Timeout";
    } else if (elapsed >= scheduledMs) {
      q.status = "Running";
      this.compute(q);
    }
    return q.status;
  }

  private compute(q: QueryRecord): boolean {
    if (q.output) return true;
    try {
      q.output = this.evaluate(q);
      return true;
    } catch {
      return false;
    }
  }

  private prune(): void {
    if (this.queries.size <= MAX_KEPT) return;
    for (const q of this.queries.values()) {
      if (this.queries.size <= MAX_KEPT) break;
      if (q.status !== "Scheduled" && q.status !== "Running") this.queries.delete(q.queryId);
    }
  }
}
