/** Scheduled benchmark runs inside serve: a due schedule runs against the sandbox and is stored. */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type AwsClients, createAwsClients } from "../../server/aws/clients.ts";
import { createBenchContext, startBenchSchedules } from "../../server/bench/index.ts";
import { ConfigError, parseConfig } from "../../server/config.ts";
import { type RunningSandbox, sandboxCredentials, startSandbox } from "../../server/sandbox/index.ts";
import { memoryStore } from "../../server/store/index.ts";

describe("scheduled benchmarks", () => {
  const dir = mkdtempSync(join(tmpdir(), "bench-schedule-"));
  let sandbox: RunningSandbox;
  let clients: AwsClients;
  before(async () => {
    writeFileSync(
      join(dir, "nightly.json"),
      JSON.stringify({
        name: "nightly",
        warmup: 0,
        repetitions: 2,
        prompts: [{ id: "q", text: "Briefly: what is Nova Micro?" }],
      }),
    );
    sandbox = await startSandbox({ port: 0, settings: { bedrock: { latencyScale: 0.05 } } });
    clients = createAwsClients({
      region: "us-east-1",
      endpoint: sandbox.url,
      credentials: sandboxCredentials(),
      maxAttempts: 3,
      retryMode: "standard",
    });
  });
  after(async () => {
    clients.destroy();
    await sandbox.close();
  });

  it("runs a schedule when it falls due and stores the run", async () => {
    // Prepare
    const config = parseConfig({
      mode: "sandbox",
      bench: { suitesDir: dir, schedules: [{ cron: "*/5 * * * *", suite: "nightly" }] },
    });
    const ctx = createBenchContext(config, clients, await memoryStore());
    let clock = new Date("2026-11-22T10:03:00Z");
    const lines: string[] = [];
    const scheduler = await startBenchSchedules(ctx, (l) => lines.push(l), {
      now: () => clock,
      tickMs: 3_600_000,
    });
    // Act: 10:05 passes
    clock = new Date("2026-11-22T10:05:02Z");
    await scheduler.tick();
    const during = await scheduler.status();
    await scheduler.idle();
    await scheduler.stop();
    // Assess
    assert.equal(during.schedules[0]!.running, true);
    const runs = await ctx.store.listRuns({ suite: "nightly" });
    const finished = await scheduler.status();
    assert.equal(runs.length, 1);
    assert.equal(runs[0]!.status, "complete");
    assert.equal(runs[0]!.requests, 2 * 3);
    assert.equal(finished.schedules[0]!.lastRunId, runs[0]!.id);
    assert.equal(finished.schedules[0]!.nextAt, "2026-11-22T10:10:00.000Z");
    assert.ok(lines.some((l) => l.includes(`run ${runs[0]!.id} finished`)));
  });

  it("refuses to start with a bad cron expression or an unknown suite, naming the field", async () => {
    const config = parseConfig({
      mode: "sandbox",
      bench: {
        suitesDir: dir,
        schedules: [
          { cron: "0 25 * * *", suite: "nightly" },
          { cron: "0 6 * * *", suite: "weekly" },
        ],
      },
    });
    const ctx = createBenchContext(config, clients, await memoryStore());
    await assert.rejects(
      () => startBenchSchedules(ctx),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.problems[0]!.startsWith('bench.schedules[0].cron: got "0 25 * * *"') &&
        err.problems[1]!.startsWith('bench.schedules[1].suite: --suite: no suite "weekly"'),
    );
  });
});
