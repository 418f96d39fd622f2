import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  formatAge,
  formatChange,
  formatCount,
  formatMs,
  formatPercent,
  formatRatio,
  formatUnit,
  formatUsd,
} from "../../web/src/format.ts";

describe("web formatting", () => {
  it("formats counts plainly below 10k and compactly above", () => {
    assert.equal(formatCount(950), "950");
    assert.equal(formatCount(9_999), "9,999");
    assert.equal(formatCount(12_345), "12.3K");
    assert.equal(formatCount(2_500_000), "2.5M");
    assert.equal(formatCount(Number.NaN), "–");
  });

  it("formats milliseconds as ms, seconds or minutes", () => {
    assert.equal(formatMs(850), "850 ms");
    assert.equal(formatMs(2_340), "2.34 s");
    assert.equal(formatMs(95_000), "1.6 min");
    assert.equal(formatMs(0.456), "0.46 ms");
  });

  it("formats dollars with cents, and tiny amounts with significant digits", () => {
    assert.equal(formatUsd(12.345), "$12.35");
    assert.equal(formatUsd(0.0042), "$0.0042");
    assert.equal(formatUsd(0), "$0.00");
    assert.equal(formatUsd(-3.5), "-$3.50");
    assert.equal(formatUsd(250_000), "$250K");
  });

  it("formats percentages and ratios with sensible precision", () => {
    assert.equal(formatPercent(80), "80 %");
    assert.equal(formatPercent(2.345), "2.3 %");
    assert.equal(formatPercent(0.1234), "0.12 %");
    assert.equal(formatRatio(0.0234), "2.3 %");
  });

  it("formats a relative change with its sign", () => {
    assert.equal(formatChange(0.1), "+10 %");
    assert.equal(formatChange(-0.032), "-3.2 %");
    assert.equal(formatChange(0), "±0 %");
    assert.equal(formatChange(null), "no previous data");
  });

  it("formats by API unit", () => {
    assert.equal(formatUnit("Milliseconds", 1500), "1.5 s");
    assert.equal(formatUnit("USD", 1.5), "$1.50");
    assert.equal(formatUnit("Tokens", 1200), "1,200 tokens");
    assert.equal(formatUnit("Count", null), "–");
  });

  it("formats ages relative to an injected now", () => {
    const now = Date.parse("2026-11-22T03:00:00Z");
    assert.equal(formatAge("2026-11-22T02:59:30Z", now), "30 s ago");
    assert.equal(formatAge("2026-11-22T02:45:00Z", now), "15 min ago");
    assert.equal(formatAge("2026-11-21T21:00:00Z", now), "6 h ago");
    assert.equal(formatAge(null, now), "never");
  });
});
