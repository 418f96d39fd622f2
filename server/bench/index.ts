/**
 * Public surface of the benchmark runner. `serve` calls startBenchSchedules() after opening the
 * store and stops it on shutdown; the API mounts createBenchRouter (server/api/routes/bench.ts).
 */
import { bedrockRegion, ConfigError } from "../config.ts";
import { PriceBook } from "../pricing/prices.ts";
import { estimateRunCost } from "./cost.ts";
import { scheduleCostProblem } from "./cost-guard.ts";
import type { BenchScheduler } from "./schedule.ts";
import { createBenchScheduler, scheduleProblems } from "./schedule.ts";
import { type BenchContext, ModelSelectionError, priceLookup, resolveModels, runSuite } from "./service.ts";
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
      const loaded = loadSuite(s.suite, suiteDirs(ctx.config.bench.suitesDir));
      // Nobody is at a terminal when a schedule fires: its cost is accepted in config or refused here.
      if (ctx.config.mode !== "sandbox") {
        const estimate = estimateRunCost(
          loaded.suite,
          resolveModels(ctx.config, s.models),
          s.repetitions ?? loaded.suite.repetitions,
          bedrockRegion(ctx.config),
          priceLookup(PriceBook.fromConfig(ctx.config)),
        );
        const problem = scheduleCostProblem(i, estimate.maxUsd, s.maxCostUsd, ctx.config.bench.maxCostUsd);
        if (problem) problems.push(problem);
      }
    } catch (err) {
      if (err instanceof ModelSelectionError) problems.push(`bench.schedules[${i}].models: ${err.message}`);
      else if (err instanceof SuiteError)
        problems.push(`bench.schedules[${i}].suite: ${err.problems.join("; ")}`);
      else throw err;
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
