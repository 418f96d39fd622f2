import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bootstrapCi, mean, percentile, percentileSet } from "../../server/bench/stats.ts";

describe("bench statistics on known samples", () => {
  it("computes linear-interpolation percentiles (type 7) of 1..10", () => {
    // Prepare
    const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    // Act / Assess: rank = p/100 * (n - 1)
    assert.equal(percentile(sorted, 50), 5.5);
    assert.equal(percentile(sorted, 90), 9.1);
    assert.equal(percentile(sorted, 0), 1);
    assert.equal(percentile(sorted, 100), 10);
    assert.ok(Math.abs(percentile(sorted, 95) - 9.55) < 1e-9);
    assert.equal(mean(sorted), 5.5);
  });

  it("returns NaN for no samples and the value itself for one", () => {
    assert.ok(Number.isNaN(percentile([], 90)));
    assert.equal(percentile([42], 90), 42);
  });

  it("gives a degenerate interval for constant samples", () => {
    assert.deepEqual(bootstrapCi([250, 250, 250, 250], 90, { seed: 7 }), [250, 250]);
  });

  it("brackets the p90 of 1..100 and is reproducible with the same seed", () => {
    // Prepare
    const samples = Array.from({ length: 100 }, (_, i) => i + 1);
    // Act
    const a = bootstrapCi(samples, 90, { seed: 42 });
    const b = bootstrapCi(samples, 90, { seed: 42 });
    const c = bootstrapCi(samples, 90, { seed: 43 });
    // Assess
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    assert.ok(a[0] <= 90.1 && 90.1 <= a[1], `CI ${a} must contain the sample p90 90.1`);
    assert.ok(a[0] >= 80 && a[1] <= 100, `CI ${a} must stay within the plausible range`);
  });

  it("narrows as the sample grows", () => {
    const small = Array.from({ length: 20 }, (_, i) => (i % 10) * 10);
    const large = Array.from({ length: 400 }, (_, i) => (i % 10) * 10);
    const [s0, s1] = bootstrapCi(small, 50, { seed: 1 });
    const [l0, l1] = bootstrapCi(large, 50, { seed: 1 });
    assert.ok(l1 - l0 < s1 - s0, `large-sample width ${l1 - l0} must be below small-sample width ${s1 - s0}`);
  });

  it("summarises a sample into mean, percentiles and the p90 interval", () => {
    const set = percentileSet([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 3);
    assert.equal(set.mean, 55);
    assert.equal(set.p50, 55);
    assert.equal(set.p90, 91);
    assert.equal(set.p99, 99.1);
    assert.ok(set.p90Ci[0] <= 91 && set.p90Ci[1] >= 91);
    assert.equal(set.samples?.length, 10);
  });
});
