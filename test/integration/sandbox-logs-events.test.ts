/**
 * CloudWatch Logs log groups, streams and events against the sandbox through the real
 * @aws-sdk/client-cloudwatch-logs: DescribeLogGroups / DescribeLogStreams pagination,
 * FilterLogEvents patterns and pagination, GetLogEvents, the Lambda line formats, multi-group queries.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  type CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  GetQueryResultsCommand,
  type GetQueryResultsCommandOutput,
  ResourceNotFoundException,
  StartQueryCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { type AwsClients, createAwsClients } from "../../server/aws/clients.ts";
import { type RunningSandbox, sandboxCredentials, startSandbox } from "../../server/sandbox/index.ts";

const NOW = Date.UTC(2026, 10, 18, 15, 30);
const GROUP = "/aws/lambda/twin-api";
// The REPORT line format Lambda writes (https://docs.aws.amazon.com/lambda/latest/dg/python-logging.html).
const REPORT =
  /^REPORT RequestId: [0-9a-f-]{36}\tDuration: \d+\.\d{2} ms\tBilled Duration: \d+ ms\tMemory Size: 512 MB\tMax Memory Used: \d+ MB\t(Init Duration: \d+\.\d{2} ms\t)?\n$/;

describe("sandbox CloudWatch Logs groups, streams and events", () => {
  let sandbox: RunningSandbox;
  let clients: AwsClients;
  let logs: CloudWatchLogsClient;

  before(async () => {
    sandbox = await startSandbox({
      port: 0,
      now: () => NOW,
      functions: ["twin-api", "twin-ingest"],
      settings: { logs: { scheduledMs: 20, runningMs: 20 } },
    });
    clients = createAwsClients({
      region: "us-east-1",
      endpoint: sandbox.url,
      credentials: sandboxCredentials(),
      maxAttempts: 1,
      retryMode: "standard",
    });
    logs = clients.logs();
  });

  after(async () => {
    clients.destroy();
    await sandbox.close();
  });

  it("lists one log group per function, page by page", async () => {
    const first = await logs.send(
      new DescribeLogGroupsCommand({ logGroupNamePrefix: "/aws/lambda/", limit: 1 }),
    );
    assert.equal(first.logGroups?.length, 1);
    assert.ok(first.nextToken);
    const second = await logs.send(
      new DescribeLogGroupsCommand({
        logGroupNamePrefix: "/aws/lambda/",
        limit: 1,
        nextToken: first.nextToken,
      }),
    );
    assert.equal(second.nextToken, undefined);
    const groups = [...(first.logGroups ?? []), ...(second.logGroups ?? [])];
    assert.deepEqual(
      groups.map((g) => g.logGroupName),
      ["/aws/lambda/twin-api", "/aws/lambda/twin-ingest"],
    );
    const g = groups[0]!;
    assert.equal(g.arn, "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/twin-api:*");
    assert.equal(g.logGroupArn, "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/twin-api");
    assert.equal(g.creationTime, sandbox.workload.historyStart());
    assert.ok((g.storedBytes ?? 0) > 1_000_000);
  });

  it("names streams as Lambda does and lists the latest first", async () => {
    const out = await logs.send(
      new DescribeLogStreamsCommand({
        logGroupName: GROUP,
        orderBy: "LastEventTime",
        descending: true,
        limit: 5,
      }),
    );
    assert.equal(out.logStreams?.length, 5);
    for (const s of out.logStreams ?? [])
      assert.match(s.logStreamName ?? "", /^\d{4}\/\d\d\/\d\d\/\[\$LATEST\][0-9a-f]{32}$/);
    const last = out.logStreams!.map((s) => s.lastEventTimestamp ?? 0);
    assert.deepEqual(
      [...last].sort((a, b) => b - a),
      last,
    );
    assert.ok(last[0]! <= NOW && last[0]! > NOW - 10 * 60_000);
  });

  it("writes START, the Bedrock call, END and a real-format REPORT for each invocation", async () => {
    const out = await logs.send(
      new FilterLogEventsCommand({ logGroupName: GROUP, startTime: NOW - 10 * 60_000, endTime: NOW }),
    );
    const events = out.events ?? [];
    const reports = events.filter((e) => e.message?.startsWith("REPORT"));
    const expected = sandbox.workload.invocations("twin-api", NOW - 12 * 60_000, NOW).filter((inv) => {
      const t = Math.round(inv.start + (inv.initMs ?? 0) + inv.durationMs);
      return t >= NOW - 10 * 60_000 && t <= NOW;
    });
    assert.equal(reports.length, expected.length);
    for (const r of reports) assert.match(r.message ?? "", REPORT);
    const inv = expected[0]!;
    const own = events.filter((e) => e.message?.includes(inv.requestId));
    // twin-api has active tracing: an XRAY line comes with REPORT (same timestamp).
    const reportEvent = own.find((e) => e.message?.startsWith("REPORT"));
    const xray = events.find((e) => e.message?.startsWith("XRAY") && e.timestamp === reportEvent?.timestamp);
    assert.match(
      xray?.message ?? "",
      /^XRAY TraceId: 1-[0-9a-f]{8}-[0-9a-f]{24}\tSegmentId: [0-9a-f]{16}\tSampled: true\t\n$/,
    );
    const status = inv.status
      ? `Status: ${inv.status}\t${inv.errorType ? `Error Type: ${inv.errorType}\t` : ""}`
      : "";
    assert.equal(
      own.find((e) => e.message?.startsWith("REPORT"))?.message,
      `REPORT RequestId: ${inv.requestId}\tDuration: ${inv.durationMs.toFixed(2)} ms\tBilled Duration: ${inv.billedMs} ms\tMemory Size: 512 MB\tMax Memory Used: ${inv.maxMemoryMb} MB\t${inv.initMs === undefined ? "" : `Init Duration: ${inv.initMs.toFixed(2)} ms\t`}${status}\n`,
    );
    // INIT is billed since 2025-08-01: Billed Duration covers Init Duration too.
    assert.equal(inv.billedMs, Math.ceil(inv.durationMs + (inv.initMs ?? 0)));
    if (inv.bedrock?.status === "ok") {
      assert.ok(
        own.some((e) =>
          e.message?.includes(
            `Bedrock Converse modelId=${inv.bedrock?.modelId} inputTokens=${inv.bedrock?.inputTokens}`,
          ),
        ),
      );
    }
  });

  it("filters by terms and quoted phrases", async () => {
    const out = await logs.send(
      new FilterLogEventsCommand({
        logGroupName: GROUP,
        startTime: NOW - 30 * 60_000,
        endTime: NOW,
        filterPattern: '"Init Duration" REPORT',
      }),
    );
    const cold = sandbox.workload.invocations("twin-api", NOW - 32 * 60_000, NOW).filter((inv) => {
      const t = Math.round(inv.start + (inv.initMs ?? 0) + inv.durationMs);
      return inv.initMs !== undefined && t >= NOW - 30 * 60_000 && t <= NOW;
    });
    assert.equal(out.events?.length, cold.length);
    for (const e of out.events ?? []) assert.match(e.message ?? "", /^REPORT .*Init Duration/s);
  });

  it("pages FilterLogEvents with nextToken without losing or repeating events", async () => {
    const window = { logGroupName: GROUP, startTime: NOW - 20 * 60_000, endTime: NOW };
    const all = (await logs.send(new FilterLogEventsCommand(window))).events ?? [];
    const paged: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const out = await logs.send(new FilterLogEventsCommand({ ...window, limit: 25, nextToken }));
      assert.ok((out.events?.length ?? 0) <= 25);
      paged.push(...(out.events ?? []).map((e) => e.eventId ?? ""));
      nextToken = out.nextToken;
      pages++;
    } while (nextToken);
    assert.ok(all.length > 50, `expected a busy window, got ${all.length} events`);
    assert.equal(pages, Math.ceil(all.length / 25));
    assert.deepEqual(
      paged,
      all.map((e) => e.eventId),
    );
  });

  it("reads one stream with GetLogEvents, oldest first from the head", async () => {
    const streams = await logs.send(
      new DescribeLogStreamsCommand({
        logGroupName: GROUP,
        orderBy: "LastEventTime",
        descending: true,
        limit: 1,
      }),
    );
    const logStreamName = streams.logStreams?.[0]?.logStreamName;
    const out = await logs.send(
      new GetLogEventsCommand({ logGroupName: GROUP, logStreamName, startFromHead: true, limit: 10 }),
    );
    assert.equal(out.events?.length, 10);
    assert.match(out.events?.[0]?.message ?? "", /^START RequestId: /);
    assert.match(out.nextForwardToken ?? "", /^f\/\d{56}$/);
    const next = await logs.send(
      new GetLogEventsCommand({
        logGroupName: GROUP,
        logStreamName,
        nextToken: out.nextForwardToken,
        limit: 10,
      }),
    );
    assert.ok((next.events?.[0]?.timestamp ?? 0) >= (out.events?.[9]?.timestamp ?? Number.POSITIVE_INFINITY));
  });

  it("queries several log groups at once, naming each event's group in @log", async () => {
    const { queryId } = await logs.send(
      new StartQueryCommand({
        logGroupIdentifiers: [
          GROUP,
          "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/twin-ingest:*",
        ],
        startTime: (NOW - 30 * 60_000) / 1000,
        endTime: NOW / 1000,
        queryString: 'filter @type = "START" | stats count(*) as starts by @log | sort @log',
      }),
    );
    let out: GetQueryResultsCommandOutput;
    do {
      await new Promise((r) => setTimeout(r, 10));
      out = await logs.send(new GetQueryResultsCommand({ queryId }));
    } while (out.status === "Scheduled" || out.status === "Running");
    const starts = (fn: string) => sandbox.workload.invocations(fn, NOW - 30 * 60_000, NOW + 1).length;
    assert.deepEqual(
      out.results?.map((row) => row.map((c) => c.value)),
      [
        ["123456789012:/aws/lambda/twin-api", String(starts("twin-api"))],
        ["123456789012:/aws/lambda/twin-ingest", String(starts("twin-ingest"))],
      ],
    );
  });

  it("answers ResourceNotFoundException for an unknown log group", async () => {
    const error = await logs.send(new FilterLogEventsCommand({ logGroupName: "/aws/lambda/missing" })).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof ResourceNotFoundException);
    assert.equal(error.message, "The specified log group does not exist.");
  });
});
