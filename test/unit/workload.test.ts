import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MINUTE, Workload } from "../../server/sandbox/workload/model.ts";

const NOW = Date.UTC(2026, 10, 18, 15, 30);
const make = (seed = 7) =>
  new Workload({
    seed,
    region: "us-east-1",
    functions: ["twin-api"],
    models: ["amazon.nova-micro-v1:0", "amazon.nova-lite-v1:0", "amazon.nova-pro-v1:0"],
    now: () => NOW,
  });

describe("workload model", () => {
  it("gives the same invocations for the same seed and time", () => {
    const a = make().invocations("twin-api", NOW - 3 * 3_600_000, NOW);
    const b = make().invocations("twin-api", NOW - 3 * 3_600_000, NOW);
    assert.ok(a.length > 100, `expected a busy afternoon, got ${a.length} invocations`);
    assert.deepEqual(a, b);
  });

  it("gives different data for a different seed", () => {
    const a = make(7).invocations("twin-api", NOW - 3_600_000, NOW);
    const b = make(8).invocations("twin-api", NOW - 3_600_000, NOW);
    assert.notDeepEqual(
      a.map((i) => i.durationMs),
      b.map((i) => i.durationMs),
    );
  });

  it("orders models by latency as the seeds compare them (Micro < 1 s, Lite 1-2 s, Pro 2-4 s)", () => {
    const w = make();
    const median = (model: string) => {
      const l = w
        .bedrockCalls(model, NOW - 86_400_000, NOW)
        .filter((c) => c.status === "ok")
        .map((c) => c.latencyMs)
        .sort((x, y) => x - y);
      return l[Math.floor(l.length / 2)] ?? Number.NaN;
    };
    assert.ok(median("amazon.nova-micro-v1:0") < 1000);
    const lite = median("amazon.nova-lite-v1:0");
    assert.ok(lite >= 1000 && lite <= 2000, `lite median ${lite}`);
    const pro = median("amazon.nova-pro-v1:0");
    assert.ok(pro >= 2000 && pro <= 4000, `pro median ${pro}`);
  });

  it("has no data before the history window or after now", () => {
    const w = make();
    assert.equal(w.invocations("twin-api", NOW + MINUTE, NOW + 60 * MINUTE).length, 0);
    assert.equal(w.invocations("twin-api", w.historyStart() - 60 * MINUTE, w.historyStart()).length, 0);
  });

  it("adds live calls to the model's traffic", () => {
    const w = make();
    const before = w.bedrockCalls("us.amazon.nova-lite-v1:0", NOW - MINUTE, NOW + 1).length;
    w.recordLive({
      modelId: "us.amazon.nova-lite-v1:0",
      time: NOW - 1000,
      operation: "ConverseStream",
      status: "ok",
      latencyMs: 1200,
      ttftMs: 300,
      inputTokens: 10,
      outputTokens: 20,
      region: "us-east-1",
    });
    assert.equal(w.bedrockCalls("us.amazon.nova-lite-v1:0", NOW - MINUTE, NOW + 1).length, before + 1);
  });
});
