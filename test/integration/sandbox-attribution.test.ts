/**
 * Cost attribution data in the sandbox (issue #18), through the real SDK clients: Bedrock model
 * invocation log records in CloudWatch Logs (FilterLogEvents, GetLogEvents, Logs Insights), whose
 * token counts agree exactly with AWS/Bedrock metrics for the same calls, with request metadata
 * (tenant) and IAM principals; and Cost Explorer's cost-allocation tags on the bill (profile tags,
 * iamPrincipal/ tags, ListCostAllocationTags, inactive keys). Payloads: test/fixtures/bedrock/.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { BedrockRuntimeClient, ConverseCommand, InvokeModelCommand } from "@aws-sdk/client-bedrock-runtime";
import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from "@aws-sdk/client-cloudwatch";
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  type FilteredLogEvent,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  GetQueryResultsCommand,
  paginateFilterLogEvents,
  StartQueryCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import {
  CostExplorerClient,
  type Expression,
  GetCostAndUsageCommand,
  ListCostAllocationTagsCommand,
  type MetricValue,
  paginateListCostAllocationTags,
} from "@aws-sdk/client-cost-explorer";
import type { ProviderSettings } from "../../server/sandbox/core/settings.ts";
import { type RunningSandbox, sandboxCredentials, startSandbox } from "../../server/sandbox/index.ts";
import { TENANTS } from "../../server/sandbox/workload/attribution.ts";

const NOW = Date.UTC(2026, 10, 18, 15, 30);
const GROUP = "/aws/bedrock/modelinvocations";
const FROM = NOW - 2 * 3_600_000;
const TO = NOW - 3_600_000;
const FIXTURE = JSON.parse(
  readFileSync(
    new URL("../fixtures/bedrock/invocation-logs/nova-lite-converse-stream.json", import.meta.url),
    "utf8",
  ),
) as { record: Record<string, unknown> };

interface LogRecord {
  schemaType: string;
  schemaVersion: string;
  timestamp: string;
  accountId: string;
  identity: { arn: string };
  region: string;
  requestId: string;
  operation: string;
  modelId: string;
  input: { inputTokenCount: number; cacheReadInputTokenCount?: number; cacheWriteInputTokenCount?: number };
  output: { outputTokenCount: number };
  requestMetadata?: Record<string, string>;
  inferenceRegion?: string;
}

/** The ModelId AWS/Bedrock reports for a record's modelId (application profiles: their ID). */
const metricModelId = (id: string) => /:application-inference-profile\/([a-z0-9]+)$/.exec(id)?.[1] ?? id;

type Row = Array<{ field?: string | undefined; value?: string | undefined }>;
const cell = (row: Row, field: string) => row.find((c) => c.field === field)?.value;

describe("model invocation log records in CloudWatch Logs", () => {
  let clock = 0;
  let nowMs = NOW;
  let sandbox: RunningSandbox;
  let logs: CloudWatchLogsClient;
  let cw: CloudWatchClient;
  let runtime: BedrockRuntimeClient;
  let records: LogRecord[] = [];
  const events: FilteredLogEvent[] = [];

  before(async () => {
    sandbox = await startSandbox({
      port: 0,
      now: () => nowMs,
      scenario: "realistic",
      settings: {
        logs: { scheduledMs: 20, runningMs: 20, clock: () => clock },
        bedrock: { latencyScale: 0.01 },
      },
    });
    const common = { region: "us-east-1", endpoint: sandbox.url, credentials: sandboxCredentials() };
    logs = new CloudWatchLogsClient(common);
    cw = new CloudWatchClient(common);
    runtime = new BedrockRuntimeClient(common);
    // Records are written when a call ends; take those of calls that started in [FROM, TO).
    for await (const page of paginateFilterLogEvents(
      { client: logs },
      { logGroupName: GROUP, startTime: FROM, endTime: TO + 5 * 60_000 },
    ))
      events.push(...(page.events ?? []));
    records = events
      .map((e) => JSON.parse(e.message ?? "{}") as LogRecord)
      .filter((r) => Date.parse(r.timestamp) >= FROM && Date.parse(r.timestamp) < TO);
  });

  after(async () => {
    logs.destroy();
    cw.destroy();
    runtime.destroy();
    await sandbox.close();
  });

  it("the group the logging configuration names exists, with Bedrock's one stream", async () => {
    const groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: "/aws/bedrock/" }));
    assert.deepEqual(
      groups.logGroups?.map((g) => g.logGroupName),
      [GROUP],
    );
    const streams = await logs.send(new DescribeLogStreamsCommand({ logGroupName: GROUP }));
    assert.deepEqual(
      streams.logStreams?.map((s) => s.logStreamName),
      ["aws/bedrock/modelinvocations"],
    );
  });

  it("each record has the schema of AWS's records (the fixture's members, without text bodies)", () => {
    assert.ok(records.length > 100, `${records.length} records in an hour`);
    const fixture = FIXTURE.record;
    const fixtureInput = Object.keys(fixture.input as object).filter((k) => k !== "inputBodyJson");
    const fixtureOutput = Object.keys(fixture.output as object).filter((k) => k !== "outputBodyJson");
    for (const r of records) {
      assert.equal(r.schemaType, "ModelInvocationLog");
      assert.equal(r.schemaVersion, "1.0");
      assert.match(r.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.equal(r.accountId, "123456789012");
      assert.match(r.identity.arn, /^arn:aws:(sts|iam)::123456789012:/);
      assert.match(r.requestId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      for (const key of Object.keys(fixture).filter((k) => !["input", "output"].includes(k)))
        assert.ok(key in r, `record lacks ${key}`);
      if (r.operation !== "InvokeModel") assert.deepEqual(Object.keys(r.input).sort(), fixtureInput.sort());
      assert.deepEqual(Object.keys(r.output).sort(), fixtureOutput.sort());
    }
    assert.equal(new Set(records.map((r) => r.requestId)).size, records.length, "request IDs are unique");
  });

  it("calls through application profiles log the profile ARN; cross-Region profiles name the serving Region", () => {
    const ids = new Set(records.map((r) => r.modelId));
    assert.ok(ids.has("arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/twinsupport01"));
    assert.ok(ids.has("arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/twinsearch01"));
    assert.ok(ids.has("amazon.nova-lite-v1:0"));
    const global = records.filter((r) => r.modelId.startsWith("global."));
    assert.ok(global.length > 0 && global.every((r) => typeof r.inferenceRegion === "string"));
    assert.ok(
      records.filter((r) => !/^(us|global)\./.test(r.modelId)).every((r) => r.inferenceRegion === undefined),
    );
  });

  it("token counts per model ID agree exactly with AWS/Bedrock for the same calls", async () => {
    const sums = new Map<string, { n: number; input: number; output: number; cacheRead: number }>();
    for (const r of records) {
      const id = metricModelId(r.modelId);
      const s = sums.get(id) ?? { n: 0, input: 0, output: 0, cacheRead: 0 };
      s.n += 1;
      s.input += r.input.inputTokenCount;
      s.output += r.output.outputTokenCount;
      s.cacheRead += r.input.cacheReadInputTokenCount ?? 0;
      sums.set(id, s);
    }
    assert.ok(sums.size >= 6, [...sums.keys()].join(", "));
    const ids = [...sums.keys()];
    const query = (id: string, key: string, metric: string, stat: string): MetricDataQuery => ({
      Id: key,
      MetricStat: {
        Metric: {
          Namespace: "AWS/Bedrock",
          MetricName: metric,
          Dimensions: [{ Name: "ModelId", Value: id }],
        },
        Period: 3600,
        Stat: stat,
      },
    });
    const out = await cw.send(
      new GetMetricDataCommand({
        StartTime: new Date(FROM),
        EndTime: new Date(TO),
        MetricDataQueries: ids.flatMap((id, i) => [
          query(id, `n${i}`, "InputTokenCount", "SampleCount"),
          query(id, `in${i}`, "InputTokenCount", "Sum"),
          query(id, `out${i}`, "OutputTokenCount", "Sum"),
          query(id, `cr${i}`, "CacheReadInputTokenCount", "Sum"),
        ]),
      }),
    );
    const value = (id: string) =>
      out.MetricDataResults?.find((r) => r.Id === id)?.Values?.reduce((a, b) => a + b, 0) ?? 0;
    ids.forEach((id, i) => {
      const s = sums.get(id)!;
      assert.equal(value(`n${i}`), s.n, `${id} calls`);
      assert.equal(value(`in${i}`), s.input, `${id} input tokens`);
      assert.equal(value(`out${i}`), s.output, `${id} output tokens`);
      assert.equal(value(`cr${i}`), s.cacheRead, `${id} cache read tokens`);
    });
  });

  it("most calls carry a tenant with skewed shares; about one in seven carries no metadata; three principals", () => {
    const byTenant = new Map<string, number>();
    for (const r of records) {
      const t = r.requestMetadata?.tenant ?? "";
      byTenant.set(t, (byTenant.get(t) ?? 0) + 1);
    }
    assert.deepEqual([...byTenant.keys()].filter(Boolean).sort(), TENANTS.map(([t]) => t).sort());
    const share = (t: string) => (byTenant.get(t) ?? 0) / records.length;
    assert.ok(
      share("acme") > share("globex") && share("globex") > share("hooli"),
      JSON.stringify([...byTenant]),
    );
    assert.ok(share("") > 0.05 && share("") < 0.3, `no metadata: ${share("")}`);
    const principals = new Set(records.map((r) => r.identity.arn));
    assert.deepEqual([...principals].sort(), [
      "arn:aws:iam::123456789012:user/dana.ops",
      "arn:aws:sts::123456789012:assumed-role/twin-api-execution-role/twin-api",
      "arn:aws:sts::123456789012:assumed-role/twin-search-indexer/indexer-batch",
    ]);
  });

  it("Logs Insights discovers the JSON fields: tokens by requestMetadata.tenant add up to the records", async () => {
    const start = await logs.send(
      new StartQueryCommand({
        logGroupName: GROUP,
        startTime: FROM / 1000,
        endTime: (TO + 5 * 60_000) / 1000,
        queryString:
          "stats sum(input.inputTokenCount) as tokens, count(*) as calls by requestMetadata.tenant, identity.arn",
      }),
    );
    let rows: Row[] = [];
    for (;;) {
      const out = await logs.send(new GetQueryResultsCommand({ queryId: start.queryId }));
      if (out.status === "Complete") {
        rows = (out.results ?? []) as Row[];
        break;
      }
      assert.ok(out.status === "Scheduled" || out.status === "Running", out.status);
      clock += 25;
    }
    const all = events.map((e) => JSON.parse(e.message ?? "{}") as LogRecord);
    const expected = new Map<string, number>();
    for (const r of all) {
      const key = `${r.requestMetadata?.tenant ?? ""}|${r.identity.arn}`;
      expected.set(key, (expected.get(key) ?? 0) + r.input.inputTokenCount);
    }
    const got = new Map(
      rows.map((row) => [
        `${cell(row, "requestMetadata.tenant") ?? ""}|${cell(row, "identity.arn")}`,
        Number(cell(row, "tokens")),
      ]),
    );
    assert.deepEqual(got, expected);
  });

  it("a live Converse call with requestMetadata through a profile is logged with its metadata and caller", async () => {
    const reply = await runtime.send(
      new ConverseCommand({
        modelId: "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/twinsupport01",
        messages: [{ role: "user", content: [{ text: "Where is my order?" }] }],
        requestMetadata: { tenant: "acme", feature: "bench" },
      }),
    );
    const requestId = reply.$metadata.requestId;
    // The record is written when the call ends: look a minute later.
    nowMs = NOW + 60_000;
    const stream = await logs.send(
      new GetLogEventsCommand({
        logGroupName: GROUP,
        logStreamName: "aws/bedrock/modelinvocations",
        startTime: NOW - 60_000,
        endTime: NOW + 60_000,
        startFromHead: false,
      }),
    );
    const mine = (stream.events ?? [])
      .map((e) => JSON.parse(e.message ?? "{}") as LogRecord)
      .find((r) => r.requestMetadata?.feature === "bench");
    assert.ok(mine, `record of ${requestId}`);
    assert.deepEqual(mine.requestMetadata, { tenant: "acme", feature: "bench" });
    assert.equal(mine.identity.arn, "arn:aws:iam::123456789012:user/bedrock-ops-sandbox");
    assert.equal(
      mine.modelId,
      "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/twinsupport01",
    );
    assert.equal(mine.input.inputTokenCount, reply.usage?.inputTokens);
    assert.equal(mine.output.outputTokenCount, reply.usage?.outputTokens);
  });

  it("InvokeModel's X-Amzn-Bedrock-Request-Metadata header is logged as the record's requestMetadata", async () => {
    nowMs = NOW + 60_000;
    await runtime.send(
      new InvokeModelCommand({
        modelId: "amazon.nova-micro-v1:0",
        contentType: "application/json",
        body: JSON.stringify({ messages: [{ role: "user", content: [{ text: "Hello there" }] }] }),
        requestMetadata: JSON.stringify({ tenant: "globex", feature: "invoke-header" }),
      }),
    );
    nowMs = NOW + 120_000;
    const out = await logs.send(
      new FilterLogEventsCommand({ logGroupName: GROUP, startTime: NOW + 60_000, endTime: NOW + 120_000 }),
    );
    const mine = (out.events ?? [])
      .map((e) => JSON.parse(e.message ?? "{}") as LogRecord)
      .find((r) => r.requestMetadata?.feature === "invoke-header");
    assert.ok(mine);
    assert.equal(mine.operation, "InvokeModel");
    assert.deepEqual(mine.requestMetadata, { tenant: "globex", feature: "invoke-header" });
    await assert.rejects(
      runtime.send(
        new InvokeModelCommand({
          modelId: "amazon.nova-micro-v1:0",
          contentType: "application/json",
          body: JSON.stringify({ messages: [{ role: "user", content: [{ text: "Hi" }] }] }),
          requestMetadata: "tenant=globex",
        }),
      ),
      (err: Error) => err.name === "ValidationException",
    );
  });
});

describe("invocation logging switched off", () => {
  it("has no invocation log group", async () => {
    const sandbox = await startSandbox({
      port: 0,
      now: () => NOW,
      scenario: "realistic",
      settings: { bedrockControl: { invocationLogging: false } },
    });
    const logs = new CloudWatchLogsClient({
      region: "us-east-1",
      endpoint: sandbox.url,
      credentials: sandboxCredentials(),
    });
    try {
      const groups = await logs.send(new DescribeLogGroupsCommand({}));
      assert.deepEqual(
        groups.logGroups?.map((g) => g.logGroupName),
        ["/aws/lambda/twin-api"],
      );
      await assert.rejects(
        logs.send(new DescribeLogStreamsCommand({ logGroupName: GROUP })),
        (err: Error) => err.name === "ResourceNotFoundException",
      );
    } finally {
      logs.destroy();
      await sandbox.close();
    }
  });
});

describe("Cost Explorer cost-allocation tags on the realistic bill", () => {
  const DAY_MS = 86_400_000;
  const YESTERDAY = { Start: "2026-11-17", End: "2026-11-18" };
  const BEDROCK: Expression = { Dimensions: { Key: "SERVICE", Values: ["Amazon Bedrock"] } };
  const costFixture = JSON.parse(
    readFileSync(new URL("../fixtures/bedrock/cost-allocation.json", import.meta.url), "utf8"),
  ) as { ListCostAllocationTags: { CostAllocationTags: Array<Record<string, string>> } };
  let sandbox: RunningSandbox;
  let ce: CostExplorerClient;
  const amount = (m: Record<string, MetricValue> | undefined) =>
    Number(m?.UnblendedCost?.Amount ?? Number.NaN);
  const groups = async (key: string, filter: Expression = BEDROCK) => {
    const out = await ce.send(
      new GetCostAndUsageCommand({
        TimePeriod: YESTERDAY,
        Granularity: "DAILY",
        Metrics: ["UnblendedCost"],
        Filter: filter,
        GroupBy: [{ Type: "TAG", Key: key }],
      }),
    );
    return new Map(out.ResultsByTime?.[0]?.Groups?.map((g) => [g.Keys?.[0] ?? "", amount(g.Metrics)]));
  };
  const total = async (filter: Expression = BEDROCK) => {
    const out = await ce.send(
      new GetCostAndUsageCommand({
        TimePeriod: YESTERDAY,
        Granularity: "DAILY",
        Metrics: ["UnblendedCost"],
        Filter: filter,
      }),
    );
    return amount(out.ResultsByTime?.[0]?.Total);
  };
  const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-6, `${a} != ${b}`);

  async function open(settings: ProviderSettings = {}) {
    sandbox = await startSandbox({ port: 0, now: () => NOW, scenario: "realistic", settings });
    ce = new CostExplorerClient({
      region: "us-east-1",
      endpoint: sandbox.url,
      credentials: sandboxCredentials(),
    });
  }
  async function close_() {
    ce.destroy();
    await sandbox.close();
  }

  it("groups Bedrock by team: the profiles' teams, the rest under team$, adding up to the total", async () => {
    await open();
    try {
      const byTeam = await groups("team");
      assert.deepEqual([...byTeam.keys()].sort(), ["team$", "team$search", "team$support"]);
      close(sum(byTeam), await total());
      // team$support is exactly the Nova Pro spend of calls through twinsupport01 (Nova Pro prices).
      const day = Date.UTC(2026, 10, 17);
      const calls = sandbox.workload.bedrockCalls("twinsupport01", day, day + DAY_MS);
      const input = calls.reduce((a, c) => a + c.inputTokens, 0);
      const output = calls.reduce((a, c) => a + c.outputTokens, 0);
      close(byTeam.get("team$support") ?? 0, (input * 0.8 + output * 3.2) / 1e6);
      const byApp = await groups("app");
      close(byApp.get("app$twin-support") ?? 0, byTeam.get("team$support") ?? 0);
      // A Tags filter selects the same spend; "" selects the untagged lines.
      close(
        await total({ And: [BEDROCK, { Tags: { Key: "team", Values: ["support"] } }] }),
        byTeam.get("team$support") ?? 0,
      );
      close(
        await total({ And: [BEDROCK, { Tags: { Key: "team", Values: [""] } }] }),
        byTeam.get("team$") ?? 0,
      );
      close(
        await total({ And: [BEDROCK, { Tags: { Key: "team", MatchOptions: ["ABSENT"] } }] }),
        byTeam.get("team$") ?? 0,
      );
    } finally {
      await close_();
    }
  });

  it("groups by the IAM principal tags Bedrock copies to the bill (iamPrincipal/team)", async () => {
    await open();
    try {
      const byPrincipalTeam = await groups("iamPrincipal/team");
      assert.deepEqual([...byPrincipalTeam.keys()].sort(), [
        "iamPrincipal/team$",
        "iamPrincipal/team$platform",
        "iamPrincipal/team$search",
      ]);
      close(sum(byPrincipalTeam), await total());
      assert.ok(
        (byPrincipalTeam.get("iamPrincipal/team$platform") ?? 0) >
          (byPrincipalTeam.get("iamPrincipal/team$") ?? 0),
      );
      // Lambda, S3 and the rest carry no tags: the whole bill still sums to the same total.
      const all = await groups("team", { Dimensions: { Key: "RECORD_TYPE", Values: ["Usage"] } });
      close(sum(all), await total({ Dimensions: { Key: "RECORD_TYPE", Values: ["Usage"] } }));
    } finally {
      await close_();
    }
  });

  it("ListCostAllocationTags lists the keys in AWS's shape, filters by status and type, and pages", async () => {
    await open();
    try {
      const out = await ce.send(new ListCostAllocationTagsCommand({}));
      const tags = out.CostAllocationTags ?? [];
      const fixtureKeys = Object.keys(costFixture.ListCostAllocationTags.CostAllocationTags[0] ?? {}).sort();
      const team = tags.find((t) => t.TagKey === "team");
      assert.ok(team);
      for (const key of fixtureKeys) assert.ok(key in team, `CostAllocationTag lacks ${key}`);
      assert.deepEqual(
        tags.map((t) => [t.TagKey, t.Type, t.Status]),
        [
          ["app", "UserDefined", "Active"],
          ["aws:createdBy", "AWSGenerated", "Inactive"],
          ["iamPrincipal/cost-center", "UserDefined", "Active"],
          ["iamPrincipal/team", "UserDefined", "Active"],
          ["team", "UserDefined", "Active"],
        ],
      );
      const inactive = await ce.send(new ListCostAllocationTagsCommand({ Status: "Inactive" }));
      assert.deepEqual(
        inactive.CostAllocationTags?.map((t) => t.TagKey),
        ["aws:createdBy"],
      );
      const generated = await ce.send(new ListCostAllocationTagsCommand({ Type: "AWSGenerated" }));
      assert.deepEqual(
        generated.CostAllocationTags?.map((t) => t.TagKey),
        ["aws:createdBy"],
      );
      const paged: string[] = [];
      for await (const page of paginateListCostAllocationTags({ client: ce, pageSize: 2 }, {}))
        paged.push(...(page.CostAllocationTags ?? []).map((t) => t.TagKey ?? ""));
      assert.deepEqual(
        paged,
        tags.map((t) => t.TagKey),
      );
    } finally {
      await close_();
    }
  });

  it("an inactive tag key is listed Inactive and Cost Explorer no longer groups or filters by it", async () => {
    await open({ costExplorer: { costAllocationTags: { team: "Inactive" } } });
    try {
      const listed = await ce.send(new ListCostAllocationTagsCommand({ TagKeys: ["team"] }));
      assert.equal(listed.CostAllocationTags?.[0]?.Status, "Inactive");
      const byTeam = await groups("team");
      assert.deepEqual([...byTeam.keys()], ["team$"]);
      close(byTeam.get("team$") ?? 0, await total());
      assert.equal(await total({ And: [BEDROCK, { Tags: { Key: "team", Values: ["support"] } }] }), 0);
      const byApp = await groups("app");
      assert.ok(byApp.has("app$twin-support"), "other keys stay active");
    } finally {
      await close_();
    }
  });
});
