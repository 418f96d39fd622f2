/**
 * A broken store (issue #15, item 5): at start, `serve` names the file and the fix and exits
 * non-zero; waiting on an unreachable PostgreSQL, it honours SIGTERM; broken while running, the
 * server keeps answering from memory and /api/health says the store is degraded.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import Database from "better-sqlite3";
import type { HealthResponse } from "../../server/api/contract.ts";
import { startServer } from "../../server/api/server.ts";
import { parseConfig } from "../../server/config.ts";

const cli = new URL("../../server/bin.js", import.meta.url).pathname;
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "bedrock-ops-broken-"));
  dirs.push(d);
  return d;
}

function serve(configPath: string) {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", cli, "serve", "--config", configPath, "--port", "0"],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

describe("a broken store", () => {
  it("at start: serve names the file and the fix, and exits non-zero", async () => {
    // Prepare: a data directory whose database file is not a database
    const dir = tempDir();
    const dataDir = join(dir, "data");
    const file = join(dataDir, "bedrock-ops.db");
    writeFileSync(join(dir, "config.json"), JSON.stringify({ mode: "sandbox", server: { dataDir } }));
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, Buffer.alloc(16_384, "not a database "));
    // Act
    const run = serve(join(dir, "config.json"));
    const code = await run.exited;
    // Assess
    assert.equal(code, 2, run.err());
    assert.ok(run.err().includes(file), `names the file: ${run.err()}`);
    assert.match(run.err(), /not a readable SQLite database/);
    assert.match(run.err(), /Move it aside \(mv .*bedrock-ops\.db .*bedrock-ops\.db\.broken\)/);
    assert.doesNotMatch(run.out(), /dashboard: http/);
  });

  it("at start: a data directory that is a file is named with the fix", async () => {
    const dir = tempDir();
    const dataDir = join(dir, "data");
    writeFileSync(dataDir, "a file, not a directory");
    writeFileSync(join(dir, "config.json"), JSON.stringify({ mode: "sandbox", server: { dataDir } }));
    const run = serve(join(dir, "config.json"));
    assert.equal(await run.exited, 2);
    assert.match(run.err(), /server\.dataDir/);
    assert.ok(run.err().includes(dataDir));
  });

  it("waiting on a PostgreSQL that never answers, serve stops on SIGTERM", async () => {
    // Prepare: a TCP port that accepts connections and never says a word
    const sockets: Socket[] = [];
    const hole = createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => hole.listen(0, "127.0.0.1", () => resolve()));
    const port = (hole.address() as { port: number }).port;
    const dir = tempDir();
    writeFileSync(
      join(dir, "config.json"),
      JSON.stringify({
        mode: "sandbox",
        server: { dataDir: join(dir, "data") },
        store: { kind: "postgres", url: `postgres://ops:secret-password@127.0.0.1:${port}/ops` },
      }),
    );
    try {
      const run = serve(join(dir, "config.json"));
      while (sockets.length === 0 && run.child.exitCode === null) await new Promise((r) => setTimeout(r, 20));
      // Act: the server is waiting on the database; the orchestrator stops the task
      run.child.kill("SIGTERM");
      const code = await run.exited;
      // Assess: it stopped because it was told to (not because the connection timed out)
      assert.equal(code, 2, run.err());
      assert.match(run.err(), /Store postgres:\/\/ops:\*\*\*@127\.0\.0\.1:\d+\/ops: start-up interrupted/);
      assert.doesNotMatch(run.err(), /secret-password/);
    } finally {
      for (const s of sockets) s.destroy();
      hole.close();
    }
  });

  it("while running: panels keep answering from memory and /api/health says the store is degraded", async () => {
    // Prepare: a server on a SQLite file, one panel loaded
    const dir = tempDir();
    const dataDir = join(dir, "data");
    const lines: string[] = [];
    const config = parseConfig({ mode: "sandbox", server: { dataDir } });
    const running = await startServer(config, { port: 0, dataDir, log: (l) => lines.push(l) });
    try {
      const first = await fetch(`${running.url}/api/costs?range=7d`);
      assert.equal(first.status, 200);
      const healthy = (await (await fetch(`${running.url}/api/health`)).json()) as HealthResponse;
      assert.equal(healthy.status, "ok");
      assert.equal(healthy.store?.status, "ok");
      // Act: the file is overwritten under the running server (after a checkpoint, so no copy
      // of it is left in the write-ahead log)
      const file = join(dataDir, "bedrock-ops.db");
      const other = new Database(file);
      other.pragma("wal_checkpoint(TRUNCATE)");
      other.close();
      const fd = openSync(file, "r+");
      writeSync(fd, Buffer.alloc(65_536, 0x41), 0, 65_536, 0);
      closeSync(fd);
      writeFileSync(`${file}-shm`, Buffer.alloc(32_768, 0x42));
      const panels = await Promise.all(
        ["/api/costs?range=30d", "/api/metrics?range=1h", "/api/bench/runs", "/api/usage"].map((p) =>
          fetch(`${running.url}${p}`),
        ),
      );
      const health = (await (await fetch(`${running.url}/api/health`)).json()) as HealthResponse;
      // Assess
      assert.deepEqual(
        panels.map((r) => r.status),
        [200, 200, 200, 200],
      );
      assert.equal(health.status, "degraded");
      assert.equal(health.store?.status, "degraded");
      assert.match(health.store?.message ?? "", /SQLITE_NOTADB/);
      assert.match(health.store?.message ?? "", /move .*bedrock-ops\.db aside and restart the server/);
      assert.equal(lines.filter((l) => l.includes("running from memory")).length, 1, lines.join("\n"));
    } finally {
      await running.close();
    }
  });
});
