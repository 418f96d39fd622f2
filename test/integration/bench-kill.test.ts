/**
 * A benchmark process killed with SIGKILL mid-run: the requests it completed are in SQLite, its
 * run lease stops being renewed, and once the lease has expired the next start marks the run
 * incomplete.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import Database from "better-sqlite3";
import { BenchStore, RUN_LEASE_MS } from "../../server/bench/store.ts";
import { openStore } from "../../server/store/index.ts";

const bin = new URL("../../server/bin.js", import.meta.url).pathname;

function rowsSoFar(dataDir: string): number {
  try {
    const db = new Database(join(dataDir, "bedrock-ops.db"), { readonly: true, fileMustExist: true });
    try {
      const row = db.prepare("SELECT COUNT(*) AS n FROM bench_requests").get() as { n: number };
      return row.n;
    } finally {
      db.close();
    }
  } catch {
    return 0; // the table does not exist yet
  }
}

describe("a benchmark killed mid-run", () => {
  it("keeps its completed rows and is marked incomplete on the next start", async () => {
    // Prepare: a sandbox-mode config and a suite of 3 models x 1 prompt x 5 repetitions
    const dir = mkdtempSync(join(tmpdir(), "bench-kill-"));
    const dataDir = join(dir, "data");
    writeFileSync(join(dir, "config.json"), JSON.stringify({ mode: "sandbox", server: { dataDir } }));
    writeFileSync(
      join(dir, "kill.json"),
      JSON.stringify({
        name: "kill",
        warmup: 0,
        repetitions: 5,
        prompts: [{ id: "q", text: "What is Amazon Bedrock?" }],
      }),
    );
    const child = spawn(
      process.execPath,
      [bin, "bench", "--suite", join(dir, "kill.json"), "--config", join(dir, "config.json")],
      { stdio: "ignore" },
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once("exit", (_code, signal) => resolve(signal)),
    );
    // Act: wait until 3 requests are stored, then kill without warning
    while (rowsSoFar(dataDir) < 3 && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    assert.equal(child.exitCode, null, "the benchmark ended on its own before it could be killed");
    child.kill("SIGKILL");
    assert.equal(await exited, "SIGKILL");
    // Looked at while its lease still runs, the run counts as going on (another replica may hold it);
    // looked at after the lease expired (a clock one lease later), it is recovered.
    const now = await openStore({ kind: "sqlite", dataDir });
    const early = new BenchStore(now, { owner: "next-process" });
    assert.deepEqual(await early.recoverAbandoned(new Date()), []);
    assert.equal(await early.isSuiteRunning("kill"), true);
    await now.close();
    const later = await openStore(
      { kind: "sqlite", dataDir },
      { clock: () => Date.now() + RUN_LEASE_MS + 1 },
    );
    const store = new BenchStore(later, { owner: "next-process" });
    const [before] = await store.listRuns({ suite: "kill" });
    const recovered = await store.recoverAbandoned(new Date());
    // Assess
    assert.equal(before!.status, "running");
    assert.deepEqual(recovered, [before!.id]);
    const run = (await store.getRun(before!.id))!;
    assert.equal(run.status, "incomplete");
    const rows = await store.requests(run.id);
    assert.ok(rows.length >= 3 && rows.length < 15, `rows ${rows.length}`);
    assert.ok(rows.every((r) => r.status === "ok" && r.outputTokens !== null && r.outputTokens > 0));
    assert.equal(await store.isSuiteRunning("kill"), false);
    await later.close();
  });
});
