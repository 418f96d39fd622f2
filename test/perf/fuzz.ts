/**
 * `npm run fuzz`: property-based fuzzing (fast-check) of the config loader, the sandbox's Logs
 * Insights parser and the API's query parameters, for a time budget (about a minute; seconds
 * with --quick). Never a 5xx, never a crash, never an exception other than the documented one,
 * always an error that names the field or parameter. The parser runs in a child process so
 * that a hang is caught and its input reported.
 */
import { fork } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { startServer } from "../../server/api/server.ts";
import { parseConfig } from "../../server/config.ts";
import {
  artifactName,
  machine,
  numberOption,
  pagePaths,
  parseOptions,
  round,
  run,
  type ScriptSpec,
  table,
  writeArtifact,
} from "./common.ts";
import type { ParserProgress } from "./fuzz-parser-child.ts";
import { callArbitrary, checkCall } from "./properties/api.ts";
import {
  configProperty,
  loadConfigProperty,
  mutatedConfigProperty,
  singleEditProperty,
  tempDir,
} from "./properties/config.ts";
import { allRoutes, undocumentedRoutes } from "./properties/routes.ts";

const SPEC: ScriptSpec = {
  name: "fuzz",
  summary: "Property-based fuzzing of the config, the Logs Insights parser and the API query parameters.",
  options: [
    { name: "seconds", type: "string", description: "total time budget", default: "60 (--quick: 6)" },
    {
      name: "seed",
      type: "string",
      description: "fast-check seed (printed, to replay a failure)",
      default: "time-based",
    },
  ],
};

interface Row {
  property: string;
  runs: number;
  seconds: number;
  failed: boolean;
  detail: string;
  [k: string]: string | number | boolean;
}

function check<Ts extends [unknown, ...unknown[]]>(
  name: string,
  property: fc.IProperty<Ts>,
  seconds: number,
  seed: number,
): Row {
  const t0 = performance.now();
  const d = fc.check(property, {
    seed,
    numRuns: Number.MAX_SAFE_INTEGER,
    interruptAfterTimeLimit: seconds * 1000,
    markInterruptAsFailure: false,
  });
  return {
    property: name,
    runs: d.numRuns,
    seconds: round((performance.now() - t0) / 1000, 1),
    failed: d.failed,
    detail: d.failed ? (fc.defaultReportMessage(d) ?? "failed") : "",
  };
}

async function checkAsync<Ts extends [unknown, ...unknown[]]>(
  name: string,
  property: fc.IAsyncProperty<Ts>,
  seconds: number,
  seed: number,
): Promise<Row> {
  const t0 = performance.now();
  const d = await fc.check(property, {
    seed,
    numRuns: Number.MAX_SAFE_INTEGER,
    interruptAfterTimeLimit: seconds * 1000,
    markInterruptAsFailure: false,
  });
  return {
    property: name,
    runs: d.numRuns,
    seconds: round((performance.now() - t0) / 1000, 1),
    failed: d.failed,
    detail: d.failed ? (fc.defaultReportMessage(d) ?? "failed") : "",
  };
}

/** The parser property in a child process with a stall watchdog. */
function parserInChild(seconds: number, seed: number): Promise<Row> {
  const { dir, remove } = tempDir();
  const inputFile = join(dir, "current-input.txt");
  const child = fork(
    fileURLToPath(new URL("./fuzz-parser-child.ts", import.meta.url)),
    [String(seconds), inputFile, String(seed)],
    {
      execArgv: ["--import", "tsx"],
    },
  );
  const stallMs = 15_000;
  const t0 = performance.now();
  return new Promise<Row>((resolve) => {
    let last: ParserProgress | null = null;
    let finished = false;
    const finish = (row: Row) => {
      if (finished) return;
      finished = true;
      clearInterval(watchdog);
      remove();
      resolve(row);
    };
    let lastProgressAt = performance.now();
    const watchdog = setInterval(() => {
      // The watchdog runs once the child has loaded (a loaded machine can take long to start it).
      if (last === null || performance.now() - lastProgressAt < stallMs) return;
      const input = readFileSync(inputFile, "utf8");
      child.kill("SIGKILL");
      finish({
        property: "logs parser: parseQuery",
        runs: last?.runs ?? 0,
        seconds: round((performance.now() - t0) / 1000, 1),
        failed: true,
        detail: `no progress for ${stallMs / 1000} s (a hang) on input ${JSON.stringify(input)}`,
      });
    }, 1_000);
    child.on("message", (m: ParserProgress) => {
      last = m;
      lastProgressAt = performance.now();
      if (m.type === "done") {
        finish({
          property: "logs parser: parseQuery",
          runs: m.runs,
          seconds: round((performance.now() - t0) / 1000, 1),
          failed: Boolean(m.failure),
          detail:
            m.failure ??
            `parsed ${m.parsed}, malformed ${m.malformed}; slowest ${round(m.slowestMs, 1)} ms on ${JSON.stringify(m.slowestInput.slice(0, 60))}`,
        });
      }
    });
    child.on("exit", (code) => {
      if (!finished && last?.type !== "done")
        finish({
          property: "logs parser: parseQuery",
          runs: last?.runs ?? 0,
          seconds: round((performance.now() - t0) / 1000, 1),
          failed: true,
          detail: `the parser process exited with ${code} (a crash)`,
        });
    });
  });
}

const FUZZ_TOKEN = "fuzz-token-0123456789abcdef";

/**
 * The API property in one auth mode: without a token (loopback), or with one (half the calls
 * carry it, half do not). Every route, Object.prototype names as keys, values and path parts.
 */
async function apiRows(seconds: number, seed: number, withToken: boolean): Promise<Row[]> {
  const logs: string[] = [];
  const mode = withToken ? "token" : "no token";
  const running = await startServer(
    parseConfig({ mode: "sandbox", ...(withToken ? { server: { token: FUZZ_TOKEN } } : {}) }),
    {
      port: 0,
      dataDir: ":memory:",
      sandbox: { settings: { logs: { scheduledMs: 10, runningMs: 10 } } },
      // The sandbox's heavy queries run on their own thread, as under `serve`.
      sandboxThread: true,
      log: (line) => logs.push(line),
    },
  );
  const statuses = new Map<string, number>();
  try {
    // The panels' first answers come from the sandbox (seconds when the machine is busy): asked
    // once before the clock starts, so a short (--quick) budget fuzzes the routes rather than
    // spending itself on one cold answer and ending after 0 runs.
    const auth: Record<string, string> = withToken ? { Authorization: `Bearer ${FUZZ_TOKEN}` } : {};
    await Promise.all(
      pagePaths("24h").map((p) =>
        fetch(`${running.url}${p}`, { headers: auth }).then(
          (r) => r.arrayBuffer(),
          () => undefined,
        ),
      ),
    );
    const routes = allRoutes(running);
    const property = fc.asyncProperty(
      callArbitrary(Date.now(), routes),
      fc.boolean(),
      async (call, sendToken) => {
        const headers: Record<string, string> =
          withToken && sendToken ? { Authorization: `Bearer ${FUZZ_TOKEN}` } : {};
        const answer = await checkCall(running.url, call, headers);
        const k = `${answer.status}${answer.code ? ` ${answer.code}` : ""}`;
        statuses.set(k, (statuses.get(k) ?? 0) + 1);
      },
    );
    const row = await checkAsync(
      `api (${mode}): query strings on ${routes.length} routes`,
      property,
      seconds,
      seed,
    );
    const health = await fetch(`${running.url}/api/health`);
    const alive: Row = {
      property: `api (${mode}): server alive afterwards, no internal error logged`,
      runs: 1,
      seconds: 0,
      failed: health.status !== 200 || logs.some((l) => /internal error|unhandled|uncaught/i.test(l)),
      detail: `health ${health.status}; log lines ${logs.length}${logs.length ? `: ${logs.slice(0, 3).join(" | ")}` : ""}`,
    };
    row.detail ||= [...statuses.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k}: ${n}`)
      .join(", ");
    if (withToken) return [row, alive];
    const undocumented = undocumentedRoutes(running);
    const documented: Row = {
      property: "api: every served route is in /api/openapi.json",
      runs: 1,
      seconds: 0,
      failed: false,
      detail: undocumented.length
        ? `not documented (reported, not failed): ${undocumented.join(", ")}`
        : "all documented",
    };
    return [row, alive, documented];
  } finally {
    await running.close();
  }
}

async function main(): Promise<void> {
  const options = parseOptions(SPEC);
  if (!options) return;
  const quick = options.quick === true;
  const total = numberOption(options, "seconds", quick ? 6 : 60);
  const seed =
    options.seed === undefined ? Date.now() % 2 ** 31 : Math.floor(numberOption(options, "seed", 1));
  process.stderr.write(`fuzz: ${total} s, seed ${seed}\n`);
  const parser = parserInChild(total * 0.3, seed);
  const { dir, remove } = tempDir();
  const rows: Row[] = [];
  try {
    const share = (total * 0.3) / 4;
    rows.push(check("config: any JSON value -> parseConfig", configProperty(), share, seed));
    rows.push(check("config: mutated example -> parseConfig", mutatedConfigProperty(), share, seed));
    rows.push(check("config: one edit is reported at its field", singleEditProperty(), share, seed));
    rows.push(check("config: file text + env -> loadConfig", loadConfigProperty(dir), share, seed));
  } finally {
    remove();
  }
  rows.push(...(await apiRows(total * 0.25, seed, false)));
  rows.push(...(await apiRows(total * 0.15, seed, true)));
  rows.push(await parser);
  const path = writeArtifact(artifactName("fuzz", quick), {
    script: "fuzz",
    at: new Date().toISOString(),
    machine: machine(),
    seed,
    seconds: total,
    quick,
    rows,
  });
  process.stdout.write(
    `\n${table(rows.map((r) => ({ ...r, detail: r.detail.split("\n")[0]!.slice(0, 140) })))}\n`,
  );
  for (const r of rows.filter((x) => x.failed)) process.stdout.write(`\nFAILED ${r.property}\n${r.detail}\n`);
  process.stdout.write(`\nseed ${seed} (replay: npm run fuzz -- --seed ${seed})\nWritten ${path}\n`);
  if (rows.some((r) => r.failed)) process.exitCode = 1;
}

run("fuzz", main);
