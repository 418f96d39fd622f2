import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseCsv, seriesTable, toCsv } from "../../web/src/tabular.ts";

describe("web CSV and tables", () => {
  it("joins series on their timestamps, leaving gaps empty", () => {
    const t0 = Date.parse("2026-11-22T00:00:00Z");
    const table = seriesTable([
      {
        label: "avg (ms)",
        points: [
          [t0, 850.5],
          [t0 + 300_000, 910],
        ],
      },
      { label: "p90 (ms)", points: [[t0 + 300_000, 1800]] },
    ]);
    assert.deepEqual(table.columns, ["time (UTC)", "avg (ms)", "p90 (ms)"]);
    assert.deepEqual(table.rows, [
      ["2026-11-22T00:00:00.000Z", 850.5, null],
      ["2026-11-22T00:05:00.000Z", 910, 1800],
    ]);
    assert.equal(
      toCsv(table),
      "time (UTC),avg (ms),p90 (ms)\r\n2026-11-22T00:00:00.000Z,850.5,\r\n2026-11-22T00:05:00.000Z,910,1800\r\n",
    );
  });

  it("quotes commas, quotes and newlines, and defuses spreadsheet formulas", () => {
    const csv = toCsv({
      columns: ["name", "note"],
      rows: [
        ["a,b", 'say "hi"'],
        ["=SUM(A1)", "line1\nline2"],
      ],
    });
    assert.equal(csv, 'name,note\r\n"a,b","say ""hi"""\r\n\'=SUM(A1),"line1\nline2"\r\n');
    assert.deepEqual(parseCsv(csv), [
      ["name", "note"],
      ["a,b", 'say "hi"'],
      ["'=SUM(A1)", "line1\nline2"],
    ]);
  });

  it("writes numbers at full precision without float noise", () => {
    const csv = toCsv({ columns: ["v"], rows: [[0.1 + 0.2], [1234567], [0.000123]] });
    assert.equal(csv, "v\r\n0.3\r\n1234567\r\n0.000123\r\n");
  });
});
