/** The Logs Insights evaluator over a small hand-built set of Lambda events, with hand-computed answers. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type LogRecord, runQuery } from "../../server/sandbox/providers/logs/insights/evaluator.ts";
import { parseQuery } from "../../server/sandbox/providers/logs/insights/parser.ts";

const T0 = Date.UTC(2026, 10, 18, 15, 0);
const MIN = 60_000;

function report(id: string, at: number, duration: number, maxMb: number, initMs?: number): LogRecord {
  const fields: Record<string, string | number> = {
    "@type": "REPORT",
    "@requestId": id,
    "@duration": duration,
    "@billedDuration": Math.ceil(duration),
    "@memorySize": 512_000_000,
    "@maxMemoryUsed": maxMb * 1_000_000,
  };
  if (initMs !== undefined) fields["@initDuration"] = initMs;
  const init = initMs === undefined ? "" : `Init Duration: ${initMs.toFixed(2)} ms\t`;
  return record(
    at,
    `REPORT RequestId: ${id}\tDuration: ${duration.toFixed(2)} ms\tBilled Duration: ${Math.ceil(duration)} ms\tMemory Size: 512 MB\tMax Memory Used: ${maxMb} MB\t${init}\n`,
    fields,
  );
}

function record(
  at: number,
  message: string,
  fields: Record<string, string | number> = {},
  stream = "2026/11/18/[$LATEST]aaaa",
): LogRecord {
  return {
    timestamp: at,
    ingestionTime: at + 300,
    message,
    logStream: stream,
    log: "123456789012:/aws/lambda/twin-api",
    ptr: `ptr-${at}`,
    fields,
  };
}

// Newest first, as the provider feeds them.
const EVENTS: LogRecord[] = [
  report("r5", T0 + 12 * MIN, 500, 120),
  record(T0 + 11 * MIN, "[ERROR]\t2026-11-18T15:11:00.000Z\tr4\tKeyError: 'session_id'\n"),
  record(
    T0 + 7 * MIN,
    "[INFO]\tx\tr3\tBedrock Converse modelId=amazon.nova-pro-v1:0 inputTokens=2000 outputTokens=300 latencyMs=2500\n",
  ),
  report("r3", T0 + 6 * MIN, 300, 100),
  report("r2", T0 + 4 * MIN, 200, 90),
  record(
    T0 + 2 * MIN,
    "[INFO]\tx\tr1\tBedrock Converse modelId=amazon.nova-lite-v1:0 inputTokens=1000 outputTokens=100 latencyMs=1200\n",
  ),
  report("r1", T0 + 1 * MIN, 100, 110, 800),
  record(T0, "START RequestId: r1 Version: $LATEST\n", { "@type": "START", "@requestId": "r1" }),
];

const run = (q: string, limit?: number) =>
  runQuery(parseQuery(q), EVENTS, limit === undefined ? {} : { limit });
const col = (row: Array<{ field: string; value: string }> | undefined, f: string) =>
  row?.find((c) => c.field === f)?.value;

describe("Logs Insights evaluator", () => {
  it("computes the seed query per 5-minute bin, newest bin first", () => {
    const out = run(
      'fields @timestamp, @duration | filter @type = "REPORT" | stats avg(@duration) as avg_duration, min(@duration) as min_duration, max(@duration) as max_duration by bin(5m)',
    );
    // Bins: 15:10 {500}, 15:05 {300}, 15:00 {200, 100}
    assert.deepEqual(out.results, [
      [
        { field: "bin(5m)", value: "2026-11-18 15:10:00.000" },
        { field: "avg_duration", value: "500.0" },
        { field: "min_duration", value: "500.0" },
        { field: "max_duration", value: "500.0" },
      ],
      [
        { field: "bin(5m)", value: "2026-11-18 15:05:00.000" },
        { field: "avg_duration", value: "300.0" },
        { field: "min_duration", value: "300.0" },
        { field: "max_duration", value: "300.0" },
      ],
      [
        { field: "bin(5m)", value: "2026-11-18 15:00:00.000" },
        { field: "avg_duration", value: "150.0" },
        { field: "min_duration", value: "100.0" },
        { field: "max_duration", value: "200.0" },
      ],
    ]);
    assert.equal(out.recordsScanned, 8);
    assert.equal(out.recordsMatched, 4);
  });

  it("computes count, sum, pct, stddev and count_distinct", () => {
    const [row] = run(
      'filter @type = "REPORT" | stats count(*) as n, sum(@duration) as total, pct(@duration, 50) as p50, pct(@duration, 75) as p75, stddev(@duration) as sd, count_distinct(@logStream) as streams, count(@initDuration) as cold',
    ).results;
    assert.equal(col(row, "n"), "4");
    assert.equal(col(row, "total"), "1100.0");
    // Nearest rank over [100, 200, 300, 500]: p50 -> 2nd value, p75 -> 3rd value.
    assert.equal(col(row, "p50"), "200.0");
    assert.equal(col(row, "p75"), "300.0");
    // Mean 275; squared deviations 30625 + 5625 + 625 + 50625 = 87500; / 3 = 29166.67; sqrt = 170.78
    assert.ok(Math.abs(Number(col(row, "sd")) - Math.sqrt(87_500 / 3)) < 1e-9);
    assert.equal(col(row, "streams"), "1");
    assert.equal(col(row, "cold"), "1");
  });

  it("evaluates AWS's memory sample with aliases of aggregates", () => {
    const [row] = run(
      'filter @type = "REPORT" | stats max(@memorySize / 1000 / 1000) as provisonedMemoryMB, avg(@maxMemoryUsed / 1000 / 1000) as avgMemoryUsedMB, max(@maxMemoryUsed / 1000 / 1000) as maxMemoryUsedMB, provisonedMemoryMB - maxMemoryUsedMB as overProvisionedMB',
    ).results;
    assert.equal(col(row, "provisonedMemoryMB"), "512.0");
    assert.equal(col(row, "avgMemoryUsedMB"), "105.0");
    assert.equal(col(row, "maxMemoryUsedMB"), "120.0");
    assert.equal(col(row, "overProvisionedMB"), "392.0");
  });

  it("computes the cold-start percentage sample", () => {
    const [row] = run(
      'filter @type = "REPORT" | stats sum(strcontains(@message, "Init Duration")) / count(*) * 100 as coldStartPct',
    ).results;
    assert.equal(col(row, "coldStartPct"), "25.0");
  });

  it("filters with like /regex/, like string, in, =~ and not", () => {
    assert.equal(run("filter @message like /ERROR/").results.length, 1);
    assert.equal(run('filter @message like "Bedrock"').results.length, 2);
    assert.equal(run('filter @type in ["START", "END"]').results.length, 1);
    assert.equal(run("filter @message =~ /nova-(lite|micro)/").results.length, 1);
    assert.equal(run('filter not (@type = "REPORT") and @message not like /ERROR/').results.length, 3);
    assert.equal(run("filter @duration >= 200 and @duration < 500").results.length, 2);
    assert.equal(run("filter isempty(@initDuration)").results.length, 7);
  });

  it("returns fields with @ptr, sorted and limited", () => {
    const out = run(
      'filter @type = "REPORT" | fields @requestId, @billedDuration | sort by @billedDuration desc | limit 2',
    );
    assert.deepEqual(out.results, [
      [
        { field: "@requestId", value: "r5" },
        { field: "@billedDuration", value: "500" },
        { field: "@ptr", value: `ptr-${T0 + 12 * MIN}` },
      ],
      [
        { field: "@requestId", value: "r3" },
        { field: "@billedDuration", value: "300" },
        { field: "@ptr", value: `ptr-${T0 + 6 * MIN}` },
      ],
    ]);
    assert.equal(out.recordsMatched, 4);
  });

  it("parses with a glob and with named regex groups, then aggregates the parsed fields", () => {
    const glob = run(
      'parse @message "modelId=* inputTokens=* " as model, tokensIn | filter ispresent(model) | stats sum(tokensIn) as tokens by model | sort model asc',
    ).results;
    assert.deepEqual(
      glob.map((r) => [col(r, "model"), col(r, "tokens")]),
      [
        ["amazon.nova-lite-v1:0", "1000.0"],
        ["amazon.nova-pro-v1:0", "2000.0"],
      ],
    );
    const regex = run(
      "parse @message /latencyMs=(?<latency>\\d+)/ | filter ispresent(latency) | stats avg(latency) as mean",
    ).results;
    assert.equal(col(regex[0], "mean"), "1850.0");
  });

  it("dedups on a field keeping the first row", () => {
    const out = run("fields @type | filter ispresent(@type) | dedup @type | display @type, @requestId");
    assert.deepEqual(
      out.results.map((r) => [col(r, "@type"), col(r, "@requestId")]),
      [
        ["REPORT", "r5"],
        ["START", "r1"],
      ],
    );
  });

  it("caps rows at the StartQuery limit and at 10,000", () => {
    assert.equal(run("fields @timestamp", 3).results.length, 3);
    const many: LogRecord[] = Array.from({ length: 10_050 }, (_, k) => record(T0 - k, "x\n"));
    const out = runQuery(parseQuery("fields @timestamp"), many);
    assert.equal(out.results.length, 10_000);
    assert.equal(out.recordsMatched, 10_050);
  });

  it("keeps earliest and latest by @timestamp", () => {
    const [row] = run(
      'filter @type = "REPORT" | stats earliest(@requestId) as first, latest(@requestId) as last',
    ).results;
    assert.equal(col(row, "first"), "r1");
    assert.equal(col(row, "last"), "r5");
  });
});
