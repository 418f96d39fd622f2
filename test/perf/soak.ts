/**
 * `npm run soak`: the dashboard server (`bedrock-ops serve`, sandbox mode, with a token) in a child
 * process while its sandbox injects throttling 30 %, 5xx 5 %, malformed bodies 2 % and latency
 * spikes 5 % (1.5 s) on every service; simulated viewers poll every API route, and benchmark runs
 * (short-qa, concurrency 4) go on back to back against the same sandbox and database. Checks:
 * the server never dies, no unhandled rejection (server log or this process), every panel fresh
 * or marked stale/error (no 5xx, no empty payload without an error), RSS flat after warm-up, every
 * request a benchmark reported is stored, no secret in any response or log line. Exit 1 on a failed check.
 */
import { rmSync } from "node:fs";
import type { Panel } from "../../server/api/contract.ts";
import { parseConfig } from "../../server/config.ts";
import { sandboxCredentials } from "../../server/sandbox/index.ts";
import {
  type Cell,
  machine,
  numberOption,
  parseOptions,
  round,
  run,
  type ScriptSpec,
  table,
  writeArtifact,
} from "./common.ts";
import {
  benchAgainst,
  type CliChild,
  quantiles,
  rssOf,
  serveUrls,
  sleep,
  startCli,
  tempConfig,
} from "./reliability.ts";

const SPEC: ScriptSpec = {
  name: "soak",
  summary:
    "Faults, viewers and benchmarks for N minutes: no crash, no 5xx, no lost rows, flat memory, no secret.",
  options: [
    { name: "minutes", type: "string", description: "duration", default: "10" },
    { name: "viewers", type: "string", description: "simulated viewers", default: "5" },
    {
      name: "poll",
      type: "string",
      description: "seconds between a viewer's polls of every route",
      default: "5",
    },
    {
      name: "max-rss-ratio",
      type: "string",
      description: "RSS at end / after warm-up allowed",
      default: "1.3",
    },
  ],
};

const FAULTS = [
  { service: "*", kind: "throttle", probability: 0.3 },
  { service: "*", kind: "internal", probability: 0.05 },
  { service: "*", kind: "malformed", probability: 0.02 },
  { service: "*", kind: "slow", probability: 0.05, delayMs: 1500 },
];
const TOKEN = "soak-token-0123456789abcdef";
const PANELS = ["overview", "metrics", "logs", "costs", "budgets", "usage"];
const ROUTES = [
  ...PANELS.map((p) => `/api/${p}${p === "budgets" || p === "usage" ? "" : "?range=24h"}`),
  "/api/health",
  "/api/bench/runs",
  "/api/bench/schedules",
  "/api/openapi.json",
  "/metrics",
];

interface Tally {
  requests: number;
  byStatus: Record<string, number>;
  fresh: number;
  stale: number;
  error: number;
  /** Panels in error that still carried (older) data. */
  errorWithData: number;
  problems: string[];
  secretsInResponses: number;
  /** Per panel: [fresh, stale, error]. */
  perPanel: Record<string, [number, number, number]>;
}

const SECRETS = [TOKEN, sandboxCredentials().secretAccessKey];
const hasSecret = (text: string) => SECRETS.some((s) => text.includes(s));

async function poll(url: string, path: string, t: Tally): Promise<void> {
  let status = 0;
  let body = "";
  try {
    const method = path.startsWith("POST ") ? "POST" : "GET";
    const res = await fetch(`${url}${path.replace(/^POST /, "")}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}` },
      signal: AbortSignal.timeout(90_000),
    });
    status = res.status;
    body = await res.text();
  } catch (err) {
    t.problems.push(`no answer to ${path}: ${(err as Error).message}`);
  }
  t.requests += 1;
  t.byStatus[status] = (t.byStatus[status] ?? 0) + 1;
  if (hasSecret(body)) t.secretsInResponses += 1;
  if (status >= 500) t.problems.push(`${status} from ${path}: ${body.slice(0, 200)}`);
  const panel = PANELS.find((p) => path.startsWith(`/api/${p}`));
  if (!panel || status !== 200) return;
  const p = JSON.parse(body) as Panel<unknown>;
  const counts = t.perPanel[panel] ?? [0, 0, 0];
  t.perPanel[panel] = counts;
  if (p.error) {
    t.error += 1;
    counts[2] += 1;
    if (p.data !== null) t.errorWithData += 1;
  } else if (p.stale) {
    t.stale += 1;
    counts[1] += 1;
  } else if (p.data !== null) {
    t.fresh += 1;
    counts[0] += 1;
  }
  if (p.data === null && p.error === null) t.problems.push(`empty ${path} without an error`);
}

async function viewer(url: string, pollMs: number, until: number, t: Tally, i: number): Promise<void> {
  let round = 0;
  while (Date.now() < until) {
    const started = Date.now();
    await Promise.all(ROUTES.map((r) => poll(url, r, t)));
    // Now and then a viewer presses a panel's refresh button (429 when pressed too recently).
    if ((round + i) % 4 === 0) await poll(url, "POST /api/refresh/metrics?range=24h", t);
    round += 1;
    await sleep(Math.max(0, pollMs - (Date.now() - started)));
  }
}

interface BenchTally {
  runs: number;
  reported: number;
  stored: number;
  statuses: Record<string, number>;
  lost: string[];
}

async function benchmarks(
  config: ReturnType<typeof parseConfig>,
  sandboxUrl: string,
  dataDir: string,
  until: number,
  b: BenchTally,
): Promise<void> {
  while (Date.now() < until) {
    const { result, storedRows } = await benchAgainst(config, sandboxUrl, dataDir, {
      suite: "short-qa",
      repetitions: 2,
      load: { kind: "concurrency", n: 4 },
      timeoutMs: 30_000,
    });
    b.runs += 1;
    b.reported += result.rows.length;
    b.stored += storedRows;
    for (const r of result.rows) b.statuses[r.status] = (b.statuses[r.status] ?? 0) + 1;
    if (storedRows !== result.rows.length)
      b.lost.push(`run ${result.runId}: reported ${result.rows.length}, stored ${storedRows}`);
  }
}

async function main(): Promise<void> {
  const options = parseOptions(SPEC);
  if (!options) return;
  const quick = options.quick === true;
  const minutes = numberOption(options, "minutes", quick ? 0.35 : 10);
  const viewers = numberOption(options, "viewers", quick ? 2 : 5);
  const pollMs = numberOption(options, "poll", quick ? 3 : 5) * 1000;
  const maxRatio = numberOption(options, "max-rss-ratio", 1.3);
  let rejections = 0;
  process.on("unhandledRejection", (reason) => {
    rejections += 1;
    process.stderr.write(`soak: unhandled rejection in the soak process: ${String(reason)}\n`);
  });
  const cfg = tempConfig({ server: { token: TOKEN } });
  const config = parseConfig({ mode: "sandbox", server: { port: 0, dataDir: cfg.dataDir, token: TOKEN } });
  const serve: CliChild = startCli(["serve", "--config", cfg.path]);
  const t: Tally = {
    requests: 0,
    byStatus: {},
    fresh: 0,
    stale: 0,
    error: 0,
    errorWithData: 0,
    problems: [],
    secretsInResponses: 0,
    perPanel: {},
  };
  const b: BenchTally = { runs: 0, reported: 0, stored: 0, statuses: {}, lost: [] };
  const rss: Array<{ s: number; mb: number }> = [];
  try {
    const { url, sandboxUrl } = await serveUrls(serve);
    const injected = await fetch(`${sandboxUrl}/_sandbox/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ faults: FAULTS }),
    });
    if (!injected.ok) throw new Error(`POST /_sandbox/faults: ${injected.status} ${await injected.text()}`);
    const start = Date.now();
    const until = start + minutes * 60_000;
    const sampler = setInterval(
      () => {
        const bytes = rssOf(serve.proc.pid!);
        if (bytes !== null)
          rss.push({ s: round((Date.now() - start) / 1000, 0), mb: round(bytes / 2 ** 20, 1) });
      },
      quick ? 1000 : 5000,
    );
    await Promise.all([
      ...Array.from({ length: viewers }, (_, i) => viewer(url, pollMs, until, t, i)),
      benchmarks(config, sandboxUrl, cfg.dataDir, until, b).catch((err: unknown) => {
        b.lost.push(`a benchmark run threw: ${(err as Error).message}`);
      }),
    ]);
    clearInterval(sampler);
  } finally {
    const alive = serve.proc.exitCode === null && serve.proc.signalCode === null;
    serve.proc.kill("SIGTERM");
    const exit = await serve.exited;
    const log = serve.output();
    const logLines = log.split("\n").filter(Boolean);
    const unhandled = logLines.filter((l) => /unhandled|uncaught/i.test(l)).length;
    const secretLines = logLines.filter(hasSecret).length;
    const warm = rss.filter((r) => r.s >= (minutes * 60) / 4);
    const third = Math.max(1, Math.floor(warm.length / 3));
    const afterWarm = quantiles(warm.slice(0, third).map((r) => r.mb)).p50;
    const atEnd = quantiles(warm.slice(-third).map((r) => r.mb)).p50;
    const ratio = round(atEnd / afterWarm, 2);
    const checks: Array<Record<string, Cell>> = [
      {
        check: "server alive until the end (no crash)",
        value: alive ? "alive" : `died: ${JSON.stringify(exit)}`,
        pass: alive,
      },
      {
        check: "unhandled rejections (server log + soak process)",
        value: unhandled + rejections,
        pass: unhandled + rejections === 0,
      },
      { check: "5xx or no answer from our API", value: t.problems.length, pass: t.problems.length === 0 },
      {
        check: "panels fresh / stale / error (of which with data)",
        value: `${t.fresh} / ${t.stale} / ${t.error} (${t.errorWithData})`,
        pass: t.problems.every((p) => !p.startsWith("empty")),
      },
      {
        check: `RSS MB after warm-up -> end (ratio <= ${maxRatio})`,
        value: `${afterWarm} -> ${atEnd} (${ratio})`,
        pass: ratio <= maxRatio,
      },
      {
        check: "benchmark rows reported = stored",
        value: `${b.reported} = ${b.stored} (${b.runs} runs)`,
        pass: b.lost.length === 0 && b.runs > 0,
      },
      {
        check: "secrets in responses / log lines",
        value: `${t.secretsInResponses} / ${secretLines}`,
        pass: t.secretsInResponses + secretLines === 0,
      },
    ];
    process.stdout.write(`${table(checks)}\n\n`);
    process.stdout.write(
      `${table([{ minutes, viewers, "API requests": t.requests, "by status": JSON.stringify(t.byStatus), "bench outcomes": JSON.stringify(b.statuses), "log lines": logLines.length }])}\n`,
    );
    const path = writeArtifact("soak", {
      machine: machine(),
      quick,
      minutes,
      viewers,
      pollMs,
      faults: FAULTS,
      checks,
      api: t,
      bench: b,
      rss,
      serverExit: exit,
      serverLog: logLines,
    });
    process.stdout.write(`\nWrote ${path}\n`);
    for (const p of [...t.problems.slice(0, 10), ...b.lost]) process.stderr.write(`soak: ${p}\n`);
    if (checks.some((c) => c.pass !== true)) process.exitCode = 1;
    rmSync(cfg.dir, { recursive: true, force: true });
  }
}

run("soak", main);
