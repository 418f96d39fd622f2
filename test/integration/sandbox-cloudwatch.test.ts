/**
 * The real @aws-sdk/client-cloudwatch against the sandbox over HTTP: GetMetricData numbers
 * checked against the workload they are derived from, pagination, ScanBy, math expressions,
 * the 500-query limit and the typed exceptions the SDK raises for bad input.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  CloudWatchClient,
  GetMetricDataCommand,
  type GetMetricDataCommandInput,
  type GetMetricDataCommandOutput,
  InvalidNextToken,
  InvalidParameterCombinationException,
  InvalidParameterValueException,
  type MetricDataQuery,
  MissingRequiredParameterException,
  ValidationException,
} from "@aws-sdk/client-cloudwatch";
import { type RunningSandbox, sandboxCredentials, startSandbox } from "../../server/sandbox/index.ts";
import { invocationEnd } from "../../server/sandbox/workload/model.ts";

// Wednesday 18 Nov 2026, 15:30 UTC: the workload's busy afternoon.
const NOW = Date.UTC(2026, 10, 18, 15, 30);
const HOUR = 3_600_000;
const FN = [{ Name: "FunctionName", Value: "twin-api" }];
const LITE = "amazon.nova-lite-v1:0";

const lambda = (
  id: string,
  name: string,
  stat: string,
  period: number,
  extra: Partial<MetricDataQuery> = {},
): MetricDataQuery => ({
  Id: id,
  MetricStat: {
    Metric: { Namespace: "AWS/Lambda", MetricName: name, Dimensions: FN },
    Period: period,
    Stat: stat,
  },
  ...extra,
});

describe("sandbox CloudWatch GetMetricData", () => {
  let sandbox: RunningSandbox;
  /** Invocations that ended (REPORT time, which is when Lambda reports them) in [from, to), up to NOW. */
  const ended = (fn: string, from: number, to: number) =>
    sandbox.workload
      .invocations(fn, from - 3 * 60_000, to)
      .filter((i) => invocationEnd(i) >= from && invocationEnd(i) < to && invocationEnd(i) <= NOW);
  let cw: CloudWatchClient;
  const get = (
    input: Partial<GetMetricDataCommandInput> & Pick<GetMetricDataCommandInput, "MetricDataQueries">,
  ) =>
    cw.send(
      new GetMetricDataCommand({ StartTime: new Date(NOW - 3 * HOUR), EndTime: new Date(NOW), ...input }),
    );

  before(async () => {
    sandbox = await startSandbox({ port: 0, now: () => NOW });
    cw = new CloudWatchClient({
      region: "us-east-1",
      endpoint: sandbox.url,
      credentials: sandboxCredentials(),
      maxAttempts: 1,
    });
  });
  after(async () => {
    cw.destroy();
    await sandbox.close();
  });

  it("sums Lambda Invocations to the workload's count, per period and in total", async () => {
    // Prepare
    const invocations = ended("twin-api", NOW - 3 * HOUR, NOW);
    // Act
    const out = await get({ MetricDataQueries: [lambda("inv", "Invocations", "Sum", 300)] });
    // Assess
    const r = out.MetricDataResults?.[0];
    assert.equal(r?.Id, "inv");
    assert.equal(r?.Label, "Invocations");
    assert.equal(r?.StatusCode, "Complete");
    assert.ok(
      invocations.length > 500,
      `a busy afternoon has hundreds of invocations, got ${invocations.length}`,
    );
    assert.equal(
      r?.Values?.reduce((a, b) => a + b, 0),
      invocations.length,
    );
    const first = r!.Timestamps!.at(-1)!.getTime();
    const inFirstPeriod = invocations.filter((i) => i.start >= first && i.start < first + 300_000).length;
    assert.equal(r?.Values?.at(-1), inFirstPeriod);
    assert.equal(first, NOW - 3 * HOUR, "datapoints start at the period boundaries from StartTime");
  });

  it("computes Duration Average and percentiles from the real per-invocation samples", async () => {
    // Prepare: one hour-long period, 14:00-15:00
    const start = NOW - 90 * 60_000;
    const end = NOW - 30 * 60_000;
    const durations = ended("twin-api", start, end)
      .map((i) => i.durationMs)
      .sort((a, b) => a - b);
    const mean = durations.reduce((a, b) => a + b, 0) / durations.length;
    const nearestRank = (p: number) => durations[Math.ceil((p / 100) * durations.length) - 1];
    // Act
    const out = await get({
      StartTime: new Date(start),
      EndTime: new Date(end),
      MetricDataQueries: [
        lambda("avg", "Duration", "Average", 3600),
        lambda("p50", "Duration", "p50", 3600),
        lambda("p90", "Duration", "p90", 3600),
        lambda("p99", "Duration", "p99", 3600),
        lambda("max", "Duration", "Maximum", 3600),
        lambda("n", "Duration", "SampleCount", 3600),
      ],
    });
    // Assess
    const value = (id: string) => out.MetricDataResults?.find((r) => r.Id === id)?.Values?.[0] ?? Number.NaN;
    assert.equal(value("n"), durations.length);
    assert.ok(Math.abs(value("avg") - mean) < 1e-9, `average ${value("avg")} vs workload mean ${mean}`);
    assert.equal(value("p50"), nearestRank(50));
    assert.equal(value("p90"), nearestRank(90));
    assert.equal(value("p99"), nearestRank(99));
    assert.ok(value("p50") < value("p90") && value("p90") < value("p99") && value("p99") <= value("max"));
    assert.equal(value("max"), durations.at(-1));
  });

  it("derives AWS/Bedrock Invocations and InvocationLatency from the model's calls", async () => {
    // Prepare
    const calls = sandbox.workload.bedrockCalls(LITE, NOW - 3 * HOUR, NOW);
    const accepted = calls.filter((c) => c.status !== "throttled");
    const ok = calls.filter((c) => c.status === "ok");
    const metric = (name: string) => ({
      Namespace: "AWS/Bedrock",
      MetricName: name,
      Dimensions: [{ Name: "ModelId", Value: LITE }],
    });
    // Act
    const out = await get({
      MetricDataQueries: [
        { Id: "inv", MetricStat: { Metric: metric("Invocations"), Period: 10_800, Stat: "Sum" } },
        { Id: "lat", MetricStat: { Metric: metric("InvocationLatency"), Period: 10_800, Stat: "Average" } },
        { Id: "tok", MetricStat: { Metric: metric("OutputTokenCount"), Period: 10_800, Stat: "Sum" } },
      ],
    });
    // Assess
    const value = (id: string) => out.MetricDataResults?.find((r) => r.Id === id)?.Values?.[0];
    assert.ok(accepted.length > 50);
    assert.equal(value("inv"), accepted.length);
    const meanLatency = ok.reduce((a, c) => a + c.latencyMs, 0) / ok.length;
    assert.ok(Math.abs((value("lat") ?? 0) - meanLatency) < 1e-6);
    assert.equal(
      value("tok"),
      ok.reduce((a, c) => a + c.outputTokens, 0),
    );
  });

  it("paginates with MaxDatapoints and NextToken, continuing exactly where it stopped", async () => {
    // Prepare
    const queries = [lambda("inv", "Invocations", "Sum", 60), lambda("dur", "Duration", "Average", 60)];
    const whole = await get({ MetricDataQueries: queries });
    const total = whole.MetricDataResults!.reduce((a, r) => a + r.Values!.length, 0);
    // Act
    const pages: GetMetricDataCommandOutput[] = [];
    let token: string | undefined;
    do {
      const page = await get({ MetricDataQueries: queries, MaxDatapoints: 70, NextToken: token });
      pages.push(page);
      token = page.NextToken;
    } while (token && pages.length < 50);
    // Assess
    assert.ok(total > 300, `3 hours at 1 minute gives ~360 datapoints, got ${total}`);
    assert.equal(pages.length, Math.ceil(total / 70));
    for (const page of pages.slice(0, -1)) {
      assert.equal(
        page.MetricDataResults!.reduce((a, r) => a + r.Values!.length, 0),
        70,
      );
      assert.ok(page.MetricDataResults!.some((r) => r.StatusCode === "PartialData"));
    }
    assert.ok(pages.at(-1)!.MetricDataResults!.every((r) => r.StatusCode === "Complete"));
    for (const id of ["inv", "dur"]) {
      const joined = pages.flatMap((p) => p.MetricDataResults!.find((r) => r.Id === id)!.Values!);
      const stamps = pages.flatMap((p) =>
        p.MetricDataResults!.find((r) => r.Id === id)!.Timestamps!.map((t) => t.getTime()),
      );
      const full = whole.MetricDataResults!.find((r) => r.Id === id)!;
      assert.deepEqual(joined, full.Values);
      assert.deepEqual(
        stamps,
        full.Timestamps!.map((t) => t.getTime()),
      );
    }
  });

  it("continues after the last datapoint returned even when newer data arrived between pages", async () => {
    // Prepare: a sandbox whose clock moves on between the two pages
    let clock = NOW;
    const moving = await startSandbox({ port: 0, now: () => clock });
    const client = new CloudWatchClient({
      region: "us-east-1",
      endpoint: moving.url,
      credentials: sandboxCredentials(),
      maxAttempts: 1,
    });
    const input = {
      StartTime: new Date(NOW - HOUR),
      EndTime: new Date(NOW + HOUR),
      MetricDataQueries: [lambda("inv", "Invocations", "Sum", 60)],
      MaxDatapoints: 20,
    };
    try {
      // Act
      const first = await client.send(new GetMetricDataCommand(input));
      clock = NOW + 10 * 60_000;
      const rest: number[] = [];
      let token = first.NextToken;
      while (token) {
        const page = await client.send(new GetMetricDataCommand({ ...input, NextToken: token }));
        rest.push(...page.MetricDataResults![0]!.Timestamps!.map((t) => t.getTime()));
        token = page.NextToken;
      }
      // Assess: no timestamp twice, the second page picks up just before the first page's last one
      const seen = [...first.MetricDataResults![0]!.Timestamps!.map((t) => t.getTime()), ...rest];
      assert.equal(new Set(seen).size, seen.length);
      assert.ok(rest[0]! < first.MetricDataResults![0]!.Timestamps!.at(-1)!.getTime());
      assert.equal(seen.at(-1), NOW - HOUR);
    } finally {
      client.destroy();
      await moving.close();
    }
  });

  it("shows calls answered live by the sandbox, with TimeToFirstToken for ConverseStream", async () => {
    // Prepare
    const time = NOW - 5 * 60_000 + 1000;
    for (const ttftMs of [200, 400]) {
      sandbox.workload.recordLive({
        modelId: "amazon.nova-micro-v1:0",
        time,
        operation: "ConverseStream",
        status: "ok",
        latencyMs: 900,
        ttftMs,
        inputTokens: 10,
        outputTokens: 20,
        region: "us-east-1",
      });
    }
    const metric = (name: string) => ({
      Namespace: "AWS/Bedrock",
      MetricName: name,
      Dimensions: [{ Name: "ModelId", Value: "amazon.nova-micro-v1:0" }],
    });
    // Act
    const out = await get({
      StartTime: new Date(NOW - 5 * 60_000),
      EndTime: new Date(NOW - 4 * 60_000),
      MetricDataQueries: [
        { Id: "ttft", MetricStat: { Metric: metric("TimeToFirstToken"), Period: 60, Stat: "Average" } },
        { Id: "inv", MetricStat: { Metric: metric("Invocations"), Period: 60, Stat: "Sum" } },
      ],
    });
    // Assess
    const workloadCalls = sandbox.workload
      .bedrockCalls("amazon.nova-micro-v1:0", NOW - 5 * 60_000, NOW - 4 * 60_000)
      .filter((c) => c.status !== "throttled");
    assert.deepEqual(out.MetricDataResults![0]!.Values, [300]);
    assert.deepEqual(out.MetricDataResults![1]!.Values, [workloadCalls.length]);
    assert.ok(workloadCalls.length >= 2);
    sandbox.reset();
  });

  it("orders newest first by default and oldest first with TimestampAscending", async () => {
    // Act
    const desc = await get({ MetricDataQueries: [lambda("inv", "Invocations", "Sum", 300)] });
    const asc = await get({
      MetricDataQueries: [lambda("inv", "Invocations", "Sum", 300)],
      ScanBy: "TimestampAscending",
    });
    // Assess
    const d = desc.MetricDataResults![0]!.Timestamps!.map((t) => t.getTime());
    const a = asc.MetricDataResults![0]!.Timestamps!.map((t) => t.getTime());
    assert.equal(d.length, 36);
    assert.deepEqual(
      d,
      [...d].sort((x, y) => y - x),
    );
    assert.deepEqual(a, [...d].reverse());
    assert.deepEqual(asc.MetricDataResults![0]!.Values, [...desc.MetricDataResults![0]!.Values!].reverse());
  });

  it("evaluates metric math: an error rate from two hidden queries", async () => {
    // Act
    const out = await get({
      MetricDataQueries: [
        lambda("errors", "Errors", "Sum", 3600, { ReturnData: false }),
        lambda("invocations", "Invocations", "Sum", 3600, { ReturnData: false }),
        { Id: "rate", Expression: "100*errors/invocations", Label: "Error rate (%)" },
        { Id: "total", Expression: "SUM(METRICS())" },
      ],
    });
    // Assess
    assert.deepEqual(
      out.MetricDataResults!.map((r) => r.Id),
      ["rate", "total"],
    );
    const rate = out.MetricDataResults![0]!;
    assert.equal(rate.Label, "Error rate (%)");
    assert.equal(rate.Values!.length, 3);
    rate.Timestamps!.forEach((t, k) => {
      const inv = ended("twin-api", t.getTime(), t.getTime() + HOUR);
      const expected = (100 * inv.filter((i) => i.error || i.status).length) / inv.length;
      assert.ok(Math.abs(rate.Values![k]! - expected) < 1e-9);
      const total = out.MetricDataResults![1]!;
      assert.equal(total.Values![k], inv.length + inv.filter((i) => i.error || i.status).length);
    });
  });

  it("accepts 500 queries in one call, rejects 501, and notes the metrics requested in the ledger", async () => {
    // Prepare
    const queries = Array.from({ length: 500 }, (_, i) =>
      lambda(`q${i}`, i % 2 ? "Duration" : "Invocations", i % 3 ? "Sum" : "p90", 300),
    );
    sandbox.ledger.clear();
    // Act
    const out = await get({ MetricDataQueries: queries });
    const tooMany = get({ MetricDataQueries: [...queries, lambda("q500", "Errors", "Sum", 300)] });
    // Assess
    assert.equal(out.MetricDataResults?.length, 500);
    await assert.rejects(
      tooMany,
      (err: unknown) => err instanceof ValidationException && /500/.test(err.message),
    );
    const entry = sandbox.ledger.list({ service: "cloudwatch", operation: "GetMetricData" })[0];
    assert.equal(entry?.notes?.metricsRequested, 500);
  });

  it("raises the SDK's typed exceptions for bad input", async () => {
    const cases: Array<[string, Promise<unknown>, new (...args: never[]) => Error, RegExp]> = [
      [
        "period 90",
        get({ MetricDataQueries: [lambda("m1", "Invocations", "Sum", 90)] }),
        InvalidParameterValueException,
        /Period/,
      ],
      [
        "id starting with a digit",
        get({ MetricDataQueries: [lambda("1m", "Invocations", "Sum", 60)] }),
        InvalidParameterValueException,
        /Id/,
      ],
      [
        "duplicate ids",
        get({
          MetricDataQueries: [lambda("m1", "Invocations", "Sum", 60), lambda("m1", "Errors", "Sum", 60)],
        }),
        InvalidParameterValueException,
        /unique/,
      ],
      [
        "unknown stat",
        get({ MetricDataQueries: [lambda("m1", "Invocations", "Avg", 60)] }),
        InvalidParameterValueException,
        /Avg/,
      ],
      [
        "start after end",
        get({
          StartTime: new Date(NOW),
          EndTime: new Date(NOW - HOUR),
          MetricDataQueries: [lambda("m1", "Invocations", "Sum", 60)],
        }),
        InvalidParameterValueException,
        /StartTime/,
      ],
      [
        "neither MetricStat nor Expression",
        get({ MetricDataQueries: [{ Id: "m1" }] }),
        ValidationException,
        /MetricStat is required/,
      ],
      [
        "both MetricStat and Expression",
        get({ MetricDataQueries: [lambda("m1", "Invocations", "Sum", 60, { Expression: "1" })] }),
        InvalidParameterCombinationException,
        /mutually exclusive/,
      ],
      ["no queries", get({ MetricDataQueries: [] }), MissingRequiredParameterException, /MetricDataQueries/],
      [
        "expression with an unknown id",
        get({ MetricDataQueries: [{ Id: "e1", Expression: "m9 * 2" }] }),
        ValidationException,
        /m9/,
      ],
      [
        "made-up NextToken",
        get({ MetricDataQueries: [lambda("m1", "Invocations", "Sum", 60)], NextToken: "bm90LWEtdG9rZW4" }),
        InvalidNextToken,
        /NextToken/,
      ],
    ];
    for (const [name, promise, type, message] of cases) {
      await assert.rejects(
        promise,
        (err: unknown) => err instanceof type && message.test((err as Error).message),
        name,
      );
    }
  });

  it("rejects a NextToken replayed with different queries", async () => {
    // Prepare
    const first = await get({
      MetricDataQueries: [lambda("inv", "Invocations", "Sum", 60)],
      MaxDatapoints: 10,
    });
    assert.ok(first.NextToken);
    // Act
    const replay = get({
      MetricDataQueries: [lambda("inv", "Errors", "Sum", 60)],
      MaxDatapoints: 10,
      NextToken: first.NextToken,
    });
    // Assess
    await assert.rejects(replay, InvalidNextToken);
  });

  it("answers unknown metrics and dimensions with an empty, Complete result", async () => {
    // Act
    const out = await get({
      MetricDataQueries: [
        lambda("nope", "NoSuchMetric", "Sum", 300),
        {
          Id: "other",
          MetricStat: {
            Metric: {
              Namespace: "AWS/Lambda",
              MetricName: "Invocations",
              Dimensions: [{ Name: "FunctionName", Value: "missing-fn" }],
            },
            Period: 300,
            Stat: "Sum",
          },
        },
      ],
    });
    // Assess
    for (const r of out.MetricDataResults!) {
      assert.equal(r.StatusCode, "Complete");
      assert.deepEqual(r.Values, []);
    }
  });

  it("returns no data for a period too fine for the data's age (1-minute data is kept 15 days)", async () => {
    // Prepare: a window 20 days ago
    const start = new Date(NOW - 20 * 24 * HOUR);
    const end = new Date(NOW - 20 * 24 * HOUR + 2 * HOUR);
    // Act
    const fine = await get({
      StartTime: start,
      EndTime: end,
      MetricDataQueries: [lambda("m1", "Invocations", "Sum", 60)],
    });
    const coarse = await get({
      StartTime: start,
      EndTime: end,
      MetricDataQueries: [lambda("m1", "Invocations", "Sum", 300)],
    });
    // Assess
    assert.deepEqual(fine.MetricDataResults![0]!.Values, []);
    assert.equal(coarse.MetricDataResults![0]!.Values!.length, 24);
    assert.equal(
      coarse.MetricDataResults![0]!.Values!.reduce((a, b) => a + b, 0),
      ended("twin-api", start.getTime(), end.getTime()).length,
    );
  });

  it("serves 30 days at a 1-hour period with every invocation counted", async () => {
    // Prepare
    const start = NOW - 30 * 24 * HOUR;
    const expected = ended("twin-api", start, NOW).length;
    // Act
    const out = await get({
      StartTime: new Date(start),
      EndTime: new Date(NOW),
      MetricDataQueries: [lambda("inv", "Invocations", "Sum", 3600), lambda("p99", "Duration", "p99", 3600)],
    });
    // Assess
    const inv = out.MetricDataResults![0]!;
    assert.equal(inv.Values!.length, 720);
    assert.equal(
      inv.Values!.reduce((a, b) => a + b, 0),
      expected,
    );
    assert.equal(out.MetricDataResults![1]!.Values!.length, 720);
  });
});
