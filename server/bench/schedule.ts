/**
 * Scheduled benchmarks inside `serve`: cron expressions from config.bench.schedules (cron-parser
 * 5, UTC). A tick every `tickMs` runs what fell due since the last check. Never two runs of the
 * same suite at once; a run that could not happen (server down, previous run still going, several
 * fire times coalesced) is recorded in bench_missed and reported, never silently skipped.
 */
import { CronExpressionParser } from "cron-parser";
import type { BenchMissedRun, BenchSchedulesData } from "../api/contract.ts";
import type { Config } from "../config.ts";
import type { BenchStore } from "./store.ts";

export type ScheduleConfig = Config["bench"]["schedules"][number];

/** Fire times of `cron` strictly after `from` and at or before `to` (at most `limit`). */
export function fireTimesBetween(cron: string, from: Date, to: Date, limit = 1000): Date[] {
  const expr = CronExpressionParser.parse(cron, { currentDate: from, tz: "UTC" });
  const out: Date[] = [];
  while (out.length < limit) {
    const next = expr.next().toDate();
    if (next.getTime() > to.getTime()) break;
    out.push(next);
  }
  return out;
}

export function nextFireTime(cron: string, after: Date): Date {
  return CronExpressionParser.parse(cron, { currentDate: after, tz: "UTC" }).next().toDate();
}

/** Validate every schedule's cron expression; one message per bad entry. */
export function scheduleProblems(schedules: readonly ScheduleConfig[]): string[] {
  return schedules.flatMap((s, i) => {
    try {
      CronExpressionParser.parse(s.cron, { tz: "UTC", strict: false });
      return [];
    } catch (err) {
      return [
        `bench.schedules[${i}].cron: got ${JSON.stringify(s.cron)}; ${(err as Error).message}; use 5 fields such as "0 6 * * *"`,
      ];
    }
  });
}

const keyOf = (s: ScheduleConfig) => `${s.suite}|${s.cron}`;

export interface SchedulerDeps {
  schedules: readonly ScheduleConfig[];
  store: BenchStore;
  /** Starts one scheduled run; resolves when it ends. */
  run(schedule: ScheduleConfig, signal: AbortSignal): Promise<{ runId: string }>;
  now?: () => Date;
  tickMs?: number;
  log?: (line: string) => void;
}

export interface BenchScheduler {
  /** Reports runs missed while the server was down, then starts ticking. */
  start(): BenchMissedRun[];
  /** One check (the timer calls it; tests call it with an injected clock). */
  tick(): Promise<void>;
  /** Resolves when no scheduled run is in flight. */
  idle(): Promise<void>;
  /** Stops ticking and aborts scheduled runs in flight (they are kept, marked incomplete). */
  stop(): Promise<void>;
  status(): BenchSchedulesData;
}

export function createBenchScheduler(deps: SchedulerDeps): BenchScheduler {
  const now = deps.now ?? (() => new Date());
  const log = deps.log ?? (() => {});
  const db = deps.store.db;
  const active = new Map<string, Promise<void>>();
  const lastRun = new Map<string, string>();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | null = null;

  const checkedAt = (s: ScheduleConfig): Date | null => {
    const row = db.prepare("SELECT checked_at FROM bench_schedule_state WHERE key = ?").get(keyOf(s)) as
      | { checked_at: string }
      | undefined;
    return row ? new Date(row.checked_at) : null;
  };
  const setChecked = (s: ScheduleConfig, at: Date) =>
    db
      .prepare(
        "INSERT INTO bench_schedule_state (key, suite, cron, checked_at) VALUES (?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET checked_at = excluded.checked_at",
      )
      .run(keyOf(s), s.suite, s.cron, at.toISOString());
  const missed = (s: ScheduleConfig, dueAt: Date, reason: string): BenchMissedRun => {
    const entry = {
      suite: s.suite,
      cron: s.cron,
      dueAt: dueAt.toISOString(),
      reason,
      detectedAt: now().toISOString(),
    };
    db.prepare(
      "INSERT OR IGNORE INTO bench_missed (key, suite, due_at, reason, detected_at) VALUES (?, ?, ?, ?, ?)",
    ).run(keyOf(s), entry.suite, entry.dueAt, entry.reason, entry.detectedAt);
    log(`bench schedule ${s.suite} (${s.cron}): run due ${entry.dueAt} missed: ${reason}`);
    return entry;
  };

  const launch = (s: ScheduleConfig) => {
    const p = deps
      .run(s, controller.signal)
      .then((r) => {
        lastRun.set(keyOf(s), r.runId);
        log(`bench schedule ${s.suite}: run ${r.runId} finished`);
      })
      .catch((err: unknown) => log(`bench schedule ${s.suite}: run failed: ${(err as Error).message}`))
      .finally(() => active.delete(s.suite));
    active.set(s.suite, p);
  };

  const tick = async () => {
    const at = now();
    for (const s of deps.schedules) {
      const since = checkedAt(s) ?? at;
      const due = fireTimesBetween(s.cron, since, at);
      setChecked(s, at);
      if (due.length === 0) continue;
      for (const d of due.slice(0, -1))
        missed(s, d, "coalesced: a later fire time of the same schedule ran instead");
      const last = due.at(-1)!;
      if (active.has(s.suite) || deps.store.isSuiteRunning(s.suite)) {
        missed(s, last, "the previous run of this suite was still running");
        continue;
      }
      launch(s);
    }
  };

  return {
    start() {
      const at = now();
      deps.store.recoverAbandoned(at);
      const reported: BenchMissedRun[] = [];
      for (const s of deps.schedules) {
        const since = checkedAt(s);
        if (since) {
          for (const d of fireTimesBetween(s.cron, since, at))
            reported.push(missed(s, d, "the server was not running"));
        }
        setChecked(s, at);
      }
      timer = setInterval(() => void tick(), deps.tickMs ?? 15_000);
      timer.unref();
      return reported;
    },
    tick,
    async idle() {
      await Promise.all(active.values());
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      controller.abort();
      await Promise.all(active.values());
    },
    status() {
      const at = now();
      const rows = db
        .prepare(
          "SELECT key, suite, due_at, reason, detected_at FROM bench_missed ORDER BY due_at DESC LIMIT 100",
        )
        .all() as Array<{ key: string; suite: string; due_at: string; reason: string; detected_at: string }>;
      return {
        schedules: deps.schedules.map((s) => ({
          suite: s.suite,
          cron: s.cron,
          nextAt: nextFireTime(s.cron, at).toISOString(),
          lastRunId:
            lastRun.get(keyOf(s)) ?? deps.store.listRuns({ suite: s.suite, limit: 1 })[0]?.id ?? null,
          running: active.has(s.suite),
        })),
        missed: rows.map((r) => ({
          suite: r.suite,
          cron: r.key.slice(r.suite.length + 1),
          dueAt: r.due_at,
          reason: r.reason,
          detectedAt: r.detected_at,
        })),
      };
    },
  };
}
