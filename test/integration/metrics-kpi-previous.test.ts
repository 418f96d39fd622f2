/**
 * The overview's previous period buys only the series its KPI deltas read: over the same
 * sandbox range, the KPIs computed from the KPI-only fetch equal those from the full panel's
 * series, with the same range and period, for fewer metrics requested (GetMetricData bills each).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { headline } from "../../server/api/overview.ts";
import { type AwsClients, createAwsClients } from "../../server/aws/clients.ts";
import { type Config, parseConfig } from "../../server/config.ts";
import { PriceBook } from "../../server/pricing/prices.ts";
import { type RunningSandbox, sandboxCredentials, startSandbox } from "../../server/sandbox/index.ts";
import { getMetricData, zeroFill } from "../../server/sources/metric-data.ts";
import { fetchedRange, fetchMetrics, planSeries } from "../../server/sources/metrics.ts";
import { presetRange } from "../../server/sources/range.ts";

const NOW = new Date("2026-11-18T15:30:00.000Z");

describe("previous-period metrics for the KPI deltas", () => {
  let sandbox: RunningSandbox;
  let shared: Config | undefined;
  let sharedClients: AwsClients | undefined;
  before(async () => {
    sandbox = await startSandbox({ port: 0, now: () => NOW.getTime() });
  });
  after(async () => {
    await sandbox.close();
  });

  it("the KPI-only fetch gives the same KPIs as the full series, for 15 of 39 metrics", async () => {
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
    ({ config: shared, clients: sharedClients } = { config, clients });
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

    // 6 Lambda, 10 Bedrock and 3 quota series per model; the Bedrock Invocations and
    // InvocationThrottles Sums are summed from the quota series, not bought.
    assert.equal(planSeries(config).length, 6 + 3 * 10 + 3 * 3);
    assert.equal(requested(seq, afterFull), 6 + 3 * 8 + 3 * 3);
    assert.equal(requested(afterFull, sandbox.ledger.lastSeq), 3 + 3 * 4);
    assert.deepEqual(kpi.range, full.range);
    const fromFull = headline(full, config, prices);
    assert.ok(fromFull.invocations > 0 && fromFull.tokens > 0, JSON.stringify(fromFull));
    assert.deepEqual(headline(kpi, config, prices), fromFull);
    assert.equal(kpi.quota?.series.length, 0);
  });

  for (const preset of ["24h", "7d"] as const) {
    it(`${preset}: the Bedrock Invocations and throttles summed from the quota series equal the bought series`, async () => {
      assert.ok(shared && sharedClients, "runs after the test above");
      const range = presetRange(preset, NOW);
      const panel = await fetchMetrics(sharedClients, shared, range, NOW);
      const fetched = fetchedRange(shared, range, NOW);
      assert.equal(panel.quota?.periodSeconds, preset === "24h" ? 60 : fetched.periodSeconds);
      const models = shared.bedrock.models.map((m) => m.id);
      const direct = await getMetricData(
        (region) => sharedClients!.cloudwatch({ region }),
        models.flatMap((modelId) =>
          ["Invocations", "InvocationThrottles"].map((metricName) => ({
            key: `${modelId}|${metricName}`,
            region: "us-east-1",
            namespace: "AWS/Bedrock",
            metricName,
            dimensions: { ModelId: modelId },
            stat: "Sum" as const,
          })),
        ),
        fetched.start,
        fetched.end,
        fetched.periodSeconds,
      );
      let invocations = 0;
      for (const modelId of models) {
        for (const metric of ["Invocations", "InvocationThrottles"]) {
          const want = zeroFill(
            direct.points.get(`${modelId}|${metric}`) ?? [],
            fetched.start,
            fetched.end,
            fetched.periodSeconds,
          );
          const got = panel.bedrock.find((s) => s.id === `bedrock:${modelId}:${metric}:Sum`)?.points;
          assert.deepEqual(got, want, `${modelId} ${metric}`);
          if (metric === "Invocations") invocations += want.reduce((n, [, v]) => n + v, 0);
        }
      }
      assert.ok(invocations > 0);
    });
  }
});
