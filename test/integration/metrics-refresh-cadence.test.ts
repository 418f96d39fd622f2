/**
 * What the page's views buy from GetMetricData over time (issue 14, billed per metric requested):
 * the 24 h view refreshes every cache.ttlSeconds.metricsLongRange (10 minutes), the 1 h view
 * every minute, and the logs panel's range-wide AWS/Lambda percentiles when the range has moved
 * by 1/96 of its length (15 minutes on 24 h), not at every logs refresh. Calls are counted in the
 * sandbox's ledger on a virtual clock.
 */
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import type { LogsData, MetricsData, Panel } from "../../server/api/contract.ts";
import { type RunningServer, startServer } from "../../server/api/server.ts";
import { parseConfig } from "../../server/config.ts";

// Not on a whole minute: a range of exactly 1,440 minutes would fit 1-minute points.
const NOW = Date.parse("2026-11-18T15:30:07.000Z");
const MIN = 60_000;

async function serve(offset: { ms: number }, cache: Record<string, unknown> = {}): Promise<RunningServer> {
  return startServer(parseConfig({ mode: "sandbox", cache: { waitSeconds: 300, ...cache } }), {
    port: 0,
    dataDir: ":memory:",
    now: () => new Date(NOW + offset.ms),
    log: () => undefined,
  });
}

/** GetMetricData calls since `seq`, and the metrics they requested. */
function bought(server: RunningServer, seq: number): { calls: number; metrics: number } {
  const rows = server.sandbox!.ledger.list({
    service: "cloudwatch",
    operation: "GetMetricData",
    sinceSeq: seq,
  });
  return {
    calls: rows.length,
    metrics: rows.reduce((n, r) => n + Number(r.notes?.metricsRequested ?? 0), 0),
  };
}

/** GET a panel until it is no longer stale (its background refresh has landed). */
async function fresh<T>(server: RunningServer, path: string): Promise<Panel<T>> {
  for (let i = 0; i < 400; i++) {
    const panel = (await (await fetch(`${server.url}${path}`)).json()) as Panel<T>;
    if (!panel.stale && panel.data) return panel;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${path} stayed stale`);
}

describe("GetMetricData cadence of the page's views", () => {
  const servers: RunningServer[] = [];
  after(async () => {
    for (const s of servers) await s.close();
  });

  test("the 24 h view is bought again after 10 minutes, not 5; the 1 h view after a minute", async () => {
    const offset = { ms: 0 };
    const server = await serve(offset);
    servers.push(server);
    let seq = server.sandbox!.ledger.lastSeq;
    const first = await fresh<MetricsData>(server, "/api/metrics?range=24h");
    assert.equal(first.data?.range.periodSeconds, 300);
    const cold = bought(server, seq);
    assert.equal(cold.calls, 1);
    assert.ok(cold.metrics >= 30, `the range's series in one call, got ${cold.metrics}`);

    seq = server.sandbox!.ledger.lastSeq;
    offset.ms = 6 * MIN;
    const six = await fresh<MetricsData>(server, "/api/metrics?range=24h");
    assert.equal(six.asOf, first.asOf, "6 minutes later the 24 h view is still fresh");
    assert.equal(bought(server, seq).calls, 0);

    offset.ms = 10 * MIN + 1_000;
    await fetch(`${server.url}/api/metrics?range=24h`);
    const eleven = await fresh<MetricsData>(server, "/api/metrics?range=24h");
    assert.notEqual(eleven.asOf, first.asOf);
    assert.deepEqual(bought(server, seq), cold, "one refresh, the same metrics as the first");

    // The 1 h view (1-minute period) stays at a minute.
    await fresh<MetricsData>(server, "/api/metrics?range=1h");
    seq = server.sandbox!.ledger.lastSeq;
    offset.ms += MIN + 1_000;
    await fetch(`${server.url}/api/metrics?range=1h`);
    await fresh<MetricsData>(server, "/api/metrics?range=1h");
    assert.equal(bought(server, seq).calls, 1);
  });

  test("cache.ttlSeconds.metricsLongRange: 300 buys the 24 h view at every 5-minute point", async () => {
    const offset = { ms: 0 };
    const server = await serve(offset, { ttlSeconds: { metricsLongRange: 300 } });
    servers.push(server);
    const first = await fresh<MetricsData>(server, "/api/metrics?range=24h");
    const seq = server.sandbox!.ledger.lastSeq;
    offset.ms = 5 * MIN + 1_000;
    await fetch(`${server.url}/api/metrics?range=24h`);
    const later = await fresh<MetricsData>(server, "/api/metrics?range=24h");
    assert.notEqual(later.asOf, first.asOf);
    assert.equal(bought(server, seq).calls, 1);
  });

  test("the logs panel buys the range-wide Lambda percentiles every 15 minutes on 24 h, not at each 5-minute refresh", async () => {
    const offset = { ms: 0 };
    const server = await serve(offset);
    servers.push(server);
    let seq = server.sandbox!.ledger.lastSeq;
    const first = await fresh<LogsData>(server, "/api/logs?range=24h");
    const percentiles = first.data?.functions?.[0]?.percentiles;
    assert.ok(percentiles && percentiles.count > 0, "percentiles shown");
    assert.equal(bought(server, seq).calls, 1);

    for (const minutes of [5.5, 11]) {
      seq = server.sandbox!.ledger.lastSeq;
      offset.ms = minutes * MIN;
      await fetch(`${server.url}/api/logs?range=24h`);
      const panel = await fresh<LogsData>(server, "/api/logs?range=24h");
      assert.notEqual(panel.asOf, first.asOf, `the logs refreshed at ${minutes} min`);
      assert.deepEqual(
        panel.data?.functions?.[0]?.percentiles,
        percentiles,
        "the same percentiles, not bought again",
      );
      assert.equal(bought(server, seq).calls, 0, `no GetMetricData at ${minutes} min`);
    }

    seq = server.sandbox!.ledger.lastSeq;
    offset.ms = 16 * MIN;
    await fetch(`${server.url}/api/logs?range=24h`);
    await fresh<LogsData>(server, "/api/logs?range=24h");
    const after16 = bought(server, seq);
    assert.equal(after16.calls, 1);
    assert.equal(after16.metrics, 4, "p50, p90, p99 and SampleCount of the one function");
  });
});
