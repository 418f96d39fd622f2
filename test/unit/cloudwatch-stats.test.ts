/**
 * CloudWatch statistics, period rules and metric math of the sandbox, against sample sets
 * whose answers are computed by hand in the comments.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  evaluate,
  MathError,
  type MathScope,
  type Series,
} from "../../server/sandbox/providers/cloudwatch/math.ts";
import { decodeToken, encodeToken } from "../../server/sandbox/providers/cloudwatch/pagination.ts";
import { alignStart, retained, validatePeriod } from "../../server/sandbox/providers/cloudwatch/periods.ts";
import { parseStatistic, Samples } from "../../server/sandbox/providers/cloudwatch/stats.ts";

const stat = (name: string, s: Samples) => {
  const parsed = parseStatistic(name);
  assert.ok(parsed, `${name} parses`);
  return parsed.compute(s);
};

/** The twenty values 5, 10, ..., 100 (sum 1050). */
const twenty = () => {
  const s = new Samples();
  for (let i = 1; i <= 20; i++) s.add(i * 5);
  return s;
};

describe("CloudWatch statistics", () => {
  it("computes the basic statistics", () => {
    const s = twenty();
    assert.equal(stat("Sum", s), 1050);
    assert.equal(stat("SampleCount", s), 20);
    assert.equal(stat("Average", s), 52.5);
    assert.equal(stat("Minimum", s), 5);
    assert.equal(stat("Maximum", s), 100);
  });

  it("computes nearest-rank percentiles: pX is the value at rank ceil(X% of n)", () => {
    const s = twenty();
    // n = 20: p50 -> rank 10 -> 50; p90 -> rank 18 -> 90; p95 -> rank 19 -> 95; p99 -> rank 19.8 -> 20 -> 100
    assert.equal(stat("p50", s), 50);
    assert.equal(stat("p90", s), 90);
    assert.equal(stat("p95", s), 95);
    assert.equal(stat("p99", s), 100);
    assert.equal(stat("p100", s), 100);
    assert.equal(stat("p0", s), 5);
    // p12.5 -> rank 2.5 -> 3 -> 15; p99.99 -> rank 19.998 -> 20 -> 100
    assert.equal(stat("p12.5", s), 15);
    assert.equal(stat("p99.99", s), 100);
  });

  it("weights values by their counts, as PutMetricData Values/Counts do", () => {
    // 1 x 9, 10 x 1: p90 is rank 9 -> 1, p95 rank 9.5 -> 10 -> 10, Average (9+10)/10 = 1.9
    const s = new Samples();
    s.add(1, 9);
    s.add(10, 1);
    assert.equal(stat("p90", s), 1);
    assert.equal(stat("p95", s), 10);
    assert.equal(stat("Average", s), 1.9);
    assert.equal(stat("SampleCount", s), 10);
  });

  it("computes trimmed and winsorized means", () => {
    const s = new Samples();
    for (let i = 1; i <= 10; i++) s.add(i);
    // tm90 drops the top 10%: mean(1..9) = 5
    assert.equal(stat("tm90", s), 5);
    // TM(10%:90%) drops 1 and 10: mean(2..9) = 5.5
    assert.equal(stat("TM(10%:90%)", s), 5.5);
    // TC/TS of the same window: 8 values summing to 44
    assert.equal(stat("TC(10%:90%)", s), 8);
    assert.equal(stat("TS(10%:90%)", s), 44);
    // wm90 clamps 10 to 9: (45 + 9) / 10 = 5.4
    assert.equal(stat("wm90", s), 5.4);
    // IQM = TM(25%:75%): ranks 3..8 -> mean(3..8) = 5.5
    assert.equal(stat("IQM", s), 5.5);
  });

  it("answers statistic sets with aggregates but no percentiles", () => {
    const s = new Samples();
    s.addSet(4, 100, 10, 40);
    assert.equal(stat("Average", s), 25);
    assert.equal(stat("Maximum", s), 40);
    assert.equal(stat("p50", s), undefined);
  });

  it("merges samples of several minutes into one period", () => {
    const a = new Samples();
    a.add(3);
    const b = new Samples();
    b.add(1);
    b.addSet(2, 10, 4, 6);
    a.merge(b);
    assert.equal(stat("SampleCount", a), 4);
    assert.equal(stat("Sum", a), 14);
    assert.equal(stat("Minimum", a), 1);
    assert.equal(stat("Maximum", a), 6);
  });

  it("rejects statistics CloudWatch does not know", () => {
    for (const bad of ["Avg", "avg", "p101", "p", "p50.", "tm", "TM(90%:10%)", "sum"])
      assert.equal(parseStatistic(bad), undefined, bad);
    for (const good of ["p0.1", "p99.9", "tm99", "WM(:95%)", "TM(5%:)"])
      assert.ok(parseStatistic(good), good);
  });
});

describe("CloudWatch periods and alignment", () => {
  const now = Date.UTC(2026, 10, 18, 15, 30);
  const at = (iso: string) => Date.parse(iso);

  it("accepts 1, 5, 10, 20, 30 and multiples of 60 only", () => {
    for (const ok of [1, 5, 10, 20, 30, 60, 300, 3600, 86_400]) validatePeriod(ok, "Period");
    for (const bad of [0, 2, 45, 90, 61, 1.5])
      assert.throws(() => validatePeriod(bad, "Period"), /Period/, String(bad));
  });

  it("rounds StartTime down by the age of the data, as the API reference describes", () => {
    // under 15 days: to the minute; 15-63 days: to 5 minutes; older: to the hour
    assert.equal(alignStart(at("2026-11-18T12:32:34Z"), 60, now), at("2026-11-18T12:32:00Z"));
    assert.equal(alignStart(at("2026-10-20T12:32:34Z"), 300, now), at("2026-10-20T12:30:00Z"));
    assert.equal(alignStart(at("2026-08-01T12:32:34Z"), 3600, now), at("2026-08-01T12:00:00Z"));
    // a 10-second period: to a 10-second boundary (01:05:23 -> 01:05:20)
    assert.equal(alignStart(at("2026-11-18T01:05:23Z"), 10, now), at("2026-11-18T01:05:20Z"));
  });

  it("keeps data at a period only while its retention allows", () => {
    const days = (n: number) => now - n * 86_400_000;
    assert.equal(retained(days(1), 60, now), true);
    assert.equal(retained(now - 4 * 3_600_000, 10, now), false);
    assert.equal(retained(days(20), 60, now), false);
    assert.equal(retained(days(20), 300, now), true);
    assert.equal(retained(days(70), 300, now), false);
    assert.equal(retained(days(70), 3600, now), true);
    assert.equal(retained(days(460), 3600, now), false);
  });
});

describe("CloudWatch metric math", () => {
  const series = (label: string, pairs: Array<[number, number]>): Series => ({
    label,
    points: new Map(pairs),
  });
  const scope = (values: Record<string, Series>): MathScope => ({
    lookup: (id) => values[id],
    metrics: () => Object.entries(values).map(([id, s]) => ({ id, series: s })),
    grid: () => [0, 60_000, 120_000],
  });
  const points = (v: unknown) => [...(v as Series).points.entries()];

  it("divides series by series on shared timestamps, with precedence and constants", () => {
    const s = scope({
      errors: series("Errors", [
        [0, 1],
        [60_000, 3],
      ]),
      inv: series("Invocations", [
        [0, 50],
        [60_000, 60],
        [120_000, 10],
      ]),
    });
    assert.deepEqual(points(evaluate("100 * errors / inv", s)), [
      [0, 2],
      [60_000, 5],
    ]);
    assert.deepEqual(points(evaluate("-(errors + 1) * 2", s)), [
      [0, -4],
      [60_000, -8],
    ]);
    assert.equal(evaluate("2 ^ 3 ^ 2", s), 512);
  });

  it("reduces arrays across series and single series to scalars", () => {
    const s = scope({
      a: series("A", [
        [0, 1],
        [60_000, 2],
      ]),
      b: series("B", [[0, 10]]),
    });
    assert.deepEqual(points(evaluate("SUM(METRICS())", s)), [
      [0, 11],
      [60_000, 2],
    ]);
    assert.deepEqual(points(evaluate("MAX([a, b])", s)), [
      [0, 10],
      [60_000, 2],
    ]);
    assert.equal(evaluate("AVG(a)", s), 1.5);
    assert.deepEqual(points(evaluate("FILL(b, 0)", s)), [
      [0, 10],
      [60_000, 0],
      [120_000, 0],
    ]);
  });

  it("reports syntax errors and unknown ids", () => {
    const s = scope({ a: series("A", [[0, 1]]) });
    assert.throws(() => evaluate("a +", s), MathError);
    assert.throws(() => evaluate("zz * 2", s), /zz/);
    assert.throws(() => evaluate("RATE(a)", s), /RATE/);
  });
});

describe("CloudWatch NextToken", () => {
  it("round-trips a position and rejects tokens of another request or made up", () => {
    const token = encodeToken("gmd", "req-a", [3, 0]);
    assert.deepEqual(decodeToken(token, "gmd", "req-a", 2), [3, 0]);
    assert.throws(
      () => decodeToken(token, "gmd", "req-b", 2),
      (e: Error & { code?: string }) => e.code === "InvalidNextToken",
    );
    assert.throws(
      () => decodeToken("garbage!", "gmd", "req-a", 2),
      (e: Error & { code?: string }) => e.code === "InvalidNextToken",
    );
  });
});
