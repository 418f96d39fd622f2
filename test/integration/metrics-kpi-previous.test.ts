/**
 * The overview's previous period buys only the series its KPI deltas read: over the same
 * sandbox range, the KPIs computed from the KPI-only fetch equal those from the full panel's
 * series, with the same range and period, for fewer metrics requested (GetMetricData bills each).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { headline } from "../../server/api/overview.ts";
import { createAwsClients } from "../../server/aws/clients.ts";
import { parseConfig } from "../../server/config.ts";
import { PriceBook } from "../../server/pricing/prices.ts";
import { type RunningSandbox, sandboxCredentials, startSandbox } from "../../server/sandbox/index.ts";
import { fetchMetrics, planSeries } from "../../server/sources/metrics.ts";
import { presetRange } from "../../server/sources/range.ts";

const NOW = new Date("2026-11-18T15:30:00.000Z");

describe("previous-period metrics for the KPI deltas", () => {
  let sandbox: RunningSandbox;
  before(async () => {
    sandbox = await startSandbox({ port: 0, now: () => NOW.getTime() });
  });
  after(async () => {
    await sandbox.close();
  });

  it("the KPI-only fetch gives the same KPIs as the full series, for 15 of 54 metrics", async () => {
    const config = parseConfig({
      mode: "aws",
      aws: { endpoint: sandbox.url },
      bedrock: {
        models: [
          { id: "amazon.nova-micro-v1:0" },
          { id: "amazon.nova-lite-v1:0" },
          { id: "amazon.nova-pro-v1:0" },
        ],
      },
      lambda: { functions: [{ name: "twin-api" }] },
    });
    const clients = createAwsClients({
      region: "us-east-1",
      endpoint: sandbox.url,
      credentials: sandboxCredentials(),
      maxAttempts: 1,
      retryMode: "standard",
    });
    const prices = PriceBook.fromConfig(config);
    // The 24 h before the page's 24 h view: what the overview compares with.
    const day = presetRange("24h", NOW);
    const previous = {
      ...day,
      start: new Date(day.start.getTime() - 86_400_000),
      end: day.start,
      preset: null,
    };
    const seq = sandbox.ledger.lastSeq;
    const full = await fetchMetrics(clients, config, previous, NOW);
    const afterFull = sandbox.ledger.lastSeq;
    const kpi = await fetchMetrics(clients, config, previous, NOW, {}, { kpiOnly: true });
    const requested = (from: number, to: number) =>
      sandbox.ledger
        .list({ service: "cloudwatch", operation: "GetMetricData", sinceSeq: from })
        .filter((e) => e.seq <= to)
        .reduce((n, e) => n + Number(e.notes?.metricsRequested ?? 0), 0);

    assert.equal(planSeries(config).length, 9 + 3 * 12 + 3 * 3);
    assert.equal(requested(seq, afterFull), 54);
    assert.equal(requested(afterFull, sandbox.ledger.lastSeq), 3 + 3 * 4);
    assert.deepEqual(kpi.range, full.range);
    const fromFull = headline(full, config, prices);
    assert.ok(fromFull.invocations > 0 && fromFull.tokens > 0, JSON.stringify(fromFull));
    assert.deepEqual(headline(kpi, config, prices), fromFull);
    assert.equal(kpi.quota?.series.length, 0);
  });
});
