/**
 * Simulated viewers against the in-process sandbox on a virtual clock: every viewer refreshes
 * the whole page once per virtual minute; the sandbox ledger says what reached "AWS".
 */
import type { LedgerEntry } from "../../server/sandbox/core/ledger.ts";
import { BEDROCK_STATS, LAMBDA_STATS } from "../../server/sources/metrics.ts";
import { type ApiTally, pageRefresh, type ServerShape, settle, startBenchServer, tally } from "./common.ts";

export const TICK_MS = 60_000;

export interface SimulationResult {
  viewers: number;
  ticks: number;
  requests: number;
  failures: number;
  /** The first few failed requests, for diagnosis. */
  failed: string[];
  realSeconds: number;
  tally: ApiTally[];
  /** GetMetricData calls in each tick (the first tick starts from an empty cache). */
  getMetricDataPerTick: number[];
  /** metricsRequested of every GetMetricData call, in order. */
  getMetricDataSizes: number[];
  entries: LedgerEntry[];
}

export interface SimulationOptions extends ServerShape {
  viewers: number;
  ticks: number;
  range: string;
  onTick?: (tick: number) => void;
}

/** Run `ticks` virtual minutes; each minute all viewers refresh concurrently, then flights settle. */
export async function simulate(options: SimulationOptions): Promise<SimulationResult> {
  const bench = await startBenchServer(options);
  const ledger = bench.running.sandbox!.ledger;
  const started = performance.now();
  let requests = 0;
  let failures = 0;
  const failed: string[] = [];
  const perTick: number[] = [];
  try {
    for (let tick = 0; tick < options.ticks; tick++) {
      if (tick > 0) bench.clock.advance(TICK_MS);
      const before = ledger.lastSeq;
      const results = await Promise.all(
        Array.from({ length: options.viewers }, () => pageRefresh(bench.running.url, options.range)),
      );
      await settle(bench);
      for (const r of results) {
        requests += r.requests;
        failures += r.failures;
        if (failed.length < 10) failed.push(...r.failed.map((f) => `tick ${tick}: ${f}`));
      }
      perTick.push(ledger.list({ sinceSeq: before, operation: "GetMetricData" }).length);
      options.onTick?.(tick);
    }
    const entries = ledger.list();
    return {
      viewers: options.viewers,
      ticks: options.ticks,
      requests,
      failures,
      failed: failed.slice(0, 10),
      realSeconds: (performance.now() - started) / 1000,
      tally: tally(entries),
      getMetricDataPerTick: perTick,
      getMetricDataSizes: entries
        .filter((e) => e.operation === "GetMetricData")
        .map((e) => Number(e.notes?.metricsRequested ?? 0)),
      entries,
    };
  } finally {
    await bench.running.close();
  }
}

/** The AWS calls of one page refresh from an empty cache: what a server without a cache makes per viewer. */
export async function coldRefresh(options: ServerShape & { range: string }): Promise<SimulationResult> {
  return simulate({ ...options, viewers: 1, ticks: 1 });
}

/** Series a metrics refresh asks for: every Lambda statistic per function, every Bedrock one per model. */
export function seriesCount(models: number, functions: number): number {
  return LAMBDA_STATS.length * functions + BEDROCK_STATS.length * models;
}

export function expectedCalls(series: number): number {
  return Math.ceil(series / 500);
}
