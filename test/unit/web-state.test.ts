import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  DEFAULT_STATE,
  modelSelected,
  parseState,
  rangeBounds,
  rangeQuery,
  refreshMs,
  serializeState,
} from "../../web/src/state.ts";

describe("web URL state", () => {
  it("reads a preset range, model filter and auto-refresh from the query string", () => {
    const state = parseState("?range=7d&models=amazon.nova-lite-v1:0,amazon.nova-pro-v1:0&refresh=5m");
    assert.deepEqual(state, {
      range: { kind: "preset", preset: "7d" },
      models: ["amazon.nova-lite-v1:0", "amazon.nova-pro-v1:0"],
      refresh: "5m",
    });
  });

  it("reads a custom range, normalising the times to ISO", () => {
    const state = parseState("?start=2026-11-20T00:00:00Z&end=2026-11-21T12:30:00Z");
    assert.deepEqual(state.range, {
      kind: "custom",
      start: "2026-11-20T00:00:00.000Z",
      end: "2026-11-21T12:30:00.000Z",
    });
  });

  it("falls back to the defaults for invalid values", () => {
    assert.deepEqual(parseState("?range=2h&refresh=10s"), DEFAULT_STATE);
    assert.deepEqual(
      parseState("?start=2026-11-21T00:00:00Z&end=2026-11-20T00:00:00Z").range,
      DEFAULT_STATE.range,
    );
    assert.deepEqual(parseState("?start=yesterday&end=now&range=1h").range, { kind: "preset", preset: "1h" });
  });

  it("round-trips through the URL so a view can be shared", () => {
    const state = {
      range: { kind: "custom" as const, start: "2026-11-20T00:00:00.000Z", end: "2026-11-21T00:00:00.000Z" },
      models: ["us.amazon.nova-micro-v1:0"],
      refresh: "1m" as const,
    };
    assert.deepEqual(parseState(`?${serializeState(state)}`), state);
    assert.equal(serializeState(DEFAULT_STATE), "range=24h");
  });

  it("builds the API query and the absolute bounds of a range", () => {
    assert.equal(rangeQuery({ kind: "preset", preset: "3h" }), "range=3h");
    assert.equal(
      rangeQuery({ kind: "custom", start: "2026-11-20T00:00:00.000Z", end: "2026-11-21T00:00:00.000Z" }),
      "start=2026-11-20T00%3A00%3A00.000Z&end=2026-11-21T00%3A00%3A00.000Z",
    );
    const now = Date.parse("2026-11-22T03:00:00Z");
    assert.deepEqual(rangeBounds({ kind: "preset", preset: "3h" }, now), {
      start: now - 10_800_000,
      end: now,
    });
  });

  it("maps auto-refresh options and the model filter", () => {
    assert.equal(refreshMs("off"), null);
    assert.equal(refreshMs("1m"), 60_000);
    assert.equal(refreshMs("5m"), 300_000);
    assert.equal(modelSelected(DEFAULT_STATE, "amazon.nova-pro-v1:0"), true);
    assert.equal(
      modelSelected({ ...DEFAULT_STATE, models: ["amazon.nova-lite-v1:0"] }, "amazon.nova-pro-v1:0"),
      false,
    );
  });
});
