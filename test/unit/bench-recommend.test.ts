import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { BenchModelStats, BenchRunDetail, PercentileSet } from "../../server/api/contract.ts";
import { findRegressions, recommend } from "../../server/bench/recommend.ts";

function set(p90: number, ci: [number, number]): PercentileSet {
  return { mean: p90 * 0.8, p50: p90 * 0.7, p90, p95: p90 * 1.1, p99: p90 * 1.3, p90Ci: ci };
}

function stats(
  modelId: string,
  p90: number,
  quality: number,
  costPerRequest: number,
  ci?: [number, number],
): BenchModelStats {
  return {
    modelId,
    count: 30,
    errorRate: 0,
    throttleRate: 0,
    ttftMs: set(300, [250, 350]),
    endToEndMs: set(p90, ci ?? [p90 - 100, p90 + 100]),
    interTokenMs: set(5, [4, 6]),
    outputTokensPerSecond: 100,
    qualityPassRate: quality,
    costPerRequestUsd: costPerRequest,
    costPer1kRequestsUsd: costPerRequest * 1000,
  };
}

const slo = { p90EndToEndMs: 2000, minQualityPassRate: 0.9 };

describe("recommendation", () => {
  it("picks the cheapest model meeting the p90 SLO and the quality bar, with evidence", () => {
    const result = recommend(
      [stats("micro", 600, 0.8, 0.00005), stats("lite", 1500, 0.95, 0.0001), stats("pro", 3000, 1, 0.001)],
      slo,
    );
    assert.equal(result.modelId, "lite");
    assert.match(
      result.reason,
      /lite is the cheapest model meeting the SLO: p90 end-to-end 1500 ms \(95 % CI 1400-1600\)/,
    );
    assert.match(result.reason, /micro misses it \(quality 80\.0 % < 90\.0 %\)/);
    assert.match(result.reason, /pro misses it \(p90 end-to-end 3000 ms > 2000 ms\)/);
  });

  it("says clearly when no model meets it", () => {
    const result = recommend([stats("micro", 2500, 0.95, 0.00005), stats("pro", 3000, 0.5, 0.001)], slo);
    assert.equal(result.modelId, null);
    assert.match(result.reason, /^No model meets the SLO/);
    assert.match(result.reason, /pro: p90 end-to-end 3000 ms > 2000 ms, quality 50\.0 % < 90\.0 %/);
  });

  it("does not recommend a model that mostly throttled", () => {
    const throttled = { ...stats("micro", 500, 1, 0.00005), throttleRate: 0.4 };
    const result = recommend([throttled, stats("lite", 1500, 0.95, 0.0001)], slo);
    assert.equal(result.modelId, "lite");
    assert.match(result.reason, /micro misses it \(failures 40\.0 % > 5\.0 %\)/);
  });
});

describe("regression check", () => {
  const previous = (s: BenchModelStats[]): BenchRunDetail => ({
    id: "old",
    suite: "twin",
    startedAt: "2026-11-01T00:00:00.000Z",
    finishedAt: "2026-11-01T00:10:00.000Z",
    status: "complete",
    models: s.map((x) => x.modelId),
    requests: 90,
    recommendation: null,
    regressions: [],
    stats: s,
    manifest: {},
  });

  it("flags a p90 that got worse beyond both confidence intervals", () => {
    const before = previous([stats("lite", 1500, 1, 0.0001, [1400, 1600])]);
    const regressions = findRegressions([stats("lite", 1900, 1, 0.0001, [1700, 2100])], [before]);
    assert.deepEqual(regressions, [
      { modelId: "lite", metric: "p90EndToEndMs", previous: 1500, current: 1900 },
    ]);
  });

  it("does not flag a change inside overlapping intervals, or a model with no history", () => {
    const before = previous([stats("lite", 1500, 1, 0.0001, [1400, 1600])]);
    assert.deepEqual(findRegressions([stats("lite", 1650, 1, 0.0001, [1550, 1800])], [before]), []);
    assert.deepEqual(findRegressions([stats("pro", 5000, 1, 0.001)], [before]), []);
  });
});
