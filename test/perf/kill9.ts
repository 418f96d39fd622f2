/**
 * `npm run bench:kill9`: `bedrock-ops bench --suite short-qa` (sandbox mode, temporary data dir)
 * in a child process, SIGKILLed once some requests are stored (the SQLite file polled read-only),
 * then `bedrock-ops serve` started on the same data dir: the rows stored before the kill must be
 * served by the API, intact, and the run must be marked incomplete. Repeated --runs times.
 */
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { BenchRunSummary } from "../../server/api/contract.ts";
import type { RunExport } from "../../server/bench/export.ts";
import {
  type Cell,
  machine,
  numberOption,
  parseOptions,
  run,
  type ScriptSpec,
  table,
  writeArtifact,
} from "./common.ts";
import { serveUrls, sleep, startCli, tempConfig } from "./reliability.ts";

const SPEC: ScriptSpec = {
  name: "kill9",
  summary: "SIGKILL a benchmark mid-run; on restart the completed rows are there and the run is incomplete.",
  options: [
    { name: "runs", type: "string", description: "kill-and-restart cycles", default: "3" },
    { name: "after", type: "string", description: "kill once this many rows are stored", default: "10" },
    {
      name: "serve-runs",
      type: "string",
      description: "cycles where `serve` runs the suite on a cron schedule and the server is killed",
      default: "1 (0 with --quick)",
    },
    { name: "suite", type: "string", description: "suite to run", default: "short-qa" },
  ],
};

interface StoredRun {
  runs: number;
  rows: number;
  seqs: number[];
}

/** Rows stored so far, read-only (never creates or migrates the database). */
function stored(dataDir: string): StoredRun {
  let db: Database.Database | null = null;
  try {
    db = new Database(join(dataDir, "bedrock-ops.db"), { readonly: true, fileMustExist: true });
    const runs = (db.prepare("SELECT COUNT(*) AS n FROM bench_runs").get() as { n: number }).n;
    const seqs = (
      db.prepare("SELECT seq FROM bench_requests ORDER BY seq").all() as Array<{ seq: number }>
    ).map((r) => r.seq);
    return { runs, rows: seqs.length, seqs };
  } catch {
    return { runs: 0, rows: 0, seqs: [] }; // no file or no table yet
  } finally {
    db?.close();
  }
}

type Via = "bench" | "serve";

interface Cycle {
  cycle: number;
  /** Who ran the benchmark and was killed: the `bench` command, or `serve` on a schedule. */
  via: Via;
  rowsAtKill: number;
  killedBy: string | null;
  statusAfterRestart: string;
  rowsServed: number;
  rowsIntact: boolean;
  restartMs: number;
  pass: boolean;
  problems: string[];
}

/** A short run lease, so that a killed run's lease expires within the cycle. */
const RUN_LEASE_S = 2;

async function cycle(n: number, suite: string, after: number, via: Via): Promise<Cycle> {
  // `serve` starts the suite at the next minute boundary (cron "* * * * *").
  const cfg = tempConfig(
    via === "serve"
      ? { bench: { schedules: [{ cron: "* * * * *", suite }], runLeaseSeconds: RUN_LEASE_S } }
      : { bench: { runLeaseSeconds: RUN_LEASE_S } },
  );
  const problems: string[] = [];
  try {
    const bench = startCli(
      via === "serve" ? ["serve", "--config", cfg.path] : ["bench", "--suite", suite, "--config", cfg.path],
    );
    while (stored(cfg.dataDir).rows < after && bench.proc.exitCode === null) await sleep(50);
    if (bench.proc.exitCode !== null)
      problems.push(`the benchmark ended on its own (${bench.proc.exitCode})`);
    bench.proc.kill("SIGKILL");
    const { signal } = await bench.exited;
    const atKill = stored(cfg.dataDir);
    // The killed run holds a lease (bench.runLeaseSeconds, 2 s here) that nobody renews any more:
    // once it has expired, the next process to look marks the run incomplete.
    await sleep(RUN_LEASE_S * 1000 + 500);
    // Restart without the schedule, so that no new run starts while the old one is checked.
    writeFileSync(
      cfg.path,
      JSON.stringify({
        mode: "sandbox",
        server: { port: 0, dataDir: cfg.dataDir },
        bench: { runLeaseSeconds: RUN_LEASE_S },
      }),
    );
    const t0 = performance.now();
    const serve = startCli(["serve", "--config", cfg.path]);
    let status = "?";
    let served: RunExport["requests"] = [];
    let restartMs = Number.NaN;
    try {
      const { url } = await serveUrls(serve);
      restartMs = performance.now() - t0;
      const runs = (await (await fetch(`${url}/api/bench/runs`)).json()) as BenchRunSummary[];
      if (runs.length !== 1) problems.push(`expected 1 run, the API lists ${runs.length}`);
      const r = runs[0];
      if (r) {
        status = r.status;
        const exp = (await (await fetch(`${url}/api/bench/runs/${r.id}/export`)).json()) as RunExport;
        served = exp.requests;
      }
    } finally {
      serve.proc.kill("SIGTERM");
      await serve.exited;
    }
    const servedSeqs = served.map((r) => r.seq).sort((a, b) => a - b);
    const intact =
      JSON.stringify(servedSeqs) === JSON.stringify(atKill.seqs) &&
      served.every((r) => r.status !== "ok" || (r.endToEndMs !== null && (r.outputTokens ?? 0) > 0));
    if (status !== "incomplete") problems.push(`run status ${status}, expected incomplete`);
    if (!intact) problems.push(`rows at kill ${atKill.rows}, served ${served.length} (or a row incomplete)`);
    if (atKill.rows < after) problems.push(`only ${atKill.rows} rows were stored before the kill`);
    if (signal !== "SIGKILL") problems.push(`the benchmark ended with ${signal}, not SIGKILL`);
    return {
      cycle: n,
      via,
      rowsAtKill: atKill.rows,
      killedBy: signal,
      statusAfterRestart: status,
      rowsServed: served.length,
      rowsIntact: intact,
      restartMs: Math.round(restartMs),
      pass: problems.length === 0,
      problems,
    };
  } finally {
    rmSync(cfg.dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const options = parseOptions(SPEC);
  if (!options) return;
  const quick = options.quick === true;
  const runs = numberOption(options, "runs", quick ? 1 : 3);
  const after = numberOption(options, "after", quick ? 3 : 10);
  const serveRuns = options["serve-runs"] === "0" ? 0 : numberOption(options, "serve-runs", quick ? 0 : 1);
  const suite = typeof options.suite === "string" ? options.suite : "short-qa";
  const cycles: Cycle[] = [];
  // Kill at a different point each cycle: after, after + 7, after + 14, ...
  for (let i = 0; i < runs; i++) cycles.push(await cycle(i + 1, suite, after + 7 * i, "bench"));
  for (let i = 0; i < serveRuns; i++) cycles.push(await cycle(runs + i + 1, suite, after + 7 * i, "serve"));
  const rows: Array<Record<string, Cell>> = cycles.map((c) => ({
    cycle: c.cycle,
    killed: c.via === "serve" ? "serve (scheduled run)" : "bench",
    "rows at kill": c.rowsAtKill,
    signal: c.killedBy,
    "status after restart": c.statusAfterRestart,
    "rows served": c.rowsServed,
    intact: c.rowsIntact,
    "serve start ms": c.restartMs,
    pass: c.pass,
  }));
  process.stdout.write(`${table(rows)}\n`);
  const path = writeArtifact("kill9", { machine: machine(), quick, suite, cycles });
  process.stdout.write(`\nWrote ${path}\n`);
  const failed = cycles.filter((c) => !c.pass);
  if (failed.length > 0) {
    process.stderr.write(
      `kill9: ${failed.map((c) => `cycle ${c.cycle}: ${c.problems.join("; ")}`).join("\n")}\n`,
    );
    process.exitCode = 1;
  }
}

run("kill9", main);
