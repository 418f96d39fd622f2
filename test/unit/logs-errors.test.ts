/** What the recent-errors list reads, from the bins' error counts (server/sources/logs-errors.ts). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BIN_MS } from "../../server/sources/logs-bins.ts";
import {
  countIn,
  type ErrorCounts,
  olderSpans,
  oldestShown,
  rowsIn,
} from "../../server/sources/logs-errors.ts";

const B = BIN_MS;
const bins = (entries: Array<[number, number]>) => new Map(entries.map(([k, n]) => [k * B, n]));
const row = (t: number) => ({
  timestamp: new Date(t).toISOString(),
  requestId: null,
  message: "ERROR",
  logStream: "s",
});

describe("olderSpans", () => {
  it("reads the newest bins with errors until they hold the errors still needed, oldest first", () => {
    // Errors: bin 1 (3), bin 5 (1), bin 9 (1), bin 10 (2); 5 needed: bins 10, 9, 5, 1 (2+1+1+3).
    const per = bins([
      [1, 3],
      [5, 1],
      [9, 1],
      [10, 2],
    ]);
    assert.deepEqual(olderSpans(per, 0, 11 * B, 5), [
      [1 * B, 2 * B],
      [5 * B, 6 * B],
      [9 * B, 11 * B],
    ]);
    // 3 needed: bins 10 and 9 hold them; nothing older is read.
    assert.deepEqual(olderSpans(per, 0, 11 * B, 3), [[9 * B, 11 * B]]);
  });

  it("merges into at most 3 spans, closing the shortest gaps first", () => {
    const per = bins([
      [0, 1],
      [10, 1],
      [12, 1],
      [20, 1],
      [30, 1],
    ]);
    // Runs 0, 10, 12, 20, 30: the gap 10-12 (1 bin) closes first, then 12-20 (7 bins, not 9).
    assert.deepEqual(olderSpans(per, 0, 31 * B, 20), [
      [0, 1 * B],
      [10 * B, 21 * B],
      [30 * B, 31 * B],
    ]);
  });

  it("clips to the range and reads a bin cut by `before` without counting it", () => {
    const per = bins([
      [2, 1],
      [4, 1],
    ]);
    // `before` inside bin 4: its count also holds errors already read, so bin 2 is read as well.
    assert.deepEqual(olderSpans(per, 2 * B + 1000, 4 * B + 7000, 1), [
      [2 * B + 1000, 3 * B],
      [4 * B, 4 * B + 7000],
    ]);
    assert.deepEqual(olderSpans(new Map(), 0, 10 * B, 20), []);
  });
});

describe("countIn", () => {
  const counts: ErrorCounts = {
    perBin: bins([
      [0, 2],
      [1, 1],
      [2, 4],
    ]),
    settledFrom: 2 * B + 30_000,
    spans: [
      { from: 2 * B + 30_000, to: 2 * B + 90_000, errors: 1 },
      { from: 2 * B + 90_000, to: 2 * B + 150_000, errors: 2 },
      { from: 2 * B + 150_000, to: Number.POSITIVE_INFINITY, errors: 1 },
    ],
  };

  it("is exact where the bins queries' bounds tile the interval", () => {
    assert.deepEqual(countIn(counts, 2 * B + 90_000, 2 * B + 150_000), { count: 2, exact: true });
    assert.deepEqual(countIn(counts, 2 * B + 30_000, 2 * B + 150_000), { count: 3, exact: true });
    assert.deepEqual(countIn(counts, 0, 2 * B), { count: 3, exact: true });
  });

  it("is an upper bound elsewhere: whole bins before the queries, queries past the interval", () => {
    assert.deepEqual(countIn(counts, 2 * B + 100_000, 2 * B + 200_000), { count: 3, exact: false });
    // Bin 2 (4 errors) holds the settled start too: counted whole, with the spans.
    assert.deepEqual(countIn(counts, 1 * B, 2 * B + 90_000), { count: 6, exact: false });
  });
});

describe("rows held", () => {
  it("counts rows in an interval and finds the oldest of 20 shown", () => {
    const rows = Array.from({ length: 20 }, (_, k) => row(1_000_000 + k * 1000));
    assert.equal(rowsIn(rows, 1_000_000, 1_005_000), 5);
    assert.equal(oldestShown(rows), 1_000_000);
    assert.equal(oldestShown(rows.slice(1)), Number.NEGATIVE_INFINITY);
  });
});
