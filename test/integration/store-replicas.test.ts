/**
 * Two `bedrock-ops serve` processes on one PostgreSQL store against one sandbox (issue #19): the
 * AWS calls in the sandbox's ledger for the same page loads are those of one process, and a
 * benchmark stored by one process is listed by both. PostgreSQL is a throwaway server started
 * here; when it cannot start the test is skipped loudly (a failure under CI).
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { BenchRunSummary, HealthResponse } from "../../server/api/contract.ts";
import {
  type RunningSandbox,
  SANDBOX_ACCOUNT_ID,
  sandboxCredentials,
  startSandbox,
} from "../../server/sandbox/index.ts";
import { postgresUnavailable, startPostgres, type TestPostgres } from "../helpers/postgres.ts";

const cli = new URL("../../server/bin.js", import.meta.url).pathname;
/** What the page asks for on a load (web/src: the panels and their default ranges). */
const PAGE = [
  "/api/overview?range=24h",
  "/api/metrics?range=24h",
  "/api/logs?range=24h",
  "/api/costs?range=7d",
  "/api/budgets",
  "/api/usage",
];

interface Replica {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

function childEnv(): NodeJS.ProcessEnv {
  const { accessKeyId, secretAccessKey } = sandboxCredentials();
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith("AWS_") || k.startsWith("BEDROCK_OPS_")) delete env[k];
  return {
    ...env,
    AWS_ACCESS_KEY_ID: accessKeyId,
    AWS_SECRET_ACCESS_KEY: secretAccessKey,
    NODE_NO_WARNINGS: "1",
  };
}

async function startReplica(configPath: string): Promise<Replica> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", cli, "serve", "--config", configPath, "--port", "0"],
    {
      stdio: ["ignore", "pipe", "pipe"],
      env: childEnv(),
    },
  );
  let out = "";
  let err = "";
  child.stdout!.on("data", (c: Buffer) => {
    out += c.toString();
  });
  child.stderr!.on("data", (c: Buffer) => {
    err += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  for (;;) {
    const m = /dashboard: (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
    if (m) {
      return {
        url: m[1]!,
        child,
        async stop() {
          child.kill("SIGTERM");
          await exited;
        },
      };
    }
    if (child.exitCode !== null) throw new Error(`serve exited ${child.exitCode}: ${err}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function json<T>(url: string): Promise<T> {
  const res = await fetch(url);
  assert.equal(res.status, 200, `${url}: ${res.status}`);
  return (await res.json()) as T;
}

/** Every AWS call the sandbox answered, per "service:operation". */
async function ledger(sandbox: RunningSandbox): Promise<Record<string, number>> {
  return (await json<{ counts: Record<string, number> }>(`${sandbox.url}/_sandbox/requests`)).counts;
}

const server = await startPostgres();
const pgError = "error" in server ? server.error : null;
if (pgError) process.stderr.write(`${postgresUnavailable(pgError)}\n`);

describe("two replicas on one PostgreSQL store", () => {
  let sandbox: RunningSandbox;
  let dir: string;
  let pg: TestPostgres;

  before(async () => {
    if ("error" in server) return;
    pg = server;
    dir = mkdtempSync(join(tmpdir(), "bedrock-ops-replicas-"));
    sandbox = await startSandbox({ port: 0, settings: { logs: { scheduledMs: 10, runningMs: 10 } } });
  });
  after(async () => {
    if ("error" in server) return;
    await sandbox.close();
    server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function configFor(name: string): Promise<string> {
    const url = await pg.createDatabase(`replicas_${process.pid}_${name}`);
    const path = join(dir, `${name}.json`);
    writeFileSync(
      path,
      JSON.stringify({
        mode: "aws",
        aws: { region: "us-east-1", endpoint: sandbox.url, accountId: SANDBOX_ACCOUNT_ID },
        server: { dataDir: join(dir, name) },
        store: { kind: "postgres", url },
      }),
    );
    return path;
  }

  it("make the AWS calls of one process, and share benchmark runs", async (t) => {
    if (pgError) {
      if (process.env.CI) assert.fail(`PostgreSQL is required under CI: ${pgError}`);
      t.skip(`PostgreSQL did not start: ${pgError}`);
      return;
    }
    // One replica: the page loaded twice (two viewers)
    const single = await configFor("one");
    await fetch(`${sandbox.url}/_sandbox/requests`, { method: "DELETE" });
    const only = await startReplica(single);
    for (let viewer = 0; viewer < 2; viewer++) await Promise.all(PAGE.map((p) => json(`${only.url}${p}`)));
    const one = await ledger(sandbox);
    await only.stop();

    // Two replicas on a fresh store: each viewer on its own replica, at the same moment
    const shared = await configFor("two");
    await fetch(`${sandbox.url}/_sandbox/requests`, { method: "DELETE" });
    const [a, b] = await Promise.all([startReplica(shared), startReplica(shared)]);
    try {
      await Promise.all([a, b].flatMap((r) => PAGE.map((p) => json(`${r.url}${p}`))));
      const two = await ledger(sandbox);
      t.diagnostic(`ledger, one replica: ${JSON.stringify(one)}`);
      t.diagnostic(`ledger, two replicas: ${JSON.stringify(two)}`);
      const total = (c: Record<string, number>) => Object.values(c).reduce((s, n) => s + n, 0);
      assert.ok(total(one) > 0);
      // GetQueryResults polls a running query: how many depends on how soon the sandbox's query
      // completes, not on the replicas. Every paid or started call must match exactly.
      const paid = (c: Record<string, number>) =>
        Object.fromEntries(Object.entries(c).filter(([k]) => k !== "logs:GetQueryResults"));
      assert.deepEqual(paid(two), paid(one), "two replicas on one store make the AWS calls of one");
      assert.ok((two["logs:GetQueryResults"] ?? 0) >= (two["logs:StartQuery"] ?? 0));

      // Both replicas report a healthy shared store
      for (const r of [a, b]) {
        const health = await json<HealthResponse>(`${r.url}/api/health`);
        assert.equal(health.store?.kind, "postgres");
        assert.equal(health.store?.status, "ok");
        assert.doesNotMatch(JSON.stringify(health), /password/);
      }

      // A benchmark stored by another process (the bench command on the same store) is listed by both
      const bench = spawn(
        process.execPath,
        [
          "--import",
          "tsx",
          cli,
          "bench",
          "--suite",
          "short-qa",
          "--models",
          "micro",
          "--repetitions",
          "1",
          "--config",
          shared,
        ],
        { stdio: ["ignore", "ignore", "pipe"], env: childEnv() },
      );
      let benchErr = "";
      bench.stderr!.on("data", (c: Buffer) => {
        benchErr += c.toString();
      });
      const code = await new Promise<number | null>((resolve) => bench.once("exit", (c) => resolve(c)));
      assert.equal(code, 0, benchErr);
      const runsA = await json<BenchRunSummary[]>(`${a.url}/api/bench/runs?suite=short-qa`);
      const runsB = await json<BenchRunSummary[]>(`${b.url}/api/bench/runs?suite=short-qa`);
      assert.equal(runsA.length, 1);
      assert.deepEqual(runsB, runsA);
      assert.equal(runsA[0]!.status, "complete");
      const detail = await json<{ id: string; requests: number }>(`${b.url}/api/bench/runs/${runsA[0]!.id}`);
      assert.equal(detail.requests, runsA[0]!.requests);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});
