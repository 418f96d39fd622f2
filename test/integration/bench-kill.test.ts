/**
 * A benchmark process killed with SIGKILL mid-run: the requests it completed are in SQLite, and
 * the next start marks the run incomplete.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { BenchStore } from "../../server/bench/store.ts";
import { openDatabase } from "../../server/store/db.ts";

const bin = new URL("../../server/bin.js", import.meta.url).pathname;

function rowsSoFar(dataDir: string): number {
  try {
    const db = openDatabase(dataDir);
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
    const store = new BenchStore(openDatabase(dataDir));
    const [before] = store.listRuns({ suite: "kill" });
    const recovered = store.recoverAbandoned(new Date());
    // Assess
    assert.equal(before!.status, "running");
    assert.deepEqual(recovered, [before!.id]);
    const run = store.getRun(before!.id)!;
    assert.equal(run.status, "incomplete");
    const rows = store.requests(run.id);
    assert.ok(rows.length >= 3 && rows.length < 15, `rows ${rows.length}`);
    assert.ok(rows.every((r) => r.status === "ok" && r.outputTokens !== null && r.outputTokens > 0));
    store.db.close();
  });
});
