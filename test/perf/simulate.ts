/**
 * Simulated viewers against the in-process sandbox on a virtual clock: every viewer refreshes
 * the whole page once per virtual minute; the sandbox ledger says what reached "AWS".
 */
import type { LedgerEntry } from "../../server/sandbox/core/ledger.ts";
import { groupEvents } from "../../server/sandbox/providers/logs/index.ts";
import type { Workload } from "../../server/sandbox/workload/model.ts";
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
  /** Ledger sequence number at the end of the first tick (the cold refresh). */
  firstTickSeq: number;
  /**
   * Virtual minutes from the end of the first tick to the end of the run: the virtual clock is
   * real time plus the ticks' offsets, so on a loaded machine a tick lasts more than a minute.
   */
  virtualMinutesAfterFirstTick: number;
  /** Logs Insights bytes scanned in each tick. */
  logsBytesPerTick: number[];
  /** Log bytes ingested over the day before the run's end (all groups), as Logs Insights counts them. */
  logBytesLastDay?: number;
  /** Log bytes ingested from the end of the first tick to the end of the run (the steady window). */
  logBytesSteady?: number;
}

export interface SimulationOptions extends ServerShape {
  viewers: number;
  ticks: number;
  range: string;
  onTick?: (tick: number) => void;
  /** Also count the log bytes ingested over the last day (slow at high traffic scales). */
  measureIngest?: boolean;
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
  const logsPerTick: number[] = [];
  let firstTickSeq = 0;
  let firstTickEnd = 0;
  // Tick k starts at exactly t0 + k minutes of virtual time (the clock runs in real time within a
  // tick, for the Logs Insights query life cycle): a virtual day of 1,440 ticks is 24 hours, not
  // 24 hours plus the real time the run took.
  const t0 = bench.clock.now().getTime();
  // Each viewer's page holds the run details it has fetched.
  const held = Array.from({ length: options.viewers }, () => new Set<string>());
  try {
    for (let tick = 0; tick < options.ticks; tick++) {
      if (tick > 0) bench.clock.advanceTo(t0 + tick * TICK_MS);
      const before = ledger.lastSeq;
      const results = await Promise.all(held.map((h) => pageRefresh(bench.running.url, options.range, h)));
      await settle(bench);
      for (const r of results) {
        requests += r.requests;
        failures += r.failures;
        if (failed.length < 10) failed.push(...r.failed.map((f) => `tick ${tick}: ${f}`));
      }
      perTick.push(ledger.list({ sinceSeq: before, operation: "GetMetricData" }).length);
      logsPerTick.push(
        ledger
          .list({ sinceSeq: before, service: "logs" })
          .reduce((n, e) => n + Number(e.notes?.bytesScanned ?? 0), 0),
      );
      if (tick === 0) {
        firstTickSeq = ledger.lastSeq;
        firstTickEnd = bench.clock.now().getTime();
      }
      options.onTick?.(tick);
    }
    const entries = ledger.list();
    const workload = bench.running.sandbox!.workload;
    const end = workload.now();
    const groups = workload.functions.map((fn) => `/aws/lambda/${fn}`);
    return {
      firstTickSeq,
      virtualMinutesAfterFirstTick: (bench.clock.now().getTime() - firstTickEnd) / TICK_MS,
      logsBytesPerTick: logsPerTick,
      ...(options.measureIngest
        ? {
            logBytesLastDay: logBytesIngested(workload, groups, end - 86_400_000, end),
            logBytesSteady: logBytesIngested(workload, groups, firstTickEnd, end),
          }
        : {}),
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

/**
 * Log bytes ingested in [from, to) over the sandbox's log groups, counted as Logs Insights bills
 * a scan of them (the sandbox's recordBytes per event): the denominator of "bytes scanned ÷
 * bytes ingested".
 */
export function logBytesIngested(
  workload: Workload,
  groups: readonly string[],
  from: number,
  to: number,
): number {
  let bytes = 0;
  const hour = 3_600_000;
  for (const group of groups)
    for (let t = from; t < to; t += hour)
      for (const event of groupEvents(workload, group, t, Math.min(to, t + hour)))
        bytes += Buffer.byteLength(event.message, "utf8") + 26;
  return bytes;
}
