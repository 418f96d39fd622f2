/**
 * The Cost Explorer cadence's pure parts: what a cache key holds of a window (not the day it is
 * asked on), the monthly query's first month (fixed for a whole month), and a day the answer does
 * not hold yet (no billed figure, "not yet in Cost Explorer", in the reconciliation and the CSV).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { CostsData } from "../../server/api/contract.ts";
import {
  cadenceMs,
  forecastView,
  monthlyShape,
  monthlySince,
  monthToDateOf,
  windowShape,
} from "../../server/api/costs-panel.ts";
import { costsCsv } from "../../server/api/csv.ts";
import { PriceBook } from "../../server/pricing/prices.ts";
import { CAUSES, estimateDaily, reconcile } from "../../server/pricing/reconcile.ts";
import { parseUsageType } from "../../server/pricing/usage-types.ts";
import type { Breakdown, Forecast, Monthly, UsageRow } from "../../server/sources/costs.ts";

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

describe("a month start asks Cost Explorer nothing more", () => {
  const BEDROCK = ["Amazon Bedrock"];
  const HOUR = 3_600_000;
  const at = (iso: string) => Date.parse(iso);
  const monthly = (month: string, usd: number): Monthly => ({
    month,
    bedrockServices: BEDROCK,
    monthToDate: { "Amazon Bedrock": usd, "AWS Lambda": 9 },
    requests: 1,
  });
  const row = (date: string, amountUsd: number): UsageRow => ({
    date,
    service: "Amazon Bedrock",
    usageType: "USE1-NovaMicro-input-tokens",
    amountUsd,
    quantity: 1,
    estimated: true,
    parsed: null,
  });
  const breakdown = (start: string, end: string, rows: UsageRow[]): Breakdown => ({
    byService: [],
    usage: rows,
    bedrockServices: BEDROCK,
    period: { start, end },
    requests: 1,
  });
  const rows = [
    row("2026-11-29", 1.5),
    row("2026-11-30", 2.25),
    row("2026-12-01", 0.75),
    row("2026-12-01", 0.5),
  ];

  test("the monthly key holds how many months back a preset reaches, not which month", () => {
    const nov = monthlyShape({ start: "2026-11-23", end: "2026-12-01" }, "2026-11-30", true);
    const dec = monthlyShape({ start: "2026-11-24", end: "2026-12-02" }, "2026-12-01", true);
    assert.deepEqual(nov, { monthsBack: 1 });
    assert.deepEqual(dec, nov);
    // A custom window keeps its first month whatever the day.
    assert.deepEqual(monthlyShape({ start: "2026-11-10", end: "2026-11-20" }, "2026-12-01", false), {
      since: "2026-11-01",
    });
  });

  test("mid-month: the monthly query's figure (the breakdown does not reach the 1st)", () => {
    const mtd = monthToDateOf(
      "2026-11-01",
      BEDROCK,
      { value: monthly("2026-11-01", 31.4), fetchedAt: at("2026-11-18T08:00:00Z") },
      { value: breakdown("2026-11-11", "2026-11-19", rows), fetchedAt: at("2026-11-18T20:00:00Z") },
    );
    assert.deepEqual(mtd, { usd: 31.4, from: "monthly query" });
  });

  test("Dec 1 before the breakdown holds it: null with why, never November's figure", () => {
    const mtd = monthToDateOf(
      "2026-12-01",
      BEDROCK,
      { value: monthly("2026-11-01", 31.4), fetchedAt: at("2026-11-30T12:30:00Z") },
      { value: breakdown("2026-11-23", "2026-12-01", rows), fetchedAt: at("2026-11-30T12:30:00Z") },
    );
    assert.equal(mtd.usd, null);
    assert.match(
      mtd.note ?? "",
      /^2026-12 is not yet in Cost Explorer's answers in use: .* fetched in 2026-11/,
    );
  });

  test("Dec 1 once the breakdown holds it: the sum of its December rows; then the newer of the two", () => {
    const nov = { value: monthly("2026-11-01", 31.4), fetchedAt: at("2026-11-30T12:30:00Z") };
    const bd = { value: breakdown("2026-11-24", "2026-12-02", rows), fetchedAt: at("2026-12-01T00:30:00Z") };
    assert.deepEqual(monthToDateOf("2026-12-01", BEDROCK, nov, bd), { usd: 1.25, from: "daily breakdown" });
    const dec = { value: monthly("2026-12-01", 1.4), fetchedAt: at("2026-12-01T12:30:00Z") };
    assert.deepEqual(monthToDateOf("2026-12-01", BEDROCK, dec, bd), { usd: 1.4, from: "monthly query" });
    const newer = { ...bd, fetchedAt: bd.fetchedAt + 13 * HOUR };
    assert.deepEqual(monthToDateOf("2026-12-01", BEDROCK, dec, newer), {
      usd: 1.25,
      from: "daily breakdown",
    });
  });

  const forecast: Forecast = {
    madeOn: "2026-11-30",
    months: [
      { start: "2026-11-30", end: "2026-12-01", mean: 1.2, low: 0.9, high: 1.5 },
      { start: "2026-12-01", end: "2027-01-01", mean: 37.2, low: 30.1, high: 44.3 },
    ],
  };

  test("the forecast before the month start: the rest of the month, added to the month to date", () => {
    const f = forecastView(forecast, "2026-11-01", 31.4);
    assert.equal(f?.wholeMonth, false);
    assert.deepEqual(f?.projected, { mean: 32.6, low: 32.3, high: 32.9 });
  });

  test("after it: December's entry of the same answer, a whole-month forecast, the projection itself", () => {
    const f = forecastView(forecast, "2026-12-01", null);
    assert.deepEqual(
      [f?.start, f?.end, f?.madeOn, f?.wholeMonth, f?.mean],
      ["2026-12-01", "2027-01-01", "2026-11-30", true, 37.2],
    );
    assert.deepEqual(f?.projected, { mean: 37.2, low: 30.1, high: 44.3 });
    // A remainder without a known month to date cannot be projected; a month it does not hold has none.
    const midDec = { madeOn: "2026-12-10", months: [{ ...forecast.months[1]!, start: "2026-12-10" }] };
    assert.equal(forecastView(midDec, "2026-12-01", null)?.projected, null);
    assert.equal(forecastView(forecast, "2027-01-01", 3), null);
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
