/**
 * Benchmark persistence in the store (SQLite or PostgreSQL): runs (with manifest and results) and
 * requests, each request written as soon as it completes. A running run holds a lease that its
 * process renews with a heartbeat; a run whose lease expired (its process died, whatever its PID
 * now belongs to) is marked "incomplete" by the next process to look. Also the schedule state.
 */
import { randomUUID } from "node:crypto";
import type { BenchMissedRun, BenchRunDetail, BenchRunSummary } from "../api/contract.ts";
import type { Store } from "../store/index.ts";
import { fromRecord, type RequestRecord, toRecord } from "./store-rows.ts";
import type { Manifest, RequestRow } from "./types.ts";

/** What a finished run stores besides its rows: statistics, recommendation, regressions. */
export type RunResults = Pick<BenchRunDetail, "stats" | "recommendation" | "regressions">;
export type RunStatus = BenchRunSummary["status"];

/** Identifies this process's runs, so a restarted server can tell its own from a dead one's. */
const PROCESS_OWNER = randomUUID();

/** A run's lease: renewed every third of it while the run goes on. */
export const RUN_LEASE_MS = 60_000;

interface RunRecord {
  id: string;
  suite: string;
  status: RunStatus;
  started_at: string;
  finished_at: string | null;
  pid: number;
  owner: string;
  models: string;
  manifest: string;
  results: string | null;
  error: string | null;
  lease_until: number | null;
}

const REQUEST_COLUMNS = [
  "run_id",
  "seq",
  "model_id",
  "prompt_id",
  "repetition",
  "warmup",
  "started_at",
  "status",
  "error_code",
  "error_message",
  "mid_stream",
  "first_event_ms",
  "ttft_ms",
  "end_to_end_ms",
  "inter_token_ms",
  "server_latency_ms",
  "input_tokens",
  "output_tokens",
  "stop_reason",
  "request_id",
  "quality_pass",
  "quality_failures",
  "cost_usd",
  "output_chars",
] as const satisfies ReadonlyArray<keyof RequestRecord>;

export interface BenchStoreOptions {
  /** Who holds this store's run leases (default: this process). */
  owner?: string;
  leaseMs?: number;
}

export class BenchStore {
  readonly owner: string;
  private readonly leaseMs: number;
  private readonly heartbeats = new Map<string, NodeJS.Timeout>();

  constructor(
    readonly store: Store,
    options: BenchStoreOptions = {},
  ) {
    this.owner = options.owner ?? PROCESS_OWNER;
    this.leaseMs = options.leaseMs ?? RUN_LEASE_MS;
  }

  private get sql() {
    return this.store.sql;
  }

  async createRun(
    suite: string,
    models: readonly string[],
    manifest: Manifest,
    startedAt: Date,
  ): Promise<string> {
    const id = `${startedAt.toISOString().replace(/[-:]/g, "").slice(0, 15)}-${randomUUID().slice(0, 8)}`;
    await this.sql.run(
      "INSERT INTO bench_runs (id, suite, status, started_at, pid, owner, models, manifest, lease_until) VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?)",
      [
        id,
        suite,
        startedAt.toISOString(),
        process.pid,
        this.owner,
        JSON.stringify(models),
        JSON.stringify(manifest),
        this.store.clock() + this.leaseMs,
      ],
    );
    const beat = setInterval(() => void this.heartbeat(id).catch(() => undefined), this.leaseMs / 3);
    beat.unref();
    this.heartbeats.set(id, beat);
    return id;
  }

  /** Renew a run's lease (the timer calls it; tests call it directly). */
  async heartbeat(id: string): Promise<boolean> {
    const changed = await this.sql.run(
      "UPDATE bench_runs SET lease_until = ? WHERE id = ? AND owner = ? AND status = 'running'",
      [this.store.clock() + this.leaseMs, id, this.owner],
    );
    return changed > 0;
  }

  /** Stop renewing a run's lease without finishing it (a process about to die, in tests). */
  stopHeartbeat(id: string): void {
    clearInterval(this.heartbeats.get(id));
    this.heartbeats.delete(id);
  }

  async addRequest(row: RequestRow): Promise<void> {
    const record = toRecord(row);
    await this.sql.run(
      `INSERT INTO bench_requests (${REQUEST_COLUMNS.join(", ")}) VALUES (${REQUEST_COLUMNS.map(() => "?").join(", ")})`,
      REQUEST_COLUMNS.map((c) => record[c]),
    );
  }

  async finishRun(
    id: string,
    status: RunStatus,
    finishedAt: Date,
    results: RunResults | null,
    error?: string,
  ): Promise<void> {
    this.stopHeartbeat(id);
    await this.sql.run(
      "UPDATE bench_runs SET status = ?, finished_at = ?, results = ?, error = ?, lease_until = NULL WHERE id = ?",
      [status, finishedAt.toISOString(), results ? JSON.stringify(results) : null, error ?? null, id],
    );
  }

  /** Mark runs whose lease expired (their process is gone) as incomplete; returns their IDs. */
  async recoverAbandoned(now: Date): Promise<string[]> {
    const dead = await this.sql.all<{ id: string }>(
      "SELECT id FROM bench_runs WHERE status = 'running' AND owner <> ? AND (lease_until IS NULL OR lease_until < ?)",
      [this.owner, this.store.clock()],
    );
    const recovered: string[] = [];
    for (const r of dead) {
      const changed = await this.sql.run(
        "UPDATE bench_runs SET status = 'incomplete', finished_at = ?, error = ?, lease_until = NULL WHERE id = ? AND status = 'running' AND (lease_until IS NULL OR lease_until < ?)",
        [
          now.toISOString(),
          "the process running this benchmark stopped before it finished (its lease expired)",
          r.id,
          this.store.clock(),
        ],
      );
      if (changed > 0) recovered.push(r.id);
    }
    return recovered;
  }

  /** Whether a run of `suite` is going on anywhere (ours, or another process's with a live lease). */
  async isSuiteRunning(suite: string): Promise<boolean> {
    const row = await this.sql.get<{ n: number }>(
      "SELECT COUNT(*) AS n FROM bench_runs WHERE suite = ? AND status = 'running' AND (owner = ? OR lease_until >= ?)",
      [suite, this.owner, this.store.clock()],
    );
    return Number(row?.n ?? 0) > 0;
  }

  async requests(runId: string): Promise<RequestRow[]> {
    const rows = await this.sql.all<RequestRecord>(
      "SELECT * FROM bench_requests WHERE run_id = ? ORDER BY seq",
      [runId],
    );
    return rows.map(fromRecord);
  }

  async listRuns(options: { suite?: string; limit?: number } = {}): Promise<BenchRunSummary[]> {
    const limit = options.limit ?? 100;
    const rows = options.suite
      ? await this.sql.all<RunRecord>(
          "SELECT * FROM bench_runs WHERE suite = ? ORDER BY started_at DESC LIMIT ?",
          [options.suite, limit],
        )
      : await this.sql.all<RunRecord>("SELECT * FROM bench_runs ORDER BY started_at DESC LIMIT ?", [limit]);
    return Promise.all(rows.map((r) => this.summary(r)));
  }

  async getRun(id: string): Promise<BenchRunDetail | null> {
    const r = await this.sql.get<RunRecord>("SELECT * FROM bench_runs WHERE id = ?", [id]);
    if (!r) return null;
    const results = r.results ? (JSON.parse(r.results) as RunResults) : null;
    return {
      ...(await this.summary(r)),
      stats: results?.stats ?? [],
      manifest: JSON.parse(r.manifest) as Manifest,
    };
  }

  /** Earlier finished runs of a suite (newest first), for regression checks. */
  async previousRuns(suite: string, before: string, limit = 5): Promise<BenchRunDetail[]> {
    const ids = await this.sql.all<{ id: string }>(
      "SELECT id FROM bench_runs WHERE suite = ? AND status = 'complete' AND started_at < ? ORDER BY started_at DESC LIMIT ?",
      [suite, before, limit],
    );
    const runs = await Promise.all(ids.map((r) => this.getRun(r.id)));
    return runs.filter((r): r is BenchRunDetail => r !== null);
  }

  private async summary(r: RunRecord): Promise<BenchRunSummary> {
    const results = r.results ? (JSON.parse(r.results) as RunResults) : null;
    const count = await this.sql.get<{ n: number }>(
      "SELECT COUNT(*) AS n FROM bench_requests WHERE run_id = ? AND warmup = 0 AND status <> 'cancelled'",
      [r.id],
    );
    return {
      id: r.id,
      suite: r.suite,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      status: r.status,
      models: JSON.parse(r.models) as string[],
      requests: Number(count?.n ?? 0),
      recommendation: results?.recommendation ?? null,
      regressions: results?.regressions ?? [],
    };
  }

  // Schedule state (server/bench/schedule.ts).

  async scheduleCheckedAt(key: string): Promise<Date | null> {
    const row = await this.sql.get<{ checked_at: string }>(
      "SELECT checked_at FROM bench_schedule_state WHERE key = ?",
      [key],
    );
    return row ? new Date(row.checked_at) : null;
  }

  /**
   * Move a schedule's "checked up to" mark from `from` to `to`, atomically: true for exactly one
   * of several replicas doing it at once, which then owns the fire times in between.
   */
  async claimSchedule(
    key: string,
    suite: string,
    cron: string,
    from: Date | null,
    to: Date,
  ): Promise<boolean> {
    if (from === null) {
      const inserted = await this.sql.run(
        "INSERT INTO bench_schedule_state (key, suite, cron, checked_at) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
        [key, suite, cron, to.toISOString()],
      );
      return inserted > 0;
    }
    const changed = await this.sql.run(
      "UPDATE bench_schedule_state SET checked_at = ? WHERE key = ? AND checked_at = ?",
      [to.toISOString(), key, from.toISOString()],
    );
    return changed > 0;
  }

  async addMissed(key: string, entry: BenchMissedRun): Promise<void> {
    await this.sql.run(
      "INSERT INTO bench_missed (key, suite, due_at, reason, detected_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (key, due_at) DO NOTHING",
      [key, entry.suite, entry.dueAt, entry.reason, entry.detectedAt],
    );
  }

  async listMissed(limit = 100): Promise<Array<{ key: string } & Omit<BenchMissedRun, "cron">>> {
    const rows = await this.sql.all<{
      key: string;
      suite: string;
      due_at: string;
      reason: string;
      detected_at: string;
    }>("SELECT key, suite, due_at, reason, detected_at FROM bench_missed ORDER BY due_at DESC LIMIT ?", [
      limit,
    ]);
    return rows.map((r) => ({
      key: r.key,
      suite: r.suite,
      dueAt: r.due_at,
      reason: r.reason,
      detectedAt: r.detected_at,
    }));
  }
}
