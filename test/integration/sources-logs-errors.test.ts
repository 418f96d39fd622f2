/**
 * The recent-errors list read from what the bins scan counts (issue 14): the bins queries count,
 * per bin, exactly the events the errors query returns; a refresh runs the errors query only over
 * the part not read before and only when the bins count errors there; an error delivered late
 * into a part already read appears on the refresh after it settles; and a first fill reads, after
 * the hour before the watermark, only the spans of bins that hold errors, not the rest of the day.
 * Every list is compared with the errors query run over the whole range at the same moment.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { DescribeQueriesCommand } from "@aws-sdk/client-cloudwatch-logs";
import type { LogFormat, LogsData } from "../../server/api/contract.ts";
import { type AwsClients, createAwsClients } from "../../server/aws/clients.ts";
import { LogBinStore } from "../../server/cache/log-bins.ts";
import { parseConfig } from "../../server/config.ts";
import type { LogsSettings } from "../../server/sandbox/core/settings.ts";
import { type RunningSandbox, sandboxCredentials, startSandbox } from "../../server/sandbox/index.ts";
import { groupEvents } from "../../server/sandbox/providers/logs/index.ts";
import { LogsSource } from "../../server/sources/logs.ts";
import { BIN_MS, parseBins } from "../../server/sources/logs-bins.ts";
import { runInsightsQuery } from "../../server/sources/logs-insights.ts";
import { parseErrors } from "../../server/sources/logs-parse.ts";
import { boundedBinsQuery, errorQuery } from "../../server/sources/logs-queries.ts";
import type { TimeRange } from "../../server/sources/range.ts";

const FUNCTIONS = ["twin-api", "twin-api-json"];
const FORMATS: Array<[string, LogFormat]> = [
  ["twin-api", "Text"],
  ["twin-api-json", "JSON"],
];
const FAST = { firstPollMs: 1, sleep: async () => undefined };
const config = parseConfig({ mode: "sandbox", lambda: { functions: FUNCTIONS.map((name) => ({ name })) } });

interface Env {
  sandbox: RunningSandbox;
  clients: AwsClients;
  clock: { t: number };
}

const envs: Env[] = [];
after(async () => {
  for (const e of envs) {
    e.clients.destroy();
    await e.sandbox.close();
  }
});

async function env(t: number, scale: number, logs: LogsSettings = {}): Promise<Env> {
  const clock = { t };
  const sandbox = await startSandbox({
    functions: FUNCTIONS,
    now: () => clock.t,
    scale,
    settings: { logs: { scheduledMs: 0, runningMs: 0, ...logs } },
  });
  const clients = createAwsClients({
    region: "us-east-1",
    endpoint: sandbox.url,
    credentials: sandboxCredentials(),
    maxAttempts: 1,
    retryMode: "standard",
  });
  const e = { sandbox, clients, clock };
  envs.push(e);
  return e;
}

const source = (e: Env, bins = new LogBinStore()) =>
  new LogsSource(e.clients, config, undefined, { bins, now: () => e.clock.t, insights: FAST });

/** A range ending now, or (`aligned`) at the next 5-minute boundary, as the page's presets do. */
const range = (e: Env, hours: number, aligned = false): TimeRange => ({
  start: new Date(e.clock.t - hours * 3_600_000),
  end: new Date(aligned ? Math.ceil(e.clock.t / 300_000) * 300_000 : e.clock.t),
  preset: "24h",
  periodSeconds: 300,
});

/** The errors query over the whole range, per format, merged: what the panel must show. */
async function wholeRangeErrors(
  e: Env,
  r: TimeRange,
  limit = 20,
  formats = FORMATS,
): Promise<LogsData["recentErrors"]> {
  const lists = await Promise.all(
    formats.map(async ([fn, format]) =>
      parseErrors(
        await runInsightsQuery(
          e.clients.logs({ region: "us-east-1" }),
          {
            logGroups: [`/aws/lambda/${fn}`],
            queryString: errorQuery(format).replace("limit 20", `limit ${limit}`),
            start: r.start,
            end: r.end,
            limit,
          },
          FAST,
        ),
      ),
    ),
  );
  return lists
    .flat()
    .sort((a, b) => b.timestamp.localeCompare(a.timestamp))
    .slice(0, limit);
}

/** Logs Insights queries started since `seq` (DescribeQueries), split into errors queries and the rest. */
async function queriesSince(e: Env, seen: Set<string>) {
  const out = await e.clients
    .logs({ region: "us-east-1" })
    .send(new DescribeQueriesCommand({ maxResults: 1000 }));
  const fresh = (out.queries ?? []).filter((q) => q.queryId && !seen.has(q.queryId));
  for (const q of fresh) seen.add(q.queryId!);
  const isErrors = (q: { queryString?: string }) => /sort @timestamp desc/.test(q.queryString ?? "");
  const bytes = (q: unknown) => (q as { bytesScanned?: number }).bytesScanned ?? 0;
  const errors = fresh.filter(isErrors);
  return {
    errors: errors.length,
    errorsFrom: errors.map((q) => Number(/toMillis\(@timestamp\) >= (\d+)/.exec(q.queryString ?? "")?.[1])),
    errorBytes: errors.reduce((n, q) => n + bytes(q), 0),
    others: fresh.length - errors.length,
  };
}

describe("recent errors from the bins' error counts", () => {
  it("counts per bin, for both log formats, exactly the events the errors query returns over that bin", async () => {
    const e = await env(Date.parse("2026-11-19T15:00:00.000Z"), 10);
    const from = e.clock.t - 3 * 3_600_000;
    for (const [fn, format] of FORMATS) {
      const group = `/aws/lambda/${fn}`;
      const bins = parseBins(
        await runInsightsQuery(
          e.clients.logs({ region: "us-east-1" }),
          {
            logGroups: [group],
            queryString: boundedBinsQuery(format, from, e.clock.t),
            start: new Date(from),
            end: new Date(e.clock.t),
          },
          FAST,
        ),
        format,
      ).get(group)!;
      const rows = parseErrors(
        await runInsightsQuery(
          e.clients.logs({ region: "us-east-1" }),
          {
            logGroups: [group],
            queryString: errorQuery(format).replace("limit 20", "limit 10000"),
            start: new Date(from),
            end: new Date(e.clock.t - 1),
            limit: 10_000,
          },
          FAST,
        ),
      );
      const expected = new Map<number, number>();
      for (const row of rows) {
        const bin = Math.floor(Date.parse(row.timestamp) / BIN_MS) * BIN_MS;
        expected.set(bin, (expected.get(bin) ?? 0) + 1);
      }
      const counted = new Map([...bins].filter(([, b]) => b.errors > 0).map(([t, b]) => [t, b.errors]));
      assert.ok(rows.length > 20, `${fn}: ${rows.length} errors in 3 h at 10x`);
      assert.deepEqual(counted, expected, fn);
    }
  });

  it("runs the errors query only over the new part, and only when the bins count errors there (1x)", async () => {
    const e = await env(Date.parse("2026-11-19T06:00:00.000Z"), 1);
    const seen = new Set<string>();
    const incremental = source(e);
    await incremental.fetch(range(e, 24));
    await queriesSince(e, seen);
    let skipped = 0;
    let ran = 0;
    for (let k = 0; k < 24; k++) {
      const before = e.clock.t;
      e.clock.t += 5 * 60_000;
      const data = await incremental.fetch(range(e, 24));
      const q = await queriesSince(e, seen);
      // Per format, the errors in the new part (before, t]: the errors query over it alone.
      let formatsWithNew = 0;
      for (const format of FORMATS) {
        const part = { ...range(e, 0), start: new Date(before + 1) };
        if ((await wholeRangeErrors(e, part, 20, [format])).length > 0) formatsWithNew++;
      }
      assert.equal(q.errors, formatsWithNew, `refresh ${k}`);
      assert.deepEqual(
        q.errorsFrom,
        q.errorsFrom.map(() => before + 1),
        "reads from the last read's end",
      );
      // Per format: the settled increment, split where the errors list stopped reading, and the tail.
      assert.ok(q.others >= 4 && q.others <= 6, `${q.others} bins queries`);
      skipped += q.errors === 0 ? 1 : 0;
      ran += q.errors;
      assert.deepEqual(data.recentErrors, await wholeRangeErrors(e, range(e, 24)), `refresh ${k}`);
      await queriesSince(e, seen); // the test's own queries
    }
    assert.ok(skipped >= 12, `errors query skipped on ${skipped} of 24 refreshes (${ran} run)`);
  });

  it("shows an error delivered late into a part already read on the refresh after it settles", async () => {
    const e = await env(Date.parse("2026-11-19T13:00:00.000Z"), 20, {
      lateDelivery: { share: 0.5, delayMs: 150_000 },
    });
    const seen = new Set<string>();
    const incremental = source(e);
    let previous = await incremental.fetch(range(e, 3, true));
    await queriesSince(e, seen);
    let lateShown = 0;
    let reread = 0;
    for (let k = 0; k < 24; k++) {
      const before = e.clock.t;
      // 5 min 37 s apart, the range ending at the next 5-minute boundary (after now).
      e.clock.t += 337_000;
      const data = await incremental.fetch(range(e, 3, true));
      const q = await queriesSince(e, seen);
      reread += q.errorsFrom.filter((from) => from <= before).length;
      // An error written before the last refresh that it did not show (it was not delivered yet).
      const known = new Set(previous.recentErrors.map((x) => `${x.timestamp}|${x.message}`));
      lateShown += data.recentErrors.filter(
        (x) => Date.parse(x.timestamp) <= before && !known.has(`${x.timestamp}|${x.message}`),
      ).length;
      assert.deepEqual(data.recentErrors, await wholeRangeErrors(e, range(e, 3, true)), `refresh ${k}`);
      previous = data;
    }
    assert.ok(lateShown > 0, "late errors appeared among the most recent");
    // At most one per format and refresh, and only when errors arrived late.
    assert.ok(reread > 0 && reread <= 48, `${reread} re-reads of a part read while unsettled`);
    // The bins, settled after the delay, are those of a full scan too.
    const full = await source(e).fetch(range(e, 3, true));
    const last = await incremental.fetch(range(e, 3, true));
    assert.deepEqual(last.durations, full.durations);
    assert.deepEqual(last.functions, full.functions);
  });

  it("fills the errors of a day from the hour before the watermark, then only the spans of bins with errors", async () => {
    const e = await env(Date.parse("2026-11-19T06:00:00.000Z"), 1);
    const seen = new Set<string>();
    await queriesSince(e, seen);
    const r = range(e, 24);
    const data = await source(e).fetch(r);
    const q = await queriesSince(e, seen);
    let rangeBytes = 0;
    for (const fn of FUNCTIONS)
      for (const ev of groupEvents(e.sandbox.workload, `/aws/lambda/${fn}`, r.start.getTime(), e.clock.t + 1))
        rangeBytes += Buffer.byteLength(ev.message, "utf8") + 26;
    assert.deepEqual(data.recentErrors, await wholeRangeErrors(e, r));
    assert.ok(data.recentErrors.length > 0);
    // Per format: the hour before the watermark and the tail, then at most 3 spans.
    assert.ok(q.errors >= 2 && q.errors <= 8, `${q.errors} errors queries`);
    assert.ok(
      q.errorBytes < 0.5 * rangeBytes,
      `the errors queries scanned ${q.errorBytes} bytes of a ${rangeBytes}-byte day`,
    );
    assert.ok(data.bytesScanned < 1.5 * rangeBytes, `${data.bytesScanned} for ${rangeBytes}`);
  });
});
