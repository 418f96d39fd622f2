/** With more than 50 functions, the logs panel still answers: one query per 50 log groups, merged. */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { LogsData, Panel } from "../../server/api/contract.ts";
import { type RunningServer, startServer } from "../../server/api/server.ts";
import { parseConfig } from "../../server/config.ts";

describe("logs panel with 60 Lambda functions", () => {
  let dir: string;
  let server: RunningServer;
  const functions = Array.from({ length: 60 }, (_, i) => ({ name: `fn-${i}` }));
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "bedrock-ops-groups-"));
    const config = parseConfig({ mode: "sandbox", server: { port: 0, dataDir: dir }, lambda: { functions } });
    server = await startServer(config, {
      sandbox: { settings: { logs: { scheduledMs: 10, runningMs: 10 } } },
    });
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs each query per batch of 50 log groups and counts every function's invocations", async () => {
    const panel = (await (await fetch(`${server.url}/api/logs?range=1h`)).json()) as Panel<LogsData>;
    assert.equal(panel.error, null);
    const starts = server.sandbox!.ledger.list({ service: "logs", operation: "StartQuery" });
    // Incremental logs, per batch of at most 50 groups: two bins queries (the settled logs, the
    // unsettled tail) and the errors query over the hour before the watermark and the tail (the
    // whole 1 h range: no older span to read).
    assert.equal(starts.length, 6, "3 queries x 2 batches");
    assert.ok(starts.every((e) => e.status === 200));
    const data = panel.data!;
    const range = { from: Date.parse(data.range.start), to: Date.parse(data.range.end) };
    const expected = functions.reduce(
      (n, f) => n + server.sandbox!.workload.invocations(f.name, range.from - 180_000, range.to).length,
      0,
    );
    assert.ok((data.percentiles?.count ?? 0) > 0);
    assert.equal(data.functions?.length, 60);
    // Per function, Logs Insights and AWS/Lambda agree on the invocations (SampleCount of Duration).
    for (const f of data.functions ?? []) assert.ok(f.invocations >= (f.percentiles?.count ?? 0));
    // Every REPORT line of the 60 functions is counted once (within the minutes at the window's edges).
    assert.ok(
      Math.abs((data.percentiles?.count ?? 0) - expected) <= expected * 0.1,
      `${data.percentiles?.count} vs ${expected}`,
    );
  });
});
