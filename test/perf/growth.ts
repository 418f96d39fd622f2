/**
 * `npm run bench:growth`: how AWS calls and server time grow with the number of configured
 * models (3, 30, 300) and Lambda functions (1, 10, 100). Per shape: GetMetricData calls of one
 * metrics refresh (must be ceil(series / 500)), AWS calls of a whole cold page refresh and per
 * minute after, and the server time of a cold /api/metrics (ratio to 3 models / 1 function).
 */
import {
  artifactName,
  type BenchServer,
  listOption,
  machine,
  numberOption,
  pageRefresh,
  parseOptions,
  round,
  run,
  type ScriptSpec,
  settle,
  startBenchServer,
  sumOf,
  table,
  writeArtifact,
} from "./common.ts";
import { expectedCalls, seriesCount, TICK_MS } from "./simulate.ts";

const SPEC: ScriptSpec = {
  name: "growth",
  summary: "AWS calls and server time as configured models (3, 30, 300) and functions (1, 10, 100) grow.",
  options: [
    { name: "models", type: "string", description: "model counts (with 1 function)", default: "3,30,300" },
    {
      name: "functions",
      type: "string",
      description: "function counts (with 3 models)",
      default: "1,10,100",
    },
    {
      name: "repeat",
      type: "string",
      description: "cold /api/metrics fetches timed per shape",
      default: "5",
    },
    {
      name: "minutes",
      type: "string",
      description: "virtual minutes of one viewer after the cold refresh",
      default: "10",
    },
    { name: "range", type: "string", description: "range of the requests", default: "24h" },
  ],
};

interface Shape {
  models: number;
  functions: number;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Time one forced metrics fetch (POST /api/refresh/metrics waits for AWS), minus the sandbox's own time. */
async function timedFetch(
  bench: BenchServer,
  range: string,
): Promise<{ totalMs: number; serverMs: number; calls: number; status: number }> {
  const ledger = bench.running.sandbox!.ledger;
  const before = ledger.lastSeq;
  const t0 = performance.now();
  const res = await fetch(`${bench.running.url}/api/refresh/metrics?range=${range}`, { method: "POST" });
  await res.arrayBuffer();
  const totalMs = performance.now() - t0;
  const calls = ledger.list({ sinceSeq: before, operation: "GetMetricData" });
  const sandboxMs = sumOf(calls, (e) => e.durationMs);
  return { totalMs, serverMs: totalMs - sandboxMs, calls: calls.length, status: res.status };
}

async function measure(shape: Shape, options: { repeat: number; minutes: number; range: string }) {
  const bench = await startBenchServer(shape);
  const ledger = bench.running.sandbox!.ledger;
  try {
    const series = seriesCount(shape.models, shape.functions);
    // One metrics refresh from an empty cache.
    const m0 = ledger.lastSeq;
    const first = await fetch(`${bench.running.url}/api/metrics?range=${options.range}`);
    await first.arrayBuffer();
    await settle(bench);
    const gmd = ledger.list({ sinceSeq: m0, operation: "GetMetricData" });
    // The rest of a cold page refresh.
    await pageRefresh(bench.running.url, options.range);
    await settle(bench);
    const coldEntries = ledger.list();
    const coldLogsErrors = coldEntries.filter((e) => e.service === "logs" && e.status >= 400);
    // Steady state: one viewer per virtual minute.
    const s0 = ledger.lastSeq;
    for (let i = 0; i < options.minutes; i++) {
      bench.clock.advance(TICK_MS);
      await pageRefresh(bench.running.url, options.range);
      await settle(bench);
    }
    const steady = ledger.list({ sinceSeq: s0 });
    // Server time of a cold metrics fetch, repeated (forced refresh, a minute apart).
    const timings = [];
    for (let i = 0; i < options.repeat; i++) {
      bench.clock.advance(TICK_MS);
      timings.push(await timedFetch(bench, options.range));
    }
    const panel = (await (await fetch(`${bench.running.url}/api/metrics?range=${options.range}`)).json()) as {
      error: { code: string } | null;
      data: { lambda: unknown[]; bedrock: unknown[]; range: { periodSeconds: number } } | null;
    };
    return {
      models: shape.models,
      functions: shape.functions,
      series,
      getMetricDataPerRefresh: gmd.length,
      expected: expectedCalls(series),
      meetsCeilSeriesOver500: gmd.length === expectedCalls(series),
      maxMetricsPerCall: Math.max(0, ...gmd.map((e) => Number(e.notes?.metricsRequested ?? 0))),
      periodSeconds: panel.data?.range.periodSeconds ?? null,
      coldPageAwsCalls: coldEntries.length,
      coldLogsErrors: coldLogsErrors.length,
      logsError: coldLogsErrors[0]?.errorCode ?? null,
      awsCallsPerMinute: round(steady.length / options.minutes, 2),
      getMetricDataPerMinute: round(
        steady.filter((e) => e.operation === "GetMetricData").length / options.minutes,
        2,
      ),
      refreshStatus: timings[0]?.status ?? null,
      coldMetricsMs: round(median(timings.map((t) => t.totalMs)), 1),
      serverMsExSandbox: round(median(timings.map((t) => t.serverMs)), 1),
      metricsPanelError: panel.error?.code ?? null,
    };
  } finally {
    await bench.running.close();
  }
}

async function main(): Promise<void> {
  const options = parseOptions(SPEC);
  if (!options) return;
  const quick = options.quick === true;
  const models = listOption(options, "models", quick ? [3, 30] : [3, 30, 300]);
  const functions = listOption(options, "functions", quick ? [1, 10] : [1, 10, 100]);
  const repeat = numberOption(options, "repeat", quick ? 1 : 5);
  const minutes = numberOption(options, "minutes", quick ? 1 : 10);
  const range = String(options.range ?? "24h");
  const shapes: Shape[] = [
    ...models.map((m) => ({ models: m, functions: 1 })),
    ...functions.filter((f) => f !== 1 || !models.includes(3)).map((f) => ({ models: 3, functions: f })),
  ];
  // Warm the process (module loading, JIT) so the first shape's time is not inflated.
  if (!quick) await measure({ models: 3, functions: 1 }, { repeat: 1, minutes: 1, range });
  const rows = [];
  for (const shape of shapes) {
    process.stderr.write(`${shape.models} models, ${shape.functions} functions ...\n`);
    rows.push(await measure(shape, { repeat, minutes, range }));
  }
  const base = rows.find((r) => r.models === 3 && r.functions === 1) ?? rows[0]!;
  const withRatios = rows.map((r) => ({
    ...r,
    timeRatio: round(r.coldMetricsMs / base.coldMetricsMs, 2),
    serverTimeRatio: round(r.serverMsExSandbox / base.serverMsExSandbox, 2),
    seriesRatio: round(r.series / base.series, 2),
  }));
  const path = writeArtifact(artifactName("growth", quick), {
    script: "growth",
    at: new Date().toISOString(),
    machine: machine(),
    method: {
      range,
      repeat,
      steadyMinutes: minutes,
      serverTime:
        "median wall time of POST /api/refresh/metrics (a forced, uncached GetMetricData fetch) a virtual minute apart; serverMsExSandbox subtracts the in-process sandbox's own time per GetMetricData call (ledger durationMs)",
      quick,
    },
    rows: withRatios,
  });
  process.stdout.write(`\nGrowth (range=${range}):\n${table(withRatios)}\n\nWritten ${path}\n`);
  if (rows.some((r) => !r.meetsCeilSeriesOver500)) process.exitCode = 1;
}

run("growth", main);
