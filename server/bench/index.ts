/**
 * Public surface of the benchmark runner. `serve` calls startBenchSchedules() after opening the
 * store and stops it on shutdown; the API mounts createBenchRouter (server/api/routes/bench.ts).
 */
import { ConfigError } from "../config.ts";
import type { BenchScheduler } from "./schedule.ts";
import { createBenchScheduler, scheduleProblems } from "./schedule.ts";
import { type BenchContext, runSuite } from "./service.ts";
import { loadSuite, SuiteError, suiteDirs } from "./suite.ts";

export { exportCsv, exportJson } from "./export.ts";
export { QuotaRefusal, runBenchmark } from "./runner.ts";
export type { BenchScheduler } from "./schedule.ts";
export type { BenchContext } from "./service.ts";
export { createBenchContext, resolveModels, runSuite } from "./service.ts";
export { BenchStore } from "./store.ts";
export { listSuites, loadSuite, SuiteError, suiteDirs } from "./suite.ts";

/**
 * Start the cron schedules of config.bench.schedules. Returns the scheduler: `start()` has
 * already run (its report of runs missed while the server was down is passed to `log`);
 * call `await scheduler.stop()` on shutdown.
 */
export async function startBenchSchedules(
  ctx: BenchContext,
  log: (line: string) => void = () => {},
  options: { now?: () => Date; tickMs?: number } = {},
): Promise<BenchScheduler> {
  const schedules = ctx.config.bench.schedules;
  const problems = scheduleProblems(schedules);
  schedules.forEach((s, i) => {
    try {
      loadSuite(s.suite, suiteDirs(ctx.config.bench.suitesDir));
    } catch (err) {
      if (!(err instanceof SuiteError)) throw err;
      problems.push(`bench.schedules[${i}].suite: ${err.problems.join("; ")}`);
    }
  });
  if (problems.length > 0) throw new ConfigError(problems, ctx.config.source);
  const scheduler = createBenchScheduler({
    ...options,
    schedules,
    store: ctx.store,
    log,
    run: (s, signal) =>
      runSuite(ctx, { suite: s.suite, models: s.models, repetitions: s.repetitions, signal }),
  });
  const missed = await scheduler.start();
  if (missed.length > 0)
    log(`bench: ${missed.length} scheduled run(s) were missed while the server was down`);
  return scheduler;
}
