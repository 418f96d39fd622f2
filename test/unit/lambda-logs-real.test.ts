/**
 * Real Lambda log lines and real Logs Insights results (sources in each fixture) replayed through
 * the product: the sandbox's Logs Insights evaluator runs the product's own queries over the real
 * events (fields discovered as AWS does: Text REPORT fields, JSON keys flattened), and the
 * product's parsers turn the results into the panel's figures, for both log formats.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { type LogRecord, runQuery } from "../../server/sandbox/providers/logs/insights/evaluator.ts";
import { parseQuery } from "../../server/sandbox/providers/logs/insights/parser.ts";
import { javaDouble } from "../../server/sandbox/providers/logs/insights/values.ts";
import { flattenJson, type JsonObject } from "../../server/sandbox/providers/logs/lines-json.ts";
import { isJsonEvent } from "../../server/sources/lambda-formats.ts";
import {
  BIN_MS,
  billingOf,
  coldStartsOf,
  memoryOf,
  parseBins,
  sumBins,
} from "../../server/sources/logs-bins.ts";
import type { InsightsResult } from "../../server/sources/logs-insights.ts";
import { parseErrors } from "../../server/sources/logs-parse.ts";
import { binsQuery, errorQuery } from "../../server/sources/logs-queries.ts";

interface Fixture {
  logGroup: string;
  events: Array<{ timestamp: string; message: string; fields?: Record<string, string | number> }>;
}

const load = <T>(name: string): T =>
  JSON.parse(readFileSync(new URL(`../fixtures/lambda-logs/${name}`, import.meta.url), "utf8")) as T;

/** Records as Logs Insights sees them: JSON events get their keys flattened; text lines the given fields. */
function records(fixture: Fixture): LogRecord[] {
  return fixture.events
    .map((e) => {
      const t = Date.parse(e.timestamp);
      const fields =
        e.fields ?? (e.message.startsWith("{") ? flattenJson(JSON.parse(e.message) as JsonObject) : {});
      return {
        timestamp: t,
        ingestionTime: t + 200,
        message: e.message,
        logStream: "2026/10/08/[$LATEST]22be53a8cfde4e68b844f8ec293b2543",
        log: `123456789012:${fixture.logGroup}`,
        ptr: String(t),
        fields,
      };
    })
    .reverse();
}

function query(fixture: Fixture, text: string, limit?: number): InsightsResult {
  const out = runQuery(parseQuery(text), records(fixture), limit ? { limit } : {});
  return {
    rows: out.results.map((r) => Object.fromEntries(r.map((c) => [c.field, c.value]))),
    statistics: { bytesScanned: out.bytesScanned },
    status: "Complete",
  };
}

/** Per 5-minute bin, the rows the errors query returns (limit 10,000: every one). */
function errorsPerBin(fixture: Fixture, format: "Text" | "JSON"): Map<number, number> {
  const out = new Map<number, number>();
  for (const e of parseErrors(query(fixture, errorQuery(format).replace("limit 20", "limit 10000")))) {
    const bin = Math.floor(Date.parse(e.timestamp) / BIN_MS) * BIN_MS;
    out.set(bin, (out.get(bin) ?? 0) + 1);
  }
  return out;
}

function binErrors(bins: ReadonlyMap<number, { errors: number }>): Map<number, number> {
  return new Map([...bins].filter(([, b]) => b.errors > 0).map(([t, b]) => [t, b.errors]));
}

describe("real JSON-format events through the product's queries and parsers", () => {
  const fixture = load<Fixture>("json-format-capture.json");

  it("detects the JSON format from the log group's events", () => {
    assert.deepEqual(
      fixture.events.map((e) => isJsonEvent(e.message)),
      fixture.events.map(() => true),
    );
  });

  it("reads invocations, durations, cold start, INIT billing, memory and a timeout from platform.report", () => {
    const bins = parseBins(query(fixture, binsQuery("JSON")), "JSON").get(fixture.logGroup)!;
    const total = sumBins(bins.values());
    assert.equal(total.invocations, 3);
    assert.equal(total.minDuration, 1072.145);
    assert.equal(total.maxDuration, 3000);
    assert.equal(total.timeouts, 1);
    assert.equal(total.outOfMemory, 0);
    assert.deepEqual(coldStartsOf(total), { count: 1, avgInitMs: 463.51, maxInitMs: 463.51 });
    // 1698 ms billed for 1233.96 ms of duration: the 463.512 ms of INIT are billed.
    assert.deepEqual(billingOf(total), { billedMs: 5771, initBilledMs: 463.51, initSharePercent: 8.03 });
    assert.deepEqual(memoryOf(total), {
      memorySizeMb: 256,
      maxUsedMb: 125,
      avgUsedMb: 96,
      headroomPercent: 51.17,
    });
  });

  it("lists the app's ERROR lines and the timeout with their request IDs", () => {
    const errors = parseErrors(query(fixture, errorQuery("JSON"), 20));
    assert.deepEqual(
      errors.map((e) => e.requestId),
      ["req-1", "f0c9f58b-8ebe-4e84-a656-95eb6eee865a", "79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36"],
    );
    assert.equal(errors[0]?.message, "platform.report timeout");
    assert.match(errors[1]?.message ?? "", /Widget update failed/);
  });

  it("counts in the bins scan, per bin, exactly the events the errors query returns", () => {
    const bins = parseBins(query(fixture, binsQuery("JSON")), "JSON").get(fixture.logGroup)!;
    const expected = errorsPerBin(fixture, "JSON");
    assert.equal(
      [...expected.values()].reduce((n, v) => n + v, 0),
      3,
    );
    assert.deepEqual(binErrors(bins), expected);
    // The app's ERROR line joins the scan but no REPORT figure: still 3 invocations, no failed init.
    assert.equal(sumBins(bins.values()).initFailures, 0);
  });
});

describe("real text-format lines through the product's queries and parsers", () => {
  const fixture = load<Fixture>("text-format-lines.json");

  it("detects the text format", () => {
    assert.equal(isJsonEvent(fixture.events[1]!.message), false);
  });

  it("counts timeouts and out-of-memory from REPORT Status and failed inits from INIT_REPORT", () => {
    const bins = parseBins(query(fixture, binsQuery("Text")), "Text").get(fixture.logGroup)!;
    const total = sumBins(bins.values());
    assert.equal(total.invocations, 3);
    assert.equal(total.timeouts, 1);
    assert.equal(total.outOfMemory, 1);
    assert.equal(total.initFailures, 2);
    assert.equal(total.coldStarts, 1);
    // Memory from bytes (Logs Insights' @maxMemoryUsed) back to MB.
    assert.deepEqual(memoryOf(total), {
      memorySizeMb: 128,
      maxUsedMb: 128,
      avgUsedMb: 91.67,
      headroomPercent: 0,
    });
    assert.equal(billingOf(total).billedMs, 161 + 3000 + 813);
  });

  it("finds the timeout (no 'Task timed out' line) and the OOM among recent errors", () => {
    const errors = parseErrors(query(fixture, errorQuery("Text"), 20));
    assert.ok(
      errors.some(
        (e) => /Status: timeout/.test(e.message) && e.requestId === "6f9a2b7c-1d3e-4f50-8a61-72b3c4d5e6f7",
      ),
    );
    assert.ok(
      errors.some(
        (e) =>
          /Runtime.OutOfMemory/.test(e.message) && e.requestId === "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
      ),
    );
    assert.ok(errors.some((e) => /INIT_REPORT/.test(e.message) && e.requestId === null));
  });

  it("counts in the bins scan, per bin, exactly the events the errors query returns", () => {
    const bins = parseBins(query(fixture, binsQuery("Text")), "Text").get(fixture.logGroup)!;
    const expected = errorsPerBin(fixture, "Text");
    assert.ok([...expected.values()].reduce((n, v) => n + v, 0) >= 4);
    assert.deepEqual(binErrors(bins), expected);
  });

  it("counts a failed init only on INIT_REPORT lines, not on an app error line that says 'Status: error'", () => {
    const withApp: Fixture = {
      ...fixture,
      events: [
        ...fixture.events,
        {
          timestamp: "2026-11-18T15:04:00.000Z",
          message:
            "2026-11-18T15:04:00.000Z\t0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d\tERROR\tupstream answered Status: error\n",
        },
      ],
    };
    const bins = parseBins(query(withApp, binsQuery("Text")), "Text").get(fixture.logGroup)!;
    const total = sumBins(bins.values());
    assert.equal(total.initFailures, 2);
    assert.equal(total.invocations, 3);
    assert.equal(
      total.errors,
      sumBins(
        parseBins(query(fixture, binsQuery("Text")), "Text")
          .get(fixture.logGroup)!
          .values(),
      ).errors + 1,
    );
  });
});

describe("real Logs Insights results", () => {
  const fixture = load<{
    reportRows: Array<Array<{ field: string; value: string }>>;
    cliRows: Array<Array<{ field: string; value: string }>>;
  }>("insights-results.json");
  const rows = (list: Array<Array<{ field: string; value: string }>>) =>
    list.map((r) => Object.fromEntries(r.map((c) => [c.field, c.value])));

  it("parses a REPORT row and a CLI example row into errors with request IDs and ISO times", () => {
    const [report] = parseErrors({ rows: rows(fixture.reportRows), statistics: {}, status: "Complete" });
    assert.equal(report?.timestamp, "2025-08-15T13:34:52.212Z");
    assert.equal(report?.requestId, "923b54a2-bd35-4d54-a9b9-90b36525a84a");
    const [cli] = parseErrors({ rows: rows(fixture.cliRows), statistics: {}, status: "Complete" });
    assert.deepEqual(cli, {
      timestamp: "2024-05-19T06:10:35.743Z",
      requestId: null,
      message: "Test BENCHMARK 3",
      logStream: "TestStream",
    });
  });

  it("prints computed numbers as Logs Insights does, raw fields as their text", () => {
    assert.equal(javaDouble(15), "15.0");
    assert.equal(javaDouble(128_000_000), "1.28E8");
    assert.equal(javaDouble(2894.13), "2894.13");
    assert.equal(javaDouble(0.0001), "1.0E-4");
    // Raw @maxMemoryUsed stays "119000000" (the capture), only aggregates are doubles.
    const fx = {
      logGroup: "/aws/lambda/x",
      events: [
        {
          timestamp: "2025-08-15T13:34:52.212Z",
          message: "REPORT",
          fields: { "@type": "REPORT", "@maxMemoryUsed": 119000000 },
        },
      ],
    };
    const raw = query(fx, "fields @maxMemoryUsed");
    assert.equal(raw.rows[0]?.["@maxMemoryUsed"], "119000000");
    const agg = query(fx, "stats max(@maxMemoryUsed) as m, count(*) as n");
    assert.deepEqual([agg.rows[0]?.m, agg.rows[0]?.n], ["1.19E8", "1"]);
    // AWS's own parse sample: display with an aliased expression.
    const shown = query(
      fx,
      'fields @type as loggingType | display loggingType, loggingType = "REPORT" as isReport',
    );
    assert.equal(shown.rows[0]?.isReport, "true");
  });
});
