/**
 * Logs Insights: start -> poll at increasing intervals -> timeout -> StopQuery, the query queue,
 * retries only on LimitExceededException/throttling, and parsing of the results.
 *
 * Fixture shape: the GetQueryResults example in the CloudWatch Logs API Reference
 * (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_GetQueryResults.html,
 * "Examples"): results as arrays of {field, value}, statistics {bytesScanned, recordsMatched,
 * recordsScanned}, status "Complete"; StartQuery answers {queryId}.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { CloudWatchLogsClient, GetQueryResultsCommandOutput } from "@aws-sdk/client-cloudwatch-logs";
import { SourceError } from "../../server/sources/errors.ts";
import {
  parseColdStarts,
  parseDurations,
  parseErrors,
  parseMemory,
  parsePercentiles,
} from "../../server/sources/logs.ts";
import { backoffMs, QueryQueue, runInsightsQuery, withRetry } from "../../server/sources/logs-insights.ts";

const COMPLETE: Partial<GetQueryResultsCommandOutput> = {
  results: [
    [
      { field: "bin(5m)", value: "2026-11-18 15:00:00.000" },
      { field: "avg_duration", value: "1452.505" },
      { field: "min_duration", value: "676.12" },
      { field: "max_duration", value: "2153.92" },
      { field: "invocations", value: "6" },
    ],
    [
      { field: "bin(5m)", value: "2026-11-18 14:55:00.000" },
      { field: "avg_duration", value: "1274.7333" },
      { field: "min_duration", value: "863.84" },
      { field: "max_duration", value: "1661.46" },
      { field: "invocations", value: "3" },
    ],
  ],
  statistics: { bytesScanned: 81349723, recordsMatched: 360851, recordsScanned: 610956 },
  status: "Complete",
};

interface Script {
  statuses: string[];
  startErrors?: string[];
}

function fakeLogs(script: Script) {
  const calls: string[] = [];
  const startErrors = [...(script.startErrors ?? [])];
  let poll = 0;
  const client = {
    send: async (command: { constructor: { name: string } }) => {
      const op = command.constructor.name.replace(/Command$/, "");
      calls.push(op);
      if (op === "StartQuery") {
        const code = startErrors.shift();
        if (code) throw Object.assign(new Error(`${code} from AWS`), { name: code });
        return { queryId: "12ab3456-12ab-123a-789e-1234567890ab" };
      }
      if (op === "GetQueryResults") {
        const status = script.statuses[Math.min(poll++, script.statuses.length - 1)];
        return status === "Complete" ? COMPLETE : { results: [], status, statistics: { bytesScanned: 1000 } };
      }
      return { success: true };
    },
  } as unknown as CloudWatchLogsClient;
  return { client, calls };
}

const QUERY = {
  logGroups: ["/aws/lambda/twin-api"],
  queryString: "stats count(*)",
  start: new Date("2026-11-18T14:00:00Z"),
  end: new Date("2026-11-18T15:00:00Z"),
};

describe("runInsightsQuery", () => {
  test("polls at increasing intervals until Complete and returns the rows and statistics", async () => {
    const waits: number[] = [];
    const { client, calls } = fakeLogs({ statuses: ["Scheduled", "Running", "Running", "Complete"] });
    const out = await runInsightsQuery(client, QUERY, {
      sleep: async (ms) => void waits.push(ms),
      firstPollMs: 200,
      factor: 2,
      maxPollMs: 500,
    });
    assert.deepEqual(waits, [200, 400, 500]);
    assert.deepEqual(calls, [
      "StartQuery",
      "GetQueryResults",
      "GetQueryResults",
      "GetQueryResults",
      "GetQueryResults",
    ]);
    assert.equal(out.rows.length, 2);
    assert.equal(out.statistics.bytesScanned, 81349723);
  });

  test("gives up after the overall timeout and stops the query", async () => {
    const { client, calls } = fakeLogs({ statuses: ["Running"] });
    await assert.rejects(
      runInsightsQuery(client, QUERY, {
        sleep: async () => undefined,
        firstPollMs: 1000,
        factor: 1,
        timeoutMs: 3000,
      }),
      (err: unknown) => err instanceof SourceError && err.code === "Timeout",
    );
    assert.equal(calls.at(-1), "StopQuery");
    assert.equal(calls.filter((c) => c === "GetQueryResults").length, 4);
  });

  test("retries StartQuery on LimitExceededException with back-off, then succeeds", async () => {
    const waits: number[] = [];
    const { client, calls } = fakeLogs({
      statuses: ["Complete"],
      startErrors: ["LimitExceededException", "LimitExceededException"],
    });
    await runInsightsQuery(client, QUERY, {
      sleep: async (ms) => void waits.push(ms),
      random: () => 1,
      baseBackoffMs: 100,
    });
    assert.deepEqual(calls.slice(0, 3), ["StartQuery", "StartQuery", "StartQuery"]);
    assert.deepEqual(waits.slice(0, 2), [100, 200]);
  });

  test("does not retry other errors (access denied names the permission)", async () => {
    const { client, calls } = fakeLogs({ statuses: ["Complete"], startErrors: ["AccessDeniedException"] });
    await assert.rejects(
      runInsightsQuery(client, QUERY, { sleep: async () => undefined }),
      (err: unknown) => {
        assert.ok(err instanceof SourceError);
        assert.equal(err.permission, "logs:StartQuery");
        return true;
      },
    );
    assert.deepEqual(calls, ["StartQuery"]);
  });
});

describe("retry and queue", () => {
  test("withRetry stops after maxAttempts on throttling", async () => {
    let attempts = 0;
    const fail = async () => {
      attempts++;
      throw Object.assign(new Error("slow down"), { name: "ThrottlingException" });
    };
    await assert.rejects(withRetry(fail, { maxAttempts: 3, sleep: async () => undefined }));
    assert.equal(attempts, 3);
  });

  test("full-jitter back-off stays within base * 2^attempt", () => {
    assert.equal(
      backoffMs(3, 100, () => 0.5),
      400,
    );
    assert.equal(
      backoffMs(0, 100, () => 0),
      0,
    );
  });

  test("the queue never runs more than its limit at once", async () => {
    const queue = new QueryQueue(2);
    let running = 0;
    let peak = 0;
    const gates: Array<() => void> = [];
    const tasks = Array.from({ length: 5 }, () =>
      queue.run(async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((resolve) => gates.push(resolve));
        running--;
      }),
    );
    while (gates.length < 2) await new Promise((r) => setImmediate(r));
    assert.equal(queue.active, 2);
    assert.equal(queue.queued, 3);
    let released = 0;
    while (released < 5) {
      const gate = gates.shift();
      if (gate) {
        gate();
        released++;
      }
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(tasks);
    assert.equal(peak, 2);
  });
});

describe("result parsing", () => {
  const result = (rows: Array<Record<string, string>>) => ({ rows, statistics: {}, status: "Complete" });

  test("duration bins are sorted by time with ISO timestamps", () => {
    const rows = (COMPLETE.results ?? []).map((r) => Object.fromEntries(r.map((f) => [f.field!, f.value!])));
    assert.deepEqual(parseDurations(result(rows)), [
      { bin: "2026-11-18T14:55:00.000Z", avg: 1274.73, min: 863.84, max: 1661.46, count: 3 },
      { bin: "2026-11-18T15:00:00.000Z", avg: 1452.51, min: 676.12, max: 2153.92, count: 6 },
    ]);
  });

  test("percentiles, cold starts and memory headroom", () => {
    assert.deepEqual(
      parsePercentiles(result([{ p50: "100", p90: "250.5", p99: "900", invocations: "42" }])),
      { p50: 100, p90: 250.5, p99: 900, count: 42 },
    );
    assert.equal(parsePercentiles(result([{ invocations: "0" }])), null);
    assert.deepEqual(
      parseColdStarts(result([{ coldStarts: "3", avgInitDuration: "812.5", maxInitDuration: "990.1" }])),
      {
        count: 3,
        avgInitMs: 812.5,
        maxInitMs: 990.1,
      },
    );
    assert.deepEqual(
      parseMemory(result([{ provisonedMemoryMB: "512", avgMemoryUsedMB: "110.5", maxMemoryUsedMB: "128" }])),
      {
        memorySizeMb: 512,
        maxUsedMb: 128,
        avgUsedMb: 110.5,
        headroomPercent: 75,
      },
    );
  });
});

describe("recent errors", () => {
  test("the request ID is taken from @requestId, or from the runtime's line when the field is absent", () => {
    const rows: Array<Record<string, string>> = [
      {
        "@timestamp": "2026-11-18 15:04:05.000",
        "@message":
          "[ERROR]\t2026-11-18T15:04:05.000Z\te8742579-9bc7-4ad5-a3b7-bf123b03ad10\tKeyError: 'session_id'",
        "@logStream": "s1",
      },
      {
        "@timestamp": "2026-11-18 15:00:00.000",
        "@requestId": "4c340bf8-21d3-463e-a044-7c0fa41f8a2f",
        "@message": "Task timed out after 30.03 seconds",
        "@logStream": "s2",
      },
    ];
    assert.deepEqual(
      parseErrors({ rows, statistics: {}, status: "Complete" }).map((e) => [e.timestamp, e.requestId]),
      [
        ["2026-11-18T15:04:05.000Z", "e8742579-9bc7-4ad5-a3b7-bf123b03ad10"],
        ["2026-11-18T15:00:00.000Z", "4c340bf8-21d3-463e-a044-7c0fa41f8a2f"],
      ],
    );
  });
});
