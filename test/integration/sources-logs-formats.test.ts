/**
 * The logs panel against the sandbox's default account: twin-api writes the text format and
 * twin-api-json the JSON format; each is read in its own format (LoggingConfig.LogFormat from
 * GetFunctionConfiguration) and gives the same figures in meaning, in agreement with the
 * workload and with AWS/Lambda metrics. Incremental refreshes give the same bins as a full scan.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { GetFunctionConfigurationCommand, ResourceNotFoundException } from "@aws-sdk/client-lambda";
import { type AwsClients, createAwsClients } from "../../server/aws/clients.ts";
import { LogBinStore } from "../../server/cache/log-bins.ts";
import { parseConfig } from "../../server/config.ts";
import { type RunningSandbox, sandboxCredentials, startSandbox } from "../../server/sandbox/index.ts";
import { groupEvents } from "../../server/sandbox/providers/logs/index.ts";
import { invocationEnd, Workload } from "../../server/sandbox/workload/model.ts";
import { LogsSource } from "../../server/sources/logs.ts";
import { BIN_MS } from "../../server/sources/logs-bins.ts";
import { runInsightsQuery } from "../../server/sources/logs-insights.ts";
import { parseErrors } from "../../server/sources/logs-parse.ts";
import { DURATION_QUERY, errorQuery, JSON_DURATION_QUERY } from "../../server/sources/logs-queries.ts";
import type { TimeRange } from "../../server/sources/range.ts";

const START = Date.parse("2026-11-18T12:00:00.000Z");
const FUNCTIONS = ["twin-api", "twin-api-json"];

describe("logs panel, Text and JSON functions", () => {
  let t = START + 3 * 3_600_000;
  let sandbox: RunningSandbox;
  let clients: AwsClients;
  const config = parseConfig({ mode: "sandbox", lambda: { functions: FUNCTIONS.map((name) => ({ name })) } });
  const source = (bins = new LogBinStore()) =>
    new LogsSource(clients, config, undefined, {
      bins,
      now: () => t,
      insights: { firstPollMs: 1, sleep: async () => undefined },
    });
  const range = (hours: number): TimeRange => ({
    start: new Date(t - hours * 3_600_000),
    end: new Date(t),
    preset: "3h",
    periodSeconds: 60,
  });

  before(async () => {
    sandbox = await startSandbox({
      functions: FUNCTIONS,
      now: () => t,
      settings: { logs: { scheduledMs: 0, runningMs: 0 } },
    });
    clients = createAwsClients({
      region: "us-east-1",
      endpoint: sandbox.url,
      credentials: sandboxCredentials(),
      maxAttempts: 1,
      retryMode: "standard",
    });
  });

  after(async () => {
    clients.destroy();
    await sandbox.close();
  });

  it("reads each function's log format from GetFunctionConfiguration and shows its duration query", async () => {
    const data = await source().fetch(range(3));
    const [text, json] = data.functions!;
    assert.deepEqual(
      [text?.name, text?.logFormat, text?.formatSource, json?.name, json?.logFormat, json?.formatSource],
      ["twin-api", "Text", "lambda", "twin-api-json", "JSON", "lambda"],
    );
    assert.equal(text?.durationQuery, DURATION_QUERY);
    assert.equal(json?.durationQuery, JSON_DURATION_QUERY);
  });

  it("answers GetFunctionConfiguration with LoggingConfig, and ResourceNotFoundException for an unknown function", async () => {
    const lambda = clients.lambda();
    const json = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: "twin-api-json" }));
    assert.deepEqual(json.LoggingConfig, {
      LogFormat: "JSON",
      ApplicationLogLevel: "INFO",
      SystemLogLevel: "INFO",
      LogGroup: "/aws/lambda/twin-api-json",
    });
    const text = await lambda.send(
      new GetFunctionConfigurationCommand({
        FunctionName: "arn:aws:lambda:us-east-1:123456789012:function:twin-api",
      }),
    );
    assert.equal(text.LoggingConfig?.LogFormat, "Text");
    assert.equal(text.TracingConfig?.Mode, "Active");
    assert.equal(text.MemorySize, 512);
    await assert.rejects(
      () => lambda.send(new GetFunctionConfigurationCommand({ FunctionName: "nope" })),
      (err: unknown) =>
        err instanceof ResourceNotFoundException && /Function not found: arn:aws:lambda:/.test(err.message),
    );
  });

  it("multiplies invocations (so logs, metrics and bill, all derived from them) with sandbox.workload.scale", () => {
    const make = (scale: number) =>
      new Workload({
        seed: 42,
        functions: ["twin-api"],
        models: [],
        region: "us-east-1",
        scale,
        now: () => t,
      });
    const from = t - 6 * 3_600_000;
    const one = make(1).invocations("twin-api", from, t).length;
    const hundred = make(100).invocations("twin-api", from, t).length;
    assert.ok(hundred > one * 90 && hundred < one * 110, `${one} -> ${hundred}`);
  });

  it("gives the JSON function the same figures as the workload behind it, as for the text function", async () => {
    const r = range(3);
    const data = await source().fetch(r);
    const first = Math.floor(r.start.getTime() / BIN_MS) * BIN_MS;
    for (const fn of data.functions!) {
      const invs = sandbox.workload
        .invocations(fn.name, first - 120_000, t + 1)
        .filter((inv) => invocationEnd(inv) >= first && invocationEnd(inv) <= t);
      assert.ok(invs.length > 100, `${fn.name} has traffic`);
      assert.equal(fn.invocations, invs.length, fn.name);
      const cold = invs.filter((inv) => inv.initMs !== undefined);
      assert.equal(fn.coldStarts.count, cold.length, fn.name);
      assert.equal(fn.outcomes.timeouts, invs.filter((inv) => inv.status === "timeout").length);
      assert.equal(
        fn.outcomes.outOfMemory,
        invs.filter((inv) => inv.errorType === "Runtime.OutOfMemory").length,
      );
      const maxUsed = Math.max(...invs.map((inv) => inv.maxMemoryMb));
      assert.equal(fn.memory?.maxUsedMb, maxUsed, fn.name);
      assert.equal(fn.memory?.memorySizeMb, 512);
      const billed = invs.reduce((n, inv) => n + inv.billedMs, 0);
      assert.equal(fn.billing.billedMs, billed, fn.name);
      const init = cold.reduce((n, inv) => n + (inv.initMs ?? 0), 0);
      assert.ok(Math.abs(fn.billing.initBilledMs - init) < 0.05, fn.name);
      assert.ok(
        fn.percentiles && fn.percentiles.p50 < fn.percentiles.p90 && fn.percentiles.p90 <= fn.percentiles.p99,
      );
    }
    const errors = data.recentErrors;
    assert.ok(errors.length > 0);
    // Every error names its request, except a failed init, which belongs to no request.
    for (const e of errors)
      if (!/INIT_REPORT|initReport/.test(e.message))
        assert.match(e.requestId ?? "", /^[0-9a-f-]{36}$/, e.message);
  });

  it("agrees with AWS/Lambda Invocations and Errors for both formats", async () => {
    const r = range(3);
    const first = Math.floor(r.start.getTime() / BIN_MS) * BIN_MS;
    const data = await source().fetch(r);
    const cw = new CloudWatchClient({
      region: "us-east-1",
      endpoint: sandbox.url,
      credentials: sandboxCredentials(),
    });
    try {
      for (const fn of data.functions!) {
        const out = await cw.send(
          new GetMetricDataCommand({
            StartTime: new Date(first),
            EndTime: new Date(t + 60_000),
            MetricDataQueries: ["Invocations", "Errors"].map((metric, k) => ({
              Id: `m${k}`,
              MetricStat: {
                Metric: {
                  Namespace: "AWS/Lambda",
                  MetricName: metric,
                  Dimensions: [{ Name: "FunctionName", Value: fn.name }],
                },
                Period: 60,
                Stat: "Sum",
              },
            })),
          }),
        );
        const sum = (id: string) =>
          (out.MetricDataResults?.find((m) => m.Id === id)?.Values ?? []).reduce((n, v) => n + v, 0);
        assert.equal(fn.invocations, sum("m0"), `${fn.name} invocations`);
        const invs = sandbox.workload
          .invocations(fn.name, first - 120_000, t + 1)
          .filter((inv) => invocationEnd(inv) >= first && invocationEnd(inv) <= t);
        assert.equal(sum("m1"), invs.filter((inv) => inv.error || inv.status).length, `${fn.name} errors`);
        assert.ok(fn.outcomes.timeouts + fn.outcomes.outOfMemory <= sum("m1"));
      }
    } finally {
      cw.destroy();
    }
  });

  it("refreshes incrementally and gives the same bins, bin for bin, as a full scan of the same range", async () => {
    t = START + 6 * 3_600_000;
    const bins = new LogBinStore();
    const incremental = source(bins);
    const first = await incremental.fetch(range(3));
    const scannedFirst = first.bytesScanned;
    let later = first;
    // Refreshes 5 minutes and 97 s apart: the settled watermark falls anywhere in a bin, whose
    // settled start is kept and whose rest is read from the exact watermark.
    for (let k = 0; k < 8; k++) {
      t += k % 2 === 0 ? 5 * 60_000 : 97_000;
      later = await incremental.fetch(range(3));
      assert.ok(later.bytesScanned < scannedFirst / 5, `refresh ${k} scanned only the tail`);
      assert.ok((later.scan?.binsReused ?? 0) > 0);
    }
    const full = await source().fetch(range(3));
    // Range-wide AWS/Lambda percentiles are bought as the range moves (at most every logs TTL),
    // not at each refresh: the incremental source holds the ones of a few minutes ago.
    const binned = (d: typeof full) => d.functions?.map(({ percentiles: _, ...f }) => f);
    assert.deepEqual(later.durations, full.durations);
    assert.deepEqual(binned(later), binned(full));
    assert.deepEqual(later.outcomes, full.outcomes);
    assert.deepEqual(later.recentErrors, full.recentErrors);
    // A wider range reuses the held bins and reads only the hours before them.
    const wide = await incremental.fetch(range(6));
    const wideFull = await source().fetch(range(6));
    assert.deepEqual(wide.durations, wideFull.durations);
    assert.deepEqual(binned(wide), binned(wideFull));
    assert.deepEqual(wide.recentErrors, wideFull.recentErrors);
    assert.ok(wide.bytesScanned < wideFull.bytesScanned);
  });

  it("fills the recent errors from the newest logs back only until the panel's 20 are found (10x traffic)", async () => {
    t = START + 27 * 3_600_000; // 15:00 UTC, the busiest hour
    const busy = await startSandbox({
      functions: FUNCTIONS,
      now: () => t,
      scale: 10,
      settings: { logs: { scheduledMs: 0, runningMs: 0 } },
    });
    const busyClients = createAwsClients({
      region: "us-east-1",
      endpoint: busy.url,
      credentials: sandboxCredentials(),
      maxAttempts: 1,
      retryMode: "standard",
    });
    try {
      const fresh = () =>
        new LogsSource(busyClients, config, undefined, {
          bins: new LogBinStore(),
          now: () => t,
          insights: { firstPollMs: 1, sleep: async () => undefined },
        });
      const data = await fresh().fetch(range(6));
      assert.equal(data.recentErrors.length, 20);
      // The bins query reads the 6 h once; the errors fill reads back from the watermark only as
      // far as each format's 20 most recent errors (it read the 6 h a second time before).
      let rangeBytes = 0;
      for (const fn of FUNCTIONS)
        for (const e of groupEvents(busy.workload, `/aws/lambda/${fn}`, t - 6 * 3_600_000, t + 1))
          rangeBytes += Buffer.byteLength(e.message, "utf8") + 26;
      assert.ok(data.bytesScanned >= rangeBytes, "the bins query reads the whole range");
      assert.ok(
        data.bytesScanned < 1.5 * rangeBytes,
        `first refresh scanned ${data.bytesScanned} bytes for a ${rangeBytes}-byte range`,
      );
      // The same errors as a scan of the whole range: the errors query alone over the 6 h.
      const whole = await Promise.all(
        FUNCTIONS.map(async (fn) => {
          const format = fn.endsWith("json") ? "JSON" : "Text";
          const result = await runInsightsQuery(
            busyClients.logs({ region: "us-east-1" }),
            {
              logGroups: [`/aws/lambda/${fn}`],
              queryString: errorQuery(format),
              start: new Date(t - 6 * 3_600_000),
              end: new Date(t),
              limit: 20,
            },
            { firstPollMs: 1, sleep: async () => undefined },
          );
          return parseErrors(result);
        }),
      );
      const expected = whole
        .flat()
        .sort((a, b) => b.timestamp.localeCompare(a.timestamp))
        .slice(0, 20);
      assert.deepEqual(data.recentErrors, expected);
    } finally {
      busyClients.destroy();
      await busy.close();
    }
  });
});
