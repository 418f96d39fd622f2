import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { batches, type LogsPart, mergeLogs } from "../../server/sources/logs-merge.ts";

const part = (over: Partial<LogsPart>): LogsPart => ({
  durations: [],
  percentiles: null,
  coldStarts: null,
  memory: null,
  recentErrors: [],
  bytesScanned: 0,
  ...over,
});

describe("logs panel over more than 50 log groups", () => {
  it("splits log groups into batches of at most 50 (AWS's limit per query)", () => {
    const groups = Array.from({ length: 120 }, (_, i) => `/aws/lambda/fn-${i}`);
    assert.deepEqual(
      batches(groups).map((b) => b.length),
      [50, 50, 20],
    );
    assert.deepEqual(batches([]), [[]]);
  });

  it("merges batches: count-weighted averages, min of minima, max of maxima, summed counts and bytes", () => {
    const a = part({
      durations: [{ bin: "2026-11-18T10:00:00.000Z", avg: 100, min: 10, max: 300, count: 3 }],
      percentiles: { p50: 90, p90: 200, p99: 290, count: 3 },
      coldStarts: { count: 1, avgInitMs: 800, maxInitMs: 800 },
      memory: { memorySizeMb: 512, maxUsedMb: 120, avgUsedMb: 100, headroomPercent: 76.56 },
      recentErrors: [{ timestamp: "2026-11-18T10:01:00.000Z", requestId: "a", message: "x", logStream: "s" }],
      bytesScanned: 1000,
    });
    const b = part({
      durations: [
        { bin: "2026-11-18T10:00:00.000Z", avg: 200, min: 50, max: 400, count: 1 },
        { bin: "2026-11-18T10:05:00.000Z", avg: 150, min: 150, max: 150, count: 1 },
      ],
      percentiles: { p50: 190, p90: 400, p99: 400, count: 1 },
      coldStarts: { count: 3, avgInitMs: 1000, maxInitMs: 1200 },
      memory: { memorySizeMb: 512, maxUsedMb: 200, avgUsedMb: 150, headroomPercent: 60.94 },
      recentErrors: [{ timestamp: "2026-11-18T10:04:00.000Z", requestId: "b", message: "y", logStream: "t" }],
      bytesScanned: 500,
    });
    const merged = mergeLogs([a, b]);
    assert.deepEqual(merged.durations, [
      { bin: "2026-11-18T10:00:00.000Z", avg: 125, min: 10, max: 400, count: 4 },
      { bin: "2026-11-18T10:05:00.000Z", avg: 150, min: 150, max: 150, count: 1 },
    ]);
    assert.deepEqual(merged.percentiles, { p50: 115, p90: 250, p99: 317.5, count: 4 });
    assert.deepEqual(merged.coldStarts, { count: 4, avgInitMs: 950, maxInitMs: 1200 });
    assert.deepEqual(merged.memory, {
      memorySizeMb: 512,
      maxUsedMb: 200,
      avgUsedMb: 125,
      headroomPercent: 60.94,
    });
    assert.deepEqual(
      merged.recentErrors.map((e) => e.requestId),
      ["b", "a"],
    );
    assert.equal(merged.bytesScanned, 1500);
  });
});
