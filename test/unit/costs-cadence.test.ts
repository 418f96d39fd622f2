/**
 * The Cost Explorer cadence's pure parts: what a cache key holds of a window (not the day it is
 * asked on), the monthly query's first month (fixed for a whole month), and a day the answer does
 * not hold yet (no billed figure, "not yet in Cost Explorer", in the reconciliation and the CSV).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { CostsData } from "../../server/api/contract.ts";
import { cadenceMs, monthlySince, windowShape } from "../../server/api/costs-panel.ts";
import { costsCsv } from "../../server/api/csv.ts";
import { PriceBook } from "../../server/pricing/prices.ts";
import { CAUSES, estimateDaily, reconcile } from "../../server/pricing/reconcile.ts";
import { parseUsageType } from "../../server/pricing/usage-types.ts";

describe("Cost Explorer cadence keys", () => {
  test("intervals from the last fetch: 12 h for 2 refreshes a day, 8 h for 3, 24 h for 1", () => {
    assert.deepEqual([cadenceMs(2), cadenceMs(3), cadenceMs(1)], [43_200_000, 28_800_000, 86_400_000]);
  });

  test("a preset's window is its length, the same before and after midnight", () => {
    const before = windowShape({ start: "2026-11-11", end: "2026-11-19" }, "2026-11-18", true);
    const after = windowShape({ start: "2026-11-12", end: "2026-11-20" }, "2026-11-19", true);
    assert.deepEqual(before, { days: 8, end: "to date" });
    assert.deepEqual(after, before);
    // 30 days across the end of February (28 days) are still 30.
    assert.deepEqual(windowShape({ start: "2027-02-14", end: "2027-03-16" }, "2027-03-15", true), {
      days: 30,
      end: "to date",
    });
  });

  test("a custom window reaching today is 'to date' from its first month; a past one is as asked", () => {
    const open = windowShape({ start: "2026-11-01", end: "2026-11-19" }, "2026-11-18", false);
    assert.deepEqual(open, { start: "2026-11-01", end: "to date" });
    assert.deepEqual(windowShape({ start: "2026-11-01", end: "2026-11-20" }, "2026-11-19", false), open);
    // On 1 Dec the November window is closed: a new key, asked once more.
    assert.deepEqual(windowShape({ start: "2026-11-01", end: "2026-12-01" }, "2026-12-01", false), {
      start: "2026-11-01",
      end: "2026-12-01",
    });
  });

  test("the monthly query's first month holds for the whole month (a preset slides a day at a time)", () => {
    const days = ["2026-11-01", "2026-11-06", "2026-11-07", "2026-11-18", "2026-11-30"];
    const sinces = days.map((today) => {
      const end = new Date(Date.parse(today) + 86_400_000).toISOString().slice(0, 10);
      const start = new Date(Date.parse(end) - 8 * 86_400_000).toISOString().slice(0, 10);
      return monthlySince({ start, end }, today, true);
    });
    // The 8-day window reaches October until 7 Nov: October is in the query all November.
    assert.deepEqual(new Set(sinces), new Set(["2026-10-01"]));
    assert.equal(monthlySince({ start: "2026-12-25", end: "2027-01-02" }, "2027-01-01", true), "2026-12-01");
    // A custom window from September: September on.
    assert.equal(monthlySince({ start: "2026-09-01", end: "2026-11-19" }, "2026-11-18", false), "2026-09-01");
    assert.equal(monthlySince({ start: "2026-11-01", end: "2026-11-19" }, "2026-11-18", false), "2026-11-01");
  });
});

describe("a day the Cost Explorer answer does not hold yet", () => {
  const book = new PriceBook();
  const estimates = estimateDaily(
    [
      {
        date: "2026-11-18",
        modelId: "amazon.nova-lite-v1:0",
        input: 1_000_000,
        output: 0,
        cacheRead: 0,
        cacheWrite: 0,
      },
      {
        date: "2026-11-19",
        modelId: "amazon.nova-lite-v1:0",
        input: 2_000_000,
        output: 0,
        cacheRead: 0,
        cacheWrite: 0,
      },
    ],
    book,
    "us-east-1",
  );
  const usage = [
    {
      date: "2026-11-18",
      service: "Amazon Bedrock",
      usageType: "USE1-NovaLite-input-tokens",
      amountUsd: 0.03,
      quantity: 500,
      estimated: true,
      parsed: parseUsageType("USE1-NovaLite-input-tokens", "Amazon Bedrock"),
    },
  ];

  test("its estimate stands with no billed figure and the cause said; the day before keeps its own cause", () => {
    const rows = reconcile(estimates, usage, "2026-11-19", book, "us-east-1", "2026-11-19");
    const next = rows.find((r) => r.date === "2026-11-19")!;
    assert.equal(next.estimatedUsd, 0.12);
    assert.equal(next.billedUsd, null);
    assert.equal(next.gapUsd, null);
    assert.equal(next.cause, CAUSES.notYet);
    assert.match(next.detail ?? "", /fetched before 2026-11-19 began/);
    const prev = rows.find((r) => r.date === "2026-11-18")!;
    assert.equal(prev.billedUsd, 0.03); // of an estimated 0.06: the day is still being billed
    assert.equal(prev.cause, CAUSES.lag);
    // Without the covered end (a fresh answer) the same day is Cost Explorer lag, as before.
    const fresh = reconcile(estimates, usage, "2026-11-19", book, "us-east-1");
    assert.equal(fresh.find((r) => r.date === "2026-11-19")!.cause, CAUSES.lag);
  });

  test("the CSV has a row saying so, not a missing day", () => {
    const data = {
      byService: [{ date: "2026-11-18", groups: { "Amazon Bedrock": 0.05 }, total: 0.05, estimated: true }],
      reconciliation: [],
      notInCostExplorer: ["2026-11-19"],
    } as unknown as CostsData;
    const lines = costsCsv(data).trim().split(/\r?\n/);
    assert.equal(lines.length, 3);
    assert.match(lines[2]!, /^2026-11-19,service,all services,,,not yet in Cost Explorer,/);
  });
});
