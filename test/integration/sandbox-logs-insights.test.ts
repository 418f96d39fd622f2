/**
 * Logs Insights against the sandbox through the real @aws-sdk/client-cloudwatch-logs:
 * query states, result shapes, the seed's duration query, agreement with the workload
 * (the source of the AWS/Lambda metrics), StopQuery, the concurrency limit and errors.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  CloudWatchLogsClient,
  DescribeQueriesCommand,
  GetQueryResultsCommand,
  type GetQueryResultsCommandOutput,
  LimitExceededException,
  MalformedQueryException,
  ResourceNotFoundException,
  StartQueryCommand,
  StopQueryCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { type AwsClients, createAwsClients } from "../../server/aws/clients.ts";
import { type RunningSandbox, sandboxCredentials, startSandbox } from "../../server/sandbox/index.ts";

const NOW = Date.UTC(2026, 10, 18, 15, 30);
const GROUP = "/aws/lambda/twin-api";
/** The query of seed 000, part 8, exactly as the runbook prints it. */
const SEED_QUERY = `fields @timestamp, @duration
| filter @type = "REPORT"
| stats avg(@duration) as avg_duration,
        min(@duration) as min_duration,
        max(@duration) as max_duration
by bin(5m)`;

type Row = Array<{ field?: string | undefined; value?: string | undefined }>;
const cell = (row: Row | undefined, field: string) => row?.find((c) => c.field === field)?.value;

describe("sandbox CloudWatch Logs Insights", () => {
  // Query life cycles follow a clock the tests step (untilDone), never the machine's speed.
  let clock = 0;
  let sandbox: RunningSandbox;
  let clients: AwsClients;
  let logs: CloudWatchLogsClient;

  before(async () => {
    sandbox = await startSandbox({
      port: 0,
      now: () => NOW,
      settings: { logs: { scheduledMs: 50, runningMs: 50, maxConcurrentQueries: 3, clock: () => clock } },
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

  async function start(
    queryString: string,
    minutesBack = 60,
    extra: { limit?: number } = {},
  ): Promise<string> {
    const out = await logs.send(
      new StartQueryCommand({
        logGroupName: GROUP,
        startTime: (NOW - minutesBack * 60_000) / 1000,
        endTime: NOW / 1000,
        queryString,
        ...extra,
      }),
    );
    assert.ok(out.queryId);
    return out.queryId;
  }

  async function untilDone(
    queryId: string,
  ): Promise<{ final: GetQueryResultsCommandOutput; seen: string[] }> {
    const seen: string[] = [];
    for (;;) {
      const out = await logs.send(new GetQueryResultsCommand({ queryId }));
      if (seen[seen.length - 1] !== out.status) seen.push(out.status ?? "");
      if (out.status !== "Scheduled" && out.status !== "Running") return { final: out, seen };
      clock += 25;
    }
  }

  it("runs the seed's duration query as written and agrees with the workload per 5-minute bin", async () => {
    const { final } = await untilDone(await start(SEED_QUERY, 60));
    assert.equal(final.status, "Complete");
    const rows = (final.results ?? []) as Row[];
    assert.ok(rows.length >= 11, `expected about 12 bins in an hour, got ${rows.length}`);
    assert.deepEqual(
      rows[0]?.map((c) => c.field),
      ["bin(5m)", "avg_duration", "min_duration", "max_duration"],
    );
    // REPORT is written at start + init + duration; bin the workload's invocations the same way.
    const invocations = sandbox.workload.invocations("twin-api", NOW - 62 * 60_000, NOW);
    for (const row of rows) {
      const bin = Date.parse(`${cell(row, "bin(5m)")!.replace(" ", "T")}Z`);
      const inBin = invocations.filter((inv) => {
        const t = Math.round(inv.start + (inv.initMs ?? 0) + inv.durationMs);
        return t >= Math.max(bin, NOW - 3_600_000) && t < bin + 300_000 && t <= NOW;
      });
      const durations = inBin.map((inv) => inv.durationMs);
      const mean = durations.reduce((a, b) => a + b, 0) / durations.length;
      assert.ok(
        Math.abs(Number(cell(row, "avg_duration")) - mean) < 1e-6,
        `bin ${cell(row, "bin(5m)")}: ${cell(row, "avg_duration")} vs ${mean}`,
      );
      assert.equal(Number(cell(row, "min_duration")), Math.min(...durations));
      assert.equal(Number(cell(row, "max_duration")), Math.max(...durations));
    }
  });

  it("counts one REPORT per invocation and reports real statistics", async () => {
    const { final } = await untilDone(
      await start(
        `filter @type = "REPORT" | stats count(*) as invocations, avg(@duration) as avgDuration`,
        180,
      ),
    );
    const windowStart = NOW - 180 * 60_000;
    const expected = sandbox.workload.invocations("twin-api", windowStart - 120_000, NOW).filter((inv) => {
      const t = Math.round(inv.start + (inv.initMs ?? 0) + inv.durationMs);
      return t >= windowStart && t <= NOW;
    });
    const row = final.results?.[0] as Row;
    assert.equal(Number(cell(row, "invocations")), expected.length);
    const mean = expected.reduce((a, inv) => a + inv.durationMs, 0) / expected.length;
    assert.ok(Math.abs(Number(cell(row, "avgDuration")) - mean) < 1e-6);
    assert.equal(final.statistics?.recordsMatched, expected.length);
    assert.ok(
      (final.statistics?.recordsScanned ?? 0) > expected.length * 4,
      "START, app lines, END and REPORT are all scanned",
    );
    assert.ok((final.statistics?.bytesScanned ?? 0) > (final.statistics?.recordsScanned ?? 0) * 40);
  });

  it("returns event rows with @ptr, AWS timestamp format, newest first and the query limit", async () => {
    const { final } = await untilDone(
      await start("fields @timestamp, @message | sort @timestamp desc | limit 25"),
    );
    const rows = (final.results ?? []) as Row[];
    assert.equal(rows.length, 25);
    assert.deepEqual(
      rows[0]?.map((c) => c.field),
      ["@timestamp", "@message", "@ptr"],
    );
    const times = rows.map((r) => cell(r, "@timestamp")!);
    for (const t of times) assert.match(t, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/);
    assert.deepEqual([...times].sort().reverse(), times);
  });

  it("evaluates AWS's published Lambda memory query, including an alias of aliases", async () => {
    const query =
      'filter @type = "REPORT" | stats max(@memorySize / 1000 / 1000) as provisonedMemoryMB, min(@maxMemoryUsed / 1000 / 1000) as smallestMemoryRequestMB, avg(@maxMemoryUsed / 1000 / 1000) as avgMemoryUsedMB, max(@maxMemoryUsed / 1000 / 1000) as maxMemoryUsedMB, provisonedMemoryMB - maxMemoryUsedMB as overProvisionedMB';
    const { final } = await untilDone(await start(query));
    const row = final.results?.[0] as Row;
    // A computed number prints as a Java double, as Logs Insights does.
    assert.equal(cell(row, "provisonedMemoryMB"), "512.0");
    const max = Number(cell(row, "maxMemoryUsedMB"));
    assert.ok(max > 80 && max < 150, `max memory ${max} MB`);
    assert.equal(Number(cell(row, "overProvisionedMB")), 512 - max);
  });

  it("finds cold starts through @initDuration", async () => {
    const { final } = await untilDone(
      await start(
        "filter ispresent(@initDuration) | stats count(*) as cold, avg(@initDuration) as init",
        24 * 60,
      ),
    );
    const from = NOW - 24 * 3_600_000;
    const cold = sandbox.workload.invocations("twin-api", from - 120_000, NOW).filter((i) => {
      const reportAt = Math.round(i.start + (i.initMs ?? 0) + i.durationMs);
      return i.initMs !== undefined && reportAt >= from && reportAt <= NOW;
    });
    const row = final.results?.[0] as Row;
    assert.ok(cold.length > 10, `a day has cold starts, got ${cold.length}`);
    assert.equal(Number(cell(row, "cold")), cold.length);
    assert.ok(Number(cell(row, "init")) > 500);
  });

  it("cancels a query with StopQuery", async () => {
    const queryId = await start("stats count(*) by bin(1m)");
    const stopped = await logs.send(new StopQueryCommand({ queryId }));
    assert.equal(stopped.success, true);
    const { final } = await untilDone(queryId);
    assert.equal(final.status, "Cancelled");
    const described = await logs.send(
      new DescribeQueriesCommand({ logGroupName: GROUP, status: "Cancelled" }),
    );
    assert.ok(described.queries?.some((q) => q.queryId === queryId));
  });

  it("refuses queries past the concurrency limit with LimitExceededException", async () => {
    const ids = [await start("stats count(*)"), await start("stats count(*)"), await start("stats count(*)")];
    await assert.rejects(() => start("stats count(*)"), LimitExceededException);
    for (const queryId of ids) await logs.send(new StopQueryCommand({ queryId }));
  });

  it("rejects a malformed query with the position of the error", async () => {
    const error = await start("fields @timestamp | statz count(*)").then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof MalformedQueryException);
    assert.deepEqual(error.queryCompileError?.location, { startCharOffset: 20, endCharOffset: 24 });
    assert.match(error.queryCompileError?.message ?? "", /statz/);
  });

  it("answers ResourceNotFoundException for an unknown log group", async () => {
    const error = await logs
      .send(
        new StartQueryCommand({
          logGroupName: "/aws/lambda/nope",
          startTime: NOW / 1000 - 60,
          endTime: NOW / 1000,
          queryString: "stats count(*)",
        }),
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.ok(error instanceof ResourceNotFoundException);
    assert.equal(error.message, "The specified log group does not exist.");
  });
});

describe("sandbox Logs Insights timeouts and billing notes", () => {
  let sandbox: RunningSandbox;
  let clients: AwsClients;

  before(async () => {
    // A query needs 50 + 50 ms but times out after 20 ms.
    sandbox = await startSandbox({
      port: 0,
      now: () => NOW,
      settings: { logs: { scheduledMs: 50, runningMs: 50, timeoutMs: 20 } },
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

  it("ends a query that runs past timeoutMs in the Timeout state", async () => {
    const logs = clients.logs();
    const { queryId } = await logs.send(
      new StartQueryCommand({
        logGroupName: GROUP,
        startTime: NOW / 1000 - 600,
        endTime: NOW / 1000,
        queryString: "stats count(*)",
      }),
    );
    let status: string | undefined;
    do {
      await new Promise((r) => setTimeout(r, 10));
      status = (await logs.send(new GetQueryResultsCommand({ queryId }))).status;
    } while (status === "Scheduled" || status === "Running");
    assert.equal(status, "Timeout");
  });
});

describe("sandbox Logs Insights ledger notes", () => {
  it("notes the bytes scanned once, on the first Complete answer", async () => {
    const sandbox = await startSandbox({
      port: 0,
      now: () => NOW,
      settings: { logs: { scheduledMs: 10, runningMs: 10 } },
    });
    const clients = createAwsClients({
      region: "us-east-1",
      endpoint: sandbox.url,
      credentials: sandboxCredentials(),
      maxAttempts: 1,
      retryMode: "standard",
    });
    try {
      const logs = clients.logs();
      const { queryId } = await logs.send(
        new StartQueryCommand({
          logGroupName: GROUP,
          startTime: NOW / 1000 - 600,
          endTime: NOW / 1000,
          queryString: "stats count(*)",
        }),
      );
      let out: GetQueryResultsCommandOutput;
      do {
        await new Promise((r) => setTimeout(r, 10));
        out = await logs.send(new GetQueryResultsCommand({ queryId }));
      } while (out.status !== "Complete");
      await logs.send(new GetQueryResultsCommand({ queryId }));
      const noted = sandbox.ledger
        .list({ operation: "GetQueryResults" })
        .map((e) => e.notes?.bytesScanned)
        .filter((b) => b !== undefined);
      assert.deepEqual(noted, [out.statistics?.bytesScanned]);
      assert.ok((out.statistics?.bytesScanned ?? 0) > 0);
    } finally {
      clients.destroy();
      await sandbox.close();
    }
  });
});

describe("sandbox Logs Insights query life cycle", () => {
  // The life cycle follows the sandbox's injectable clock, stepped here by hand: no dependence
  // on how fast a loaded machine answers the polls.
  let mono = 0;
  let sandbox: RunningSandbox;
  let logs: CloudWatchLogsClient;

  before(async () => {
    sandbox = await startSandbox({
      port: 0,
      now: () => NOW,
      settings: { logs: { scheduledMs: 50, runningMs: 50, clock: () => mono } },
    });
    logs = new CloudWatchLogsClient({
      region: "us-east-1",
      endpoint: sandbox.url,
      credentials: sandboxCredentials(),
      maxAttempts: 1,
    });
  });

  after(async () => {
    logs.destroy();
    await sandbox.close();
  });

  it("moves a query from Scheduled through Running to Complete", async () => {
    // Prepare: a query takes scheduledMs + runningMs (50 + 50 ms of the sandbox's clock).
    const { queryId } = await logs.send(
      new StartQueryCommand({
        logGroupName: GROUP,
        startTime: (NOW - 3_600_000) / 1000,
        endTime: NOW / 1000,
        queryString: "stats count(*)",
      }),
    );
    const status = async () => logs.send(new GetQueryResultsCommand({ queryId }));
    // Act / Assess: each step of the clock moves it one state on.
    const scheduled = await status();
    assert.equal(scheduled.status, "Scheduled");
    assert.deepEqual(scheduled.results, []);
    mono += 60;
    const running = await status();
    assert.equal(running.status, "Running");
    assert.deepEqual(running.results, []);
    mono += 60;
    const final = await status();
    assert.equal(final.status, "Complete");
    assert.equal(final.encryptionKey, undefined);
    assert.ok(Number(final.results?.[0]?.[0]?.value) > 0);
  });
});
