/** The own-spend panel is rebuilt only when a call was recorded or the minute changed. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { UsageMemo } from "../../server/api/routes/data.ts";
import { SpendLedger } from "../../server/cache/spend.ts";

describe("UsageMemo", () => {
  const T = Date.UTC(2026, 10, 30, 10, 15, 20);

  it("answers the same panel object until a call is recorded, then the new counts", () => {
    const ledger = new SpendLedger(() => T);
    const memo = new UsageMemo(ledger);
    ledger.record("ce:GetCostAndUsage", 0.01);
    const first = memo.panel(new Date(T));
    assert.equal(memo.panel(new Date(T + 30_000)), first, "same minute, nothing recorded");
    assert.equal(first.asOf, "2026-11-30T10:15:00.000Z");
    assert.deepEqual(first.data?.calls, [{ api: "ce:GetCostAndUsage", count: 1, estimatedUsd: 0.01 }]);
    ledger.record("ce:GetCostAndUsage", 0.01);
    const second = memo.panel(new Date(T + 31_000));
    assert.notEqual(second, first);
    assert.deepEqual(second.data?.calls, [{ api: "ce:GetCostAndUsage", count: 2, estimatedUsd: 0.02 }]);
    assert.equal(second.data?.totalUsd, 0.02);
  });

  it("moves its asOf with the minute even when nothing was recorded", () => {
    const ledger = new SpendLedger(() => T);
    const memo = new UsageMemo(ledger);
    const first = memo.panel(new Date(T));
    const later = memo.panel(new Date(T + 60_000));
    assert.notEqual(later, first);
    assert.equal(later.asOf, "2026-11-30T10:16:00.000Z");
    assert.deepEqual(later.data, first.data);
  });
});
