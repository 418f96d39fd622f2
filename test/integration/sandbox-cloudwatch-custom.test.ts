/**
 * The real @aws-sdk/client-cloudwatch against the sandbox: PutMetricData round trips through
 * GetMetricData, GetMetricStatistics and ListMetrics; dashboards round trip; reset clears both.
 */
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import {
  CloudWatchClient,
  DashboardInvalidInputError,
  DeleteDashboardsCommand,
  GetDashboardCommand,
  GetMetricDataCommand,
  GetMetricStatisticsCommand,
  InvalidParameterCombinationException,
  InvalidParameterValueException,
  ListDashboardsCommand,
  ListMetricsCommand,
  PutDashboardCommand,
  PutMetricDataCommand,
  ResourceNotFound,
} from "@aws-sdk/client-cloudwatch";
import { type RunningSandbox, sandboxCredentials, startSandbox } from "../../server/sandbox/index.ts";

const NOW = Date.UTC(2026, 10, 18, 15, 30);
const MIN = 60_000;
const NS = "BedrockOps/Benchmarks";
const DIMS = [
  { Name: "Model", Value: "amazon.nova-lite-v1:0" },
  { Name: "Suite", Value: "smoke" },
];

describe("sandbox CloudWatch custom metrics and dashboards", () => {
  let sandbox: RunningSandbox;
  let cw: CloudWatchClient;

  before(async () => {
    sandbox = await startSandbox({ port: 0, now: () => NOW });
    cw = new CloudWatchClient({
      region: "us-east-1",
      endpoint: sandbox.url,
      credentials: sandboxCredentials(),
      maxAttempts: 1,
    });
  });
  beforeEach(() => sandbox.reset());
  after(async () => {
    cw.destroy();
    await sandbox.close();
  });

  it("stores PutMetricData values and answers GetMetricData from them", async () => {
    // Prepare: 10 latencies at 15:10 (100..1000 ms) and a statistic set at 15:20
    await cw.send(
      new PutMetricDataCommand({
        Namespace: NS,
        MetricData: [
          {
            MetricName: "LatencyP90",
            Dimensions: DIMS,
            Timestamp: new Date(NOW - 20 * MIN),
            Unit: "Milliseconds",
            Values: [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000],
          },
          {
            MetricName: "LatencyP90",
            Dimensions: [...DIMS].reverse(),
            Timestamp: new Date(NOW - 10 * MIN),
            Unit: "Milliseconds",
            StatisticValues: { SampleCount: 2, Sum: 3000, Minimum: 1000, Maximum: 2000 },
          },
        ],
      }),
    );
    const metric = { Namespace: NS, MetricName: "LatencyP90", Dimensions: DIMS };
    // Act
    const out = await cw.send(
      new GetMetricDataCommand({
        StartTime: new Date(NOW - 30 * MIN),
        EndTime: new Date(NOW),
        ScanBy: "TimestampAscending",
        MetricDataQueries: [
          { Id: "avg", MetricStat: { Metric: metric, Period: 600, Stat: "Average" } },
          { Id: "p90", MetricStat: { Metric: metric, Period: 600, Stat: "p90" } },
          { Id: "sec", MetricStat: { Metric: metric, Period: 600, Stat: "Average", Unit: "Seconds" } },
        ],
      }),
    );
    // Assess
    const [avg, p90, sec] = out.MetricDataResults!;
    assert.deepEqual(
      avg!.Timestamps!.map((t) => t.getTime()),
      [NOW - 20 * MIN, NOW - 10 * MIN],
    );
    assert.deepEqual(avg!.Values, [550, 1500]);
    assert.deepEqual(p90!.Values, [900], "percentiles come from the values, not from statistic sets");
    assert.deepEqual(sec!.Values, [], "a unit that does not match the stored data gives no data");
  });

  it("answers GetMetricStatistics with statistics and percentiles, and rejects more than 1440 datapoints", async () => {
    // Prepare
    await cw.send(
      new PutMetricDataCommand({
        Namespace: NS,
        MetricData: [
          {
            MetricName: "Cost",
            Dimensions: DIMS,
            Timestamp: new Date(NOW - 5 * MIN),
            Values: [1, 2, 3, 4],
            Counts: [1, 1, 1, 7],
            Unit: "None",
          },
        ],
      }),
    );
    // Act
    const out = await cw.send(
      new GetMetricStatisticsCommand({
        Namespace: NS,
        MetricName: "Cost",
        Dimensions: DIMS,
        StartTime: new Date(NOW - 60 * MIN),
        EndTime: new Date(NOW),
        Period: 3600,
        Statistics: ["Sum", "SampleCount"],
        ExtendedStatistics: ["p50"],
      }),
    );
    const tooMany = cw.send(
      new GetMetricStatisticsCommand({
        Namespace: NS,
        MetricName: "Cost",
        StartTime: new Date(NOW - 2 * 86_400_000),
        EndTime: new Date(NOW),
        Period: 60,
        Statistics: ["Sum"],
      }),
    );
    // Assess: 1 + 2 + 3 + 4*7 = 34 over 10 samples; p50 is rank 5 -> 4
    assert.equal(out.Label, "Cost");
    assert.equal(out.Datapoints?.length, 1);
    assert.equal(out.Datapoints?.[0]?.Sum, 34);
    assert.equal(out.Datapoints?.[0]?.SampleCount, 10);
    assert.equal(out.Datapoints?.[0]?.ExtendedStatistics?.p50, 4);
    await assert.rejects(
      tooMany,
      (e: unknown) => e instanceof InvalidParameterCombinationException && /2880 datapoints/.test(e.message),
    );
  });

  it("lists workload and custom metrics with namespace and dimension filters", async () => {
    // Prepare
    await cw.send(
      new PutMetricDataCommand({
        Namespace: NS,
        MetricData: [{ MetricName: "Requests", Dimensions: DIMS, Value: 3 }],
      }),
    );
    // Act
    const lambda = await cw.send(
      new ListMetricsCommand({
        Namespace: "AWS/Lambda",
        Dimensions: [{ Name: "FunctionName", Value: "twin-api" }],
      }),
    );
    const bedrock = await cw.send(
      new ListMetricsCommand({ Namespace: "AWS/Bedrock", MetricName: "InvocationLatency" }),
    );
    const custom = await cw.send(new ListMetricsCommand({ Namespace: NS, Dimensions: [{ Name: "Suite" }] }));
    // Assess
    assert.deepEqual(lambda.Metrics?.map((m) => m.MetricName).sort(), [
      "ConcurrentExecutions",
      "Duration",
      "Errors",
      "Invocations",
      "Throttles",
    ]);
    assert.deepEqual(
      bedrock.Metrics?.map((m) => m.Dimensions?.[0]?.Value ?? "(all models)"),
      ["amazon.nova-micro-v1:0", "amazon.nova-lite-v1:0", "amazon.nova-pro-v1:0", "(all models)"],
    );
    assert.deepEqual(custom.Metrics, [{ Namespace: NS, MetricName: "Requests", Dimensions: DIMS }]);
  });

  it("rejects PutMetricData into AWS/ namespaces and malformed data with typed exceptions", async () => {
    const cases: Array<[string, Promise<unknown>, new (...args: never[]) => Error, RegExp]> = [
      [
        "AWS/ namespace",
        cw.send(
          new PutMetricDataCommand({
            Namespace: "AWS/Lambda",
            MetricData: [{ MetricName: "Invocations", Value: 1 }],
          }),
        ),
        InvalidParameterValueException,
        /AWS\/Lambda/,
      ],
      [
        "Values and Counts of different sizes",
        cw.send(
          new PutMetricDataCommand({
            Namespace: NS,
            MetricData: [{ MetricName: "X", Values: [1, 2], Counts: [1] }],
          }),
        ),
        InvalidParameterValueException,
        /Counts/,
      ],
      [
        "Value and StatisticValues together",
        cw.send(
          new PutMetricDataCommand({
            Namespace: NS,
            MetricData: [
              {
                MetricName: "X",
                Value: 1,
                StatisticValues: { SampleCount: 1, Sum: 1, Minimum: 1, Maximum: 1 },
              },
            ],
          }),
        ),
        InvalidParameterCombinationException,
        /mutually exclusive/,
      ],
      [
        "a timestamp three weeks old",
        cw.send(
          new PutMetricDataCommand({
            Namespace: NS,
            MetricData: [{ MetricName: "X", Value: 1, Timestamp: new Date(NOW - 21 * 86_400_000) }],
          }),
        ),
        InvalidParameterValueException,
        /two weeks/,
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

  it("round-trips dashboards: put, get, list by prefix, delete", async () => {
    // Prepare
    const body = JSON.stringify({
      widgets: [
        {
          type: "metric",
          x: 0,
          y: 0,
          width: 12,
          height: 6,
          properties: {
            metrics: [["AWS/Lambda", "Invocations", "FunctionName", "twin-api"]],
            period: 300,
            stat: "Sum",
            region: "us-east-1",
          },
        },
      ],
    });
    // Act
    const put = await cw.send(
      new PutDashboardCommand({ DashboardName: "twin-monitoring", DashboardBody: body }),
    );
    await cw.send(
      new PutDashboardCommand({ DashboardName: "other", DashboardBody: JSON.stringify({ widgets: [] }) }),
    );
    const got = await cw.send(new GetDashboardCommand({ DashboardName: "twin-monitoring" }));
    const listed = await cw.send(new ListDashboardsCommand({ DashboardNamePrefix: "twin" }));
    await cw.send(new DeleteDashboardsCommand({ DashboardNames: ["twin-monitoring"] }));
    const afterDelete = await cw.send(new ListDashboardsCommand({}));
    // Assess
    assert.deepEqual(put.DashboardValidationMessages, []);
    assert.equal(got.DashboardArn, "arn:aws:cloudwatch::123456789012:dashboard/twin-monitoring");
    assert.equal(got.DashboardBody, body);
    assert.equal(listed.DashboardEntries?.length, 1);
    assert.equal(listed.DashboardEntries?.[0]?.Size, Buffer.byteLength(body));
    assert.equal(listed.DashboardEntries?.[0]?.LastModified?.getTime(), NOW);
    assert.deepEqual(
      afterDelete.DashboardEntries?.map((d) => d.DashboardName),
      ["other"],
    );
  });

  it("rejects invalid dashboards and unknown names with the SDK's dashboard errors", async () => {
    // Act
    const invalid = cw.send(
      new PutDashboardCommand({
        DashboardName: "bad",
        DashboardBody: JSON.stringify({ widgets: [{ type: "chart" }] }),
      }),
    );
    const notJson = cw.send(new PutDashboardCommand({ DashboardName: "bad", DashboardBody: "{widgets:" }));
    const missing = cw.send(new GetDashboardCommand({ DashboardName: "nope" }));
    const deleteMissing = cw.send(new DeleteDashboardsCommand({ DashboardNames: ["nope"] }));
    // Assess
    await assert.rejects(
      invalid,
      (e: unknown) =>
        e instanceof DashboardInvalidInputError &&
        e.dashboardValidationMessages?.[0]?.DataPath === "/widgets/0/type",
    );
    await assert.rejects(notJson, DashboardInvalidInputError);
    // On the wire: __type DashboardNotFoundError with x-amzn-query-error ResourceNotFound;Sender, as AWS
    // sends it. The SDK resolves the query code first, and ResourceNotFound is also a modelled error
    // name, so it raises ResourceNotFound (the same class it raises against AWS).
    const notFound = (e: unknown) =>
      e instanceof ResourceNotFound && e.name === "ResourceNotFound" && e.$metadata.httpStatusCode === 404;
    await assert.rejects(missing, notFound);
    await assert.rejects(deleteMissing, (e: unknown) => notFound(e) && /nope/.test((e as Error).message));
  });

  it("forgets dashboards and custom metrics on reset", async () => {
    // Prepare
    await cw.send(
      new PutDashboardCommand({ DashboardName: "temp", DashboardBody: JSON.stringify({ widgets: [] }) }),
    );
    await cw.send(
      new PutMetricDataCommand({ Namespace: NS, MetricData: [{ MetricName: "Requests", Value: 1 }] }),
    );
    // Act
    sandbox.reset();
    // Assess
    assert.deepEqual((await cw.send(new ListDashboardsCommand({}))).DashboardEntries, []);
    assert.deepEqual((await cw.send(new ListMetricsCommand({ Namespace: NS }))).Metrics, []);
  });
});
