/**
 * Scheduled benchmarks inside `serve`: cron expressions from config.bench.schedules (cron-parser
 * 5, UTC). A tick every `tickMs` runs what fell due since the last check. Never two runs of the
 * same suite at once; a run that could not happen (server down, previous run still going, several
 * fire times coalesced) is recorded in bench_missed and reported, never silently skipped.
 * Replicas sharing a store run each fire once: the replica that atomically moves the schedule's
 * "checked up to" mark over a fire time owns it, and a suite running on any replica (a live run
 * lease) counts as running.
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
  start(): Promise<BenchMissedRun[]>;
  /** One check (the timer calls it; tests call it with an injected clock). */
  tick(): Promise<void>;
  /** Resolves when no scheduled run is in flight. */
  idle(): Promise<void>;
  /** Stops ticking and aborts scheduled runs in flight (they are kept, marked incomplete). */
  stop(): Promise<void>;
  status(): Promise<BenchSchedulesData>;
}

export function createBenchScheduler(deps: SchedulerDeps): BenchScheduler {
  const now = deps.now ?? (() => new Date());
  const log = deps.log ?? (() => {});
  const store = deps.store;
  const tickMs = deps.tickMs ?? 15_000;
  const active = new Map<string, Promise<void>>();
  const lastRun = new Map<string, string>();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | null = null;
  let ticking: Promise<void> | null = null;

  const missed = async (s: ScheduleConfig, dueAt: Date, reason: string): Promise<BenchMissedRun> => {
    const entry = {
      suite: s.suite,
      cron: s.cron,
      dueAt: dueAt.toISOString(),
      reason,
      detectedAt: now().toISOString(),
    };
    await store.addMissed(keyOf(s), entry);
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

  const check = async () => {
    const at = now();
    // Runs whose process died (their lease expired since the last look) become incomplete.
    await store.recoverAbandoned(at);
    for (const s of deps.schedules) {
      const since = await store.scheduleCheckedAt(keyOf(s));
      const due = since ? fireTimesBetween(s.cron, since, at) : [];
      // Another replica that moved the mark first owns these fire times.
      if (!(await store.claimSchedule(keyOf(s), s.suite, s.cron, since, at))) continue;
      if (due.length === 0) continue;
      for (const d of due.slice(0, -1))
        await missed(s, d, "coalesced: a later fire time of the same schedule ran instead");
      const last = due.at(-1)!;
      if (active.has(s.suite) || (await store.isSuiteRunning(s.suite))) {
        await missed(s, last, "the previous run of this suite was still running");
        continue;
      }
      launch(s);
    }
  };
  const tick = async () => {
    if (ticking) return ticking;
    ticking = check()
      .catch((err: unknown) => log(`bench schedules: check failed: ${(err as Error).message}`))
      .finally(() => {
        ticking = null;
      });
    return ticking;
  };

  return {
    async start() {
      const at = now();
      await store.recoverAbandoned(at);
      // Fire times older than two ticks were nobody's (no replica was up); newer ones are left to
      // the ticks (of this server, or of a replica already running).
      const cut = new Date(at.getTime() - 2 * tickMs);
      const reported: BenchMissedRun[] = [];
      for (const s of deps.schedules) {
        const since = await store.scheduleCheckedAt(keyOf(s));
        if (!since) {
          await store.claimSchedule(keyOf(s), s.suite, s.cron, null, at);
          continue;
        }
        if (since.getTime() >= cut.getTime()) continue;
        if (!(await store.claimSchedule(keyOf(s), s.suite, s.cron, since, cut))) continue;
        for (const d of fireTimesBetween(s.cron, since, cut))
          reported.push(await missed(s, d, "the server was not running"));
      }
      timer = setInterval(() => void tick(), tickMs);
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
      await ticking;
      await Promise.all(active.values());
    },
    async status() {
      const at = now();
      const rows = await store.listMissed(100);
      return {
        schedules: await Promise.all(
          deps.schedules.map(async (s) => ({
            suite: s.suite,
            cron: s.cron,
            nextAt: nextFireTime(s.cron, at).toISOString(),
            lastRunId:
              lastRun.get(keyOf(s)) ?? (await store.listRuns({ suite: s.suite, limit: 1 }))[0]?.id ?? null,
            running: active.has(s.suite) || (await store.isSuiteRunning(s.suite)),
          })),
        ),
        missed: rows.map((r) => ({
          suite: r.suite,
          cron: r.key.slice(r.suite.length + 1),
          dueAt: r.dueAt,
          reason: r.reason,
          detectedAt: r.detectedAt,
        })),
      };
    },
  };
}
