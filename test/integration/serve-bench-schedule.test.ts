/**
 * A benchmark scheduled in config.bench.schedules runs inside the dashboard server and shows up
 * in the API the Benchmarks panel reads.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { BenchRunDetail, BenchRunSummary } from "../../server/api/contract.ts";
import { type RunningServer, startServer } from "../../server/api/server.ts";
import { parseConfig } from "../../server/config.ts";

describe("scheduled benchmarks inside serve", () => {
  let dir: string;
  let server: RunningServer;
  // The clock the server and its scheduler see: 06:59:30 UTC, then past the 07:00 fire time.
  let clock = Date.UTC(2026, 10, 18, 6, 59, 30);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "bedrock-ops-schedule-"));
    const config = parseConfig({
      mode: "sandbox",
      server: { port: 0, dataDir: dir },
      bench: { schedules: [{ cron: "0 7 * * *", suite: "short-qa", repetitions: 1 }] },
    });
    server = await startServer(config, {
      now: () => new Date(clock),
      sandbox: { settings: { bedrock: { latencyScale: 0.01 } } },
    });
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs the suite at its cron time and serves the run on /api/bench/runs", async () => {
    // Prepare: nothing has run before the fire time
    await server.bench.tick();
    const before = (await (await fetch(`${server.url}/api/bench/runs`)).json()) as BenchRunSummary[];
    assert.equal(before.length, 0);
    // Act: the clock passes 07:00
    clock = Date.UTC(2026, 10, 18, 7, 0, 5);
    await server.bench.tick();
    await server.bench.idle();
    // Assess
    const runs = (await (await fetch(`${server.url}/api/bench/runs`)).json()) as BenchRunSummary[];
    assert.equal(runs.length, 1);
    const run = runs[0]!;
    assert.equal(run.suite, "short-qa");
    assert.equal(run.status, "complete");
    assert.deepEqual([...run.models].sort(), [
      "amazon.nova-lite-v1:0",
      "amazon.nova-micro-v1:0",
      "amazon.nova-pro-v1:0",
    ]);
    const detail = (await (await fetch(`${server.url}/api/bench/runs/${run.id}`)).json()) as BenchRunDetail;
    assert.equal(detail.stats.length, 3);
    for (const stats of detail.stats) assert.ok(stats.count > 0, `${stats.modelId} measured no request`);
    const schedules = (await (await fetch(`${server.url}/api/bench/schedules`)).json()) as {
      schedules: Array<{ suite: string; lastRunId: string | null; nextAt: string }>;
    };
    assert.equal(schedules.schedules[0]?.lastRunId, run.id);
    assert.equal(schedules.schedules[0]?.nextAt, "2026-11-19T07:00:00.000Z");
  });
});
