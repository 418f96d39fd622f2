/**
 * Benchmark persistence in the shared SQLite database: runs (with manifest and results) and
 * requests, each request written as soon as it completes. A run left "running" by a process that
 * is gone is marked "incomplete" on the next start.
 */
import { randomUUID } from "node:crypto";
import type { BenchRunDetail, BenchRunSummary } from "../api/contract.ts";
import { type Db, migrate } from "../store/db.ts";
import { fromRecord, type RequestRecord, toRecord } from "./store-rows.ts";
import { BENCH_MIGRATIONS } from "./store-schema.ts";
import type { Manifest, RequestRow } from "./types.ts";

export { BENCH_MIGRATIONS };

/** What a finished run stores besides its rows: statistics, recommendation, regressions. */
export type RunResults = Pick<BenchRunDetail, "stats" | "recommendation" | "regressions">;
export type RunStatus = BenchRunSummary["status"];

/** Identifies this process's runs, so a restarted server can tell its own from a dead one's. */
const OWNER = randomUUID();

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
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export class BenchStore {
  constructor(readonly db: Db) {
    migrate(db, BENCH_MIGRATIONS);
  }

  createRun(suite: string, models: readonly string[], manifest: Manifest, startedAt: Date): string {
    const id = `${startedAt.toISOString().replace(/[-:]/g, "").slice(0, 15)}-${randomUUID().slice(0, 8)}`;
    this.db
      .prepare(
        "INSERT INTO bench_runs (id, suite, status, started_at, pid, owner, models, manifest) VALUES (?, ?, 'running', ?, ?, ?, ?, ?)",
      )
      .run(
        id,
        suite,
        startedAt.toISOString(),
        process.pid,
        OWNER,
        JSON.stringify(models),
        JSON.stringify(manifest),
      );
    return id;
  }

  addRequest(row: RequestRow): void {
    this.db
      .prepare(
        `INSERT INTO bench_requests VALUES (@run_id, @seq, @model_id, @prompt_id, @repetition, @warmup, @started_at,
         @status, @error_code, @error_message, @mid_stream, @first_event_ms, @ttft_ms, @end_to_end_ms, @inter_token_ms,
         @server_latency_ms, @input_tokens, @output_tokens, @stop_reason, @request_id, @quality_pass, @quality_failures,
         @cost_usd, @output_chars)`,
      )
      .run(toRecord(row));
  }

  finishRun(
    id: string,
    status: RunStatus,
    finishedAt: Date,
    results: RunResults | null,
    error?: string,
  ): void {
    this.db
      .prepare("UPDATE bench_runs SET status = ?, finished_at = ?, results = ?, error = ? WHERE id = ?")
      .run(status, finishedAt.toISOString(), results ? JSON.stringify(results) : null, error ?? null, id);
  }

  /** Mark runs left "running" by a process that no longer exists as incomplete; returns their IDs. */
  recoverAbandoned(now: Date): string[] {
    const running = this.db
      .prepare("SELECT id, pid, owner FROM bench_runs WHERE status = 'running'")
      .all() as Array<Pick<RunRecord, "id" | "pid" | "owner">>;
    const dead = running.filter((r) => r.owner !== OWNER && !(r.pid !== process.pid && isAlive(r.pid)));
    for (const r of dead) {
      this.finishRun(
        r.id,
        "incomplete",
        now,
        null,
        "the process running this benchmark stopped before it finished",
      );
    }
    return dead.map((r) => r.id);
  }

  isSuiteRunning(suite: string): boolean {
    const rows = this.db
      .prepare("SELECT pid, owner FROM bench_runs WHERE suite = ? AND status = 'running'")
      .all(suite) as Array<Pick<RunRecord, "pid" | "owner">>;
    return rows.some((r) => r.owner === OWNER || (r.pid !== process.pid && isAlive(r.pid)));
  }

  requests(runId: string): RequestRow[] {
    const rows = this.db
      .prepare("SELECT * FROM bench_requests WHERE run_id = ? ORDER BY seq")
      .all(runId) as RequestRecord[];
    return rows.map(fromRecord);
  }

  listRuns(options: { suite?: string; limit?: number } = {}): BenchRunSummary[] {
    const limit = options.limit ?? 100;
    const rows = (
      options.suite
        ? this.db
            .prepare("SELECT * FROM bench_runs WHERE suite = ? ORDER BY started_at DESC LIMIT ?")
            .all(options.suite, limit)
        : this.db.prepare("SELECT * FROM bench_runs ORDER BY started_at DESC LIMIT ?").all(limit)
    ) as RunRecord[];
    return rows.map((r) => this.summary(r));
  }

  getRun(id: string): BenchRunDetail | null {
    const r = this.db.prepare("SELECT * FROM bench_runs WHERE id = ?").get(id) as RunRecord | undefined;
    if (!r) return null;
    const results = r.results ? (JSON.parse(r.results) as RunResults) : null;
    return { ...this.summary(r), stats: results?.stats ?? [], manifest: JSON.parse(r.manifest) as Manifest };
  }

  /** Earlier finished runs of a suite (newest first), for regression checks. */
  previousRuns(suite: string, before: string, limit = 5): BenchRunDetail[] {
    const ids = this.db
      .prepare(
        "SELECT id FROM bench_runs WHERE suite = ? AND status = 'complete' AND started_at < ? ORDER BY started_at DESC LIMIT ?",
      )
      .all(suite, before, limit) as Array<{ id: string }>;
    return ids.map((r) => this.getRun(r.id)).filter((r): r is BenchRunDetail => r !== null);
  }

  private summary(r: RunRecord): BenchRunSummary {
    const results = r.results ? (JSON.parse(r.results) as RunResults) : null;
    const count = this.db
      .prepare(
        "SELECT COUNT(*) AS n FROM bench_requests WHERE run_id = ? AND warmup = 0 AND status != 'cancelled'",
      )
      .get(r.id) as { n: number };
    return {
      id: r.id,
      suite: r.suite,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      status: r.status,
      models: JSON.parse(r.models) as string[],
      requests: count.n,
      recommendation: results?.recommendation ?? null,
      regressions: results?.regressions ?? [],
    };
  }
}
