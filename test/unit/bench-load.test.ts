import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { drive } from "../../server/bench/load.ts";
import { exponentialGapMs, seededRng } from "../../server/bench/random.ts";

describe("load generation", () => {
  it("keeps exactly N requests in flight in a closed loop, and runs every item once", async () => {
    // Prepare: each request waits a few event-loop turns
    const items = Array.from({ length: 20 }, (_, i) => i);
    let inFlight = 0;
    let peak = 0;
    const seen: number[] = [];
    // Act
    await drive(items, { kind: "concurrency", n: 4 }, async (i) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      for (let k = 0; k < (i % 3) + 1; k++) await new Promise((r) => setImmediate(r));
      seen.push(i);
      inFlight--;
    });
    // Assess
    assert.equal(peak, 4);
    assert.deepEqual(
      [...seen].sort((a, b) => a - b),
      items,
    );
  });

  it("runs sequentially one at a time, in order", async () => {
    const order: number[] = [];
    let inFlight = 0;
    await drive([0, 1, 2, 3], { kind: "sequential" }, async (i) => {
      inFlight++;
      assert.equal(inFlight, 1);
      await new Promise((r) => setImmediate(r));
      order.push(i);
      inFlight--;
    });
    assert.deepEqual(order, [0, 1, 2, 3]);
  });

  it("stops scheduling when the signal fires, letting in-flight requests finish", async () => {
    const stop = new AbortController();
    const done: number[] = [];
    await drive(
      Array.from({ length: 10 }, (_, i) => i),
      { kind: "concurrency", n: 2 },
      async (i) => {
        await new Promise((r) => setImmediate(r));
        done.push(i);
        if (done.length === 3) stop.abort();
      },
      { signal: stop.signal },
    );
    assert.ok(done.length >= 3 && done.length <= 4, `done ${done.length}`);
  });

  it("sends every item with Poisson arrivals", async () => {
    const seen: number[] = [];
    await drive([0, 1, 2, 3, 4], { kind: "rate", perSecond: 1000 }, async (i) => {
      seen.push(i);
    });
    assert.deepEqual(seen, [0, 1, 2, 3, 4]);
  });

  it("draws exponential gaps with the requested mean, reproducibly", () => {
    const rng = seededRng(9);
    const gaps = Array.from({ length: 20_000 }, () => exponentialGapMs(rng, 4));
    const meanGap = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    assert.ok(Math.abs(meanGap - 250) < 10, `mean gap ${meanGap} ms for 4/s must be about 250 ms`);
    assert.equal(exponentialGapMs(seededRng(9), 4), gaps[0]);
  });
});
