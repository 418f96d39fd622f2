/**
 * `npm run bench:harness`: accuracy and overhead of the benchmark runner against the sandbox's
 * ground truth. The sandbox runs in a child process (latencyScale 1: real Nova-like timings) so it
 * does not share the runner's event loop; every measured request is matched by request ID to the
 * sandbox's record (GET /_sandbox/bedrock/calls). Reported per concurrency level: median and p90
 * of measured - planned for TTFT and end-to-end, the overhead measured e2e - metrics.latencyMs,
 * and the runner's CPU time per request (this process: runner, SDK, signing, parsing).
 */
import { runBenchmark } from "../../server/bench/runner.ts";
import {
  type BenchFixture,
  groundTruth,
  MODELS,
  startFixture,
  suiteFile,
} from "../integration/bench-fixture.ts";
import {
  type Cell,
  listOption,
  machine,
  numberOption,
  parseOptions,
  round,
  run,
  type ScriptSpec,
  table,
  writeArtifact,
} from "./common.ts";
import { quantiles } from "./reliability.ts";

const SPEC: ScriptSpec = {
  name: "harness",
  summary: "Error of the runner's TTFT and end-to-end vs the sandbox's ground truth, and its overhead.",
  options: [
    { name: "concurrency", type: "string", description: "concurrency levels", default: "1,8,32" },
    {
      name: "requests",
      type: "string",
      description: "measured requests per level (at least 2 x concurrency)",
      default: "36",
    },
  ],
};

const PROMPTS = [
  { id: "bedrock", text: "Explain briefly what Amazon Bedrock is." },
  { id: "lambda", text: "¿Qué es AWS Lambda? Responde en una frase." },
];

interface LevelResult {
  concurrency: number;
  requests: number;
  ok: number;
  unmatched: number;
  ttftErrorMs: { p50: number; p90: number; min: number };
  e2eErrorMs: { p50: number; p90: number; min: number };
  overheadMs: { p50: number; p90: number };
  cpuMsPerRequest: number;
  wallSeconds: number;
}

async function level(fx: BenchFixture, concurrency: number, requests: number): Promise<LevelResult> {
  const perCombo = MODELS.length * PROMPTS.length;
  const repetitions = Math.max(1, Math.ceil(Math.max(requests, 2 * concurrency) / perCombo));
  const loaded = suiteFile({ name: `harness-c${concurrency}`, warmup: 1, repetitions, prompts: PROMPTS });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await runBenchmark(fx.deps, {
    loaded,
    models: MODELS,
    region: "us-east-1",
    mode: "stream",
    load: concurrency === 1 ? { kind: "sequential" } : { kind: "concurrency", n: concurrency },
    slo: { p90EndToEndMs: 2000, minQualityPassRate: 0.9 },
    timeoutMs: 120_000,
  });
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const truth = await groundTruth(fx.url);
  const ttft: number[] = [];
  const e2e: number[] = [];
  const overhead: number[] = [];
  let ok = 0;
  let unmatched = 0;
  for (const row of result.rows.filter((r) => !r.warmup)) {
    if (row.status !== "ok") continue;
    ok += 1;
    const t = row.requestId ? truth.get(row.requestId) : undefined;
    if (!t || t.plannedTtftMs === undefined || t.plannedLatencyMs === undefined) {
      unmatched += 1;
      continue;
    }
    ttft.push(row.ttftMs! - t.plannedTtftMs);
    e2e.push(row.endToEndMs! - t.plannedLatencyMs);
    if (row.serverLatencyMs !== null) overhead.push(row.endToEndMs! - row.serverLatencyMs);
  }
  const q = (v: number[]) => quantiles(v);
  return {
    concurrency,
    requests: result.rows.length,
    ok,
    unmatched,
    ttftErrorMs: { p50: q(ttft).p50, p90: q(ttft).p90, min: q(ttft).min },
    e2eErrorMs: { p50: q(e2e).p50, p90: q(e2e).p90, min: q(e2e).min },
    overheadMs: { p50: q(overhead).p50, p90: q(overhead).p90 },
    // Warm-up rows included: every request the runner sent cost CPU here.
    cpuMsPerRequest: round((cpu.user + cpu.system) / 1000 / Math.max(1, result.rows.length), 2),
    wallSeconds: round(wall / 1000, 1),
  };
}

async function main(): Promise<void> {
  const options = parseOptions(SPEC);
  if (!options) return;
  const quick = options.quick === true;
  const levels = listOption(options, "concurrency", quick ? [1, 8] : [1, 8, 32]);
  const requests = numberOption(options, "requests", quick ? 6 : 36);
  const fx = await startFixture({ bedrock: { latencyScale: 1 } }, { childProcess: true });
  const results: LevelResult[] = [];
  try {
    for (const c of levels) results.push(await level(fx, c, requests));
  } finally {
    await fx.close();
  }
  const rows: Array<Record<string, Cell>> = results.map((r) => ({
    concurrency: r.concurrency,
    "sent (measured ok)": `${r.requests} (${r.ok})`,
    "TTFT err p50/p90 ms": `${r.ttftErrorMs.p50} / ${r.ttftErrorMs.p90}`,
    "E2E err p50/p90 ms": `${r.e2eErrorMs.p50} / ${r.e2eErrorMs.p90}`,
    "min err TTFT/E2E ms": `${r.ttftErrorMs.min} / ${r.e2eErrorMs.min}`,
    "overhead p50/p90 ms": `${r.overheadMs.p50} / ${r.overheadMs.p90}`,
    "CPU ms/request": r.cpuMsPerRequest,
    unmatched: r.unmatched,
  }));
  process.stdout.write(`${table(rows)}\n`);
  const path = writeArtifact("harness", { machine: machine(), quick, models: MODELS, results });
  process.stdout.write(`\nWrote ${path}\n`);
  const bad = results.filter((r) => r.unmatched > 0 || r.ok === 0);
  if (bad.length > 0) {
    process.stderr.write(
      `harness: ${bad.map((r) => `concurrency ${r.concurrency}: ${r.ok} ok, ${r.unmatched} without ground truth`).join("; ")}\n`,
    );
    process.exitCode = 1;
  }
}

run("harness", main);
