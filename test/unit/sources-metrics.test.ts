/**
 * GetMetricData batching, pagination and period choice, with a fake client answering AWS's
 * published response shape.
 *
 * Fixture: the GetMetricData response in the CloudWatch API Reference
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html,
 * "Examples"): MetricDataResults of {Id, Label, Timestamps, Values, StatusCode: "Complete"}, and
 * NextToken when more pages remain.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type {
  CloudWatchClient,
  GetMetricDataCommandInput,
  GetMetricDataCommandOutput,
} from "@aws-sdk/client-cloudwatch";
import { parseConfig } from "../../server/config.ts";
import { SourceError } from "../../server/sources/errors.ts";
import { getMetricData, type MetricRequest, zeroFill } from "../../server/sources/metric-data.ts";
import { maxPointsFor, planSeries, quotaPeriod, rebin } from "../../server/sources/metrics.ts";
import { choosePeriod, explicitRange, presetRange, retentionFloor } from "../../server/sources/range.ts";

interface Sent {
  region: string;
  input: GetMetricDataCommandInput;
}

function fakeCloudWatch(sent: Sent[], pages = 1) {
  return (region: string) =>
    ({
      send: async (command: { input: GetMetricDataCommandInput }) => {
        sent.push({ region, input: command.input });
        const page = command.input.NextToken ? Number(command.input.NextToken) : 0;
        const t0 = (command.input.StartTime as Date).getTime();
        const out: Partial<GetMetricDataCommandOutput> = {
          MetricDataResults: (command.input.MetricDataQueries ?? []).map((q) => ({
            Id: q.Id,
            Label: "Invocations",
            Timestamps: [new Date(t0 + page * 60_000)],
            Values: [page + 1],
            StatusCode: page + 1 < pages ? "PartialData" : "Complete",
            Messages: [],
          })),
        };
        if (page + 1 < pages) out.NextToken = String(page + 1);
        return out;
      },
    }) as unknown as CloudWatchClient;
}

function requests(n: number, region = "us-east-1"): MetricRequest[] {
  return Array.from({ length: n }, (_, i) => ({
    key: `k${i}`,
    region,
    namespace: "AWS/Lambda",
    metricName: "Invocations",
    dimensions: { FunctionName: `fn-${i}` },
    stat: "Sum" as const,
  }));
}

const START = new Date("2026-11-18T12:00:00Z");
const END = new Date("2026-11-18T13:00:00Z");

describe("getMetricData", () => {
  test("1,001 series take ceil(1001 / 500) = 3 calls of at most 500 queries", async () => {
    const sent: Sent[] = [];
    const out = await getMetricData(fakeCloudWatch(sent), requests(1001), START, END, 60);
    assert.equal(out.calls, 3);
    assert.deepEqual(
      sent.map((s) => s.input.MetricDataQueries?.length),
      [500, 500, 1],
    );
    assert.equal(out.points.size, 1001);
    assert.deepEqual(out.points.get("k1000"), [[START.getTime(), 1]]);
  });

  test("NextToken is followed until the last page and the pages' points are merged in time order", async () => {
    const sent: Sent[] = [];
    const out = await getMetricData(fakeCloudWatch(sent, 3), requests(2), START, END, 60);
    assert.equal(out.calls, 3);
    assert.deepEqual(
      sent.map((s) => s.input.NextToken),
      [undefined, "1", "2"],
    );
    assert.deepEqual(out.points.get("k0"), [
      [START.getTime(), 1],
      [START.getTime() + 60_000, 2],
      [START.getTime() + 120_000, 3],
    ]);
    assert.deepEqual(out.partial, []);
  });

  test("series in two regions are two calls, each to its own region's client", async () => {
    const sent: Sent[] = [];
    const out = await getMetricData(
      fakeCloudWatch(sent),
      [...requests(3, "us-east-1"), ...requests(2, "eu-west-1")],
      START,
      END,
      300,
    );
    assert.equal(out.calls, 2);
    assert.deepEqual(
      sent.map((s) => [
        s.region,
        s.input.MetricDataQueries?.length,
        s.input.MetricDataQueries?.[0]?.MetricStat?.Period,
      ]),
      [
        ["us-east-1", 3, 300],
        ["eu-west-1", 2, 300],
      ],
    );
  });

  test("query Ids are valid CloudWatch Ids (start with a lower-case letter)", async () => {
    const sent: Sent[] = [];
    await getMetricData(fakeCloudWatch(sent), requests(3), START, END, 60);
    for (const q of sent[0]!.input.MetricDataQueries ?? []) assert.match(q.Id ?? "", /^[a-z][a-zA-Z0-9_]*$/);
  });
});

describe("planSeries", () => {
  test("6 Lambda series per function (the ones the page draws), 10 Bedrock and 3 quota series per model, Lambda in its region and Bedrock in its own", () => {
    const config = parseConfig({
      aws: { region: "us-east-1" },
      lambda: { region: "eu-west-1", functions: [{ name: "twin-api" }] },
      bedrock: {
        region: "us-west-2",
        models: [{ id: "amazon.nova-lite-v1:0", profile: "us" }, { id: "amazon.nova-pro-v1:0" }],
      },
    });
    const plan = planSeries(config);
    assert.equal(plan.length, 6 + 2 * 10 + 2 * 3);
    assert.deepEqual(
      plan
        .filter((p) => p.kind === "quota" && p.resource === "amazon.nova-pro-v1:0")
        .map((p) => p.metricName),
      ["EstimatedTPMQuotaUsage", "Invocations", "InvocationThrottles"],
    );
    assert.ok(plan.filter((p) => p.kind === "lambda").every((p) => p.region === "eu-west-1"));
    assert.ok(plan.filter((p) => p.kind === "bedrock").every((p) => p.region === "us-west-2"));
    assert.deepEqual(
      [...new Set(plan.filter((p) => p.kind === "bedrock").map((p) => p.dimensions.ModelId))],
      ["us.amazon.nova-lite-v1:0", "amazon.nova-pro-v1:0"],
    );
    assert.deepEqual(
      planSeries(config, { models: ["amazon.nova-pro-v1:0"], functions: ["none"] }).length,
      13,
    );
  });
});

describe("rebin", () => {
  test("sums one-minute points into the periods from the range's start, empty periods left out", () => {
    const start = new Date("2026-11-18T00:00:00Z");
    const t = (minute: number) => start.getTime() + minute * 60_000;
    const points: Array<[number, number]> = [
      [t(0), 2],
      [t(1), 3],
      [t(4), 5],
      [t(5), 7],
      [t(14), 1],
    ];
    assert.deepEqual(rebin(points, start, 300), [
      [t(0), 10],
      [t(5), 7],
      [t(10), 1],
    ]);
    assert.deepEqual(rebin(points, start, 60), points);
    assert.deepEqual(rebin([], start, 300), []);
  });
});

describe("period choice", () => {
  const now = new Date("2026-11-18T15:30:00Z");

  test("presets get 1-minute data up to a day, then coarser periods within 1,440 points", () => {
    assert.equal(presetRange("1h", now).periodSeconds, 60);
    assert.equal(presetRange("24h", now).periodSeconds, 60);
    assert.equal(presetRange("7d", now).periodSeconds, 900);
    assert.equal(presetRange("30d", now).periodSeconds, 3600);
  });

  test("retention: data older than 15 days needs >= 5 minutes, older than 63 days >= 1 hour", () => {
    assert.equal(retentionFloor(new Date("2026-11-10T00:00:00Z"), now), 60);
    assert.equal(retentionFloor(new Date("2026-10-20T00:00:00Z"), now), 300);
    assert.equal(retentionFloor(new Date("2026-08-01T00:00:00Z"), now), 3600);
    const oldHour = choosePeriod(new Date("2026-10-20T10:00:00Z"), new Date("2026-10-20T11:00:00Z"), now);
    assert.equal(oldHour, 300);
  });

  test("ranges are aligned outward to whole periods", () => {
    const r = explicitRange(new Date("2026-11-18T10:00:30Z"), new Date("2026-11-18T10:59:10Z"), now);
    assert.equal(r.start.toISOString(), "2026-11-18T10:00:00.000Z");
    assert.equal(r.end.toISOString(), "2026-11-18T11:00:00.000Z");
  });

  test("the point budget keeps one call under 100,800 datapoints", () => {
    assert.equal(maxPointsFor(39), 1440);
    assert.equal(maxPointsFor(500), 201);
    assert.equal(maxPointsFor(2000), 201);
  });

  test("zeroFill adds the periods CloudWatch omitted", () => {
    const t = START.getTime();
    assert.deepEqual(zeroFill([[t + 60_000, 4]], START, new Date(t + 180_000), 60), [
      [t, 0],
      [t + 60_000, 4],
      [t + 120_000, 0],
    ]);
  });
});

describe("failures", () => {
  test("access denied names the AWS error and the IAM permission to grant", async () => {
    const denied = () =>
      ({
        send: async () => {
          throw Object.assign(
            new Error(
              "User: arn:aws:iam::123456789012:user/ops is not authorized to perform: cloudwatch:GetMetricData",
            ),
            {
              name: "AccessDenied",
            },
          );
        },
      }) as unknown as CloudWatchClient;
    await assert.rejects(getMetricData(denied, requests(1), START, END, 60), (err: unknown) => {
      assert.ok(err instanceof SourceError);
      assert.equal(err.code, "AccessDenied");
      assert.equal(err.permission, "cloudwatch:GetMetricData");
      assert.match(err.message, /grant cloudwatch:GetMetricData/);
      return true;
    });
  });
});

describe("quotaPeriod", () => {
  const now = new Date("2026-11-30T08:05:00Z");
  const range = (hours: number, periodSeconds: number) => ({
    start: new Date(now.getTime() - hours * 3_600_000 - periodSeconds * 1000),
    end: now,
    preset: null,
    periodSeconds,
  });

  test("the 24 h preset, aligned outwards to its 5-minute period, still gets per-minute quota series", () => {
    assert.equal(quotaPeriod(range(24, 300), now, 1_550), 60);
  });

  test("a 7-day range gets the range's period, and so does a 24 h range whose minutes exceed the datapoint budget", () => {
    assert.equal(quotaPeriod(range(24 * 7, 3600), now, 1_550), 3600);
    assert.equal(quotaPeriod(range(24, 300), now, 1_000), 300);
  });
});
