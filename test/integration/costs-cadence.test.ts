/**
 * Issue #14's Cost Explorer goal, through the real SDK clients against the sandbox on its virtual
 * clock: at most 4 requests in any 24 hours at default settings, a cold start just before UTC
 * midnight included (each query on its interval from its own last fetch, keys without the day);
 * a month start refetches nothing (the forecast holds this month and the next, the new month's
 * month to date comes from the breakdown once it holds the 1st); after midnight the panel's
 * figures are a fresh fetch's for the days both answers hold, and the new day shows as not yet in
 * Cost Explorer; a restart inside the interval asks nothing.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { appServices } from "../../server/api/app.ts";
import type { AttributionData, CostsData, Panel } from "../../server/api/contract.ts";
import { type RunningServer, startServer } from "../../server/api/server.ts";
import { parseConfig } from "../../server/config.ts";
import { SANDBOX_ACCOUNT_ID, SANDBOX_LINKED_ACCOUNTS } from "../../server/sandbox/index.ts";

const HOUR = 3_600_000;
const STEP = 10 * 60_000;

function clock(start: string) {
  let t = Date.parse(start);
  return {
    now: () => new Date(t),
    set: (ms: number) => {
      t = ms;
    },
    get: () => t,
  };
}

const ceCalls = (server: RunningServer) =>
  server.sandbox!.ledger.list({ service: "ce" }).map((e) => e.operation ?? "");

/** Wait until no Cost Explorer call has arrived for a few turns (background revalidations land). */
async function settle(server: RunningServer): Promise<void> {
  let seen = -1;
  let quiet = 0;
  while (quiet < 3) {
    await new Promise((r) => setTimeout(r, 15));
    const n = ceCalls(server).length;
    quiet = n === seen ? quiet + 1 : 0;
    seen = n;
  }
}

async function costs(server: RunningServer, range = "24h"): Promise<Panel<CostsData>> {
  const ask = async () => {
    const res = await fetch(`${server.url}/api/costs?range=${range}`);
    assert.equal(res.status, 200);
    const panel = (await res.json()) as Panel<CostsData>;
    await settle(server);
    return panel;
  };
  const panel = await ask();
  // On a busy machine a cold answer can outlast the panel wait (cache.waitSeconds): the request
  // goes on and lands in the cache (settled above), so asking again reads it, as the page does.
  return panel.error?.code === "SourceTimeout" ? ask() : panel;
}

/** A viewer refreshing every 10 minutes over [from, to): the Cost Explorer calls made, in order. */
async function view(
  server: RunningServer,
  c: ReturnType<typeof clock>,
  from: number,
  to: number,
): Promise<Array<{ at: string; operation: string }>> {
  const made: Array<{ at: string; operation: string }> = [];
  for (let t = from; t < to; t += STEP) {
    c.set(t);
    const before = ceCalls(server).length;
    const panel = await costs(server);
    assert.equal(panel.error, null, JSON.stringify(panel.error));
    for (const operation of ceCalls(server).slice(before))
      made.push({ at: new Date(t).toISOString().slice(11, 16), operation });
  }
  return made;
}

const start = (c: ReturnType<typeof clock>, dataDir = ":memory:") =>
  startServer(parseConfig({ mode: "sandbox" }), { port: 0, dataDir, now: c.now });

describe("Cost Explorer on its own cadence (default settings: refreshesPerDay 2)", () => {
  test("a monthly answer still under way buys nothing else: no breakdown or forecast for guessed services", async () => {
    const c = clock("2026-11-18T15:30:00.000Z");
    // Cost Explorer answers in 1 s; the page stops waiting after 0.2 s.
    const server = await startServer(
      parseConfig({
        mode: "sandbox",
        cache: { waitSeconds: 0.2 },
        sandbox: { faults: [{ service: "ce", operation: "GetCostAndUsage", kind: "slow", delayMs: 1_000 }] },
      }),
      { port: 0, dataDir: ":memory:", now: c.now },
    );
    try {
      const first = (await (await fetch(`${server.url}/api/costs?range=24h`)).json()) as Panel<CostsData>;
      assert.equal(first.error?.code, "SourceTimeout");
      // Every flight under way has landed: only the monthly query was asked.
      const app = server.server.listeners("request")[0] as Parameters<typeof appServices>[0];
      await appServices(app).cache.settle();
      assert.deepEqual(ceCalls(server), ["GetCostAndUsage"], "only the monthly query");
      // Once it has landed, the breakdown and the forecast for the services it names: 3 in all.
      for (let i = 0; i < 200 && (await costs(server)).data === null; i++)
        await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(ceCalls(server).sort(), ["GetCostAndUsage", "GetCostAndUsage", "GetCostForecast"]);
    } finally {
      await server.close();
    }
  });

  test("a cold start at 20:00 UTC then two days of viewing: 4 requests in each 24 h", async () => {
    const c = clock("2026-11-18T20:00:00.000Z");
    const server = await start(c);
    try {
      const t0 = c.get();
      const first = await view(server, c, t0, t0 + 24 * HOUR);
      // Cold start: month to date, breakdown, forecast; the breakdown again 12 h later (08:00).
      // Midnight in between buys nothing.
      assert.deepEqual(first, [
        { at: "20:00", operation: "GetCostAndUsage" },
        { at: "20:00", operation: "GetCostAndUsage" },
        { at: "20:00", operation: "GetCostForecast" },
        { at: "08:00", operation: "GetCostAndUsage" },
      ]);
      // Steady state: the same three at 20:00 (24 h and 12 h after their fetches), one at 08:00.
      const second = await view(server, c, t0 + 24 * HOUR, t0 + 48 * HOUR);
      assert.equal(second.length, 4, JSON.stringify(second));
      assert.deepEqual(
        second.map((m) => m.at),
        ["20:00", "20:00", "20:00", "08:00"],
      );
    } finally {
      await server.close();
    }
  });

  test("across a month start: still 4 requests in the 24 h (a cold start at 2026-11-30T12:30Z)", async () => {
    const c = clock("2026-11-30T12:30:00.000Z");
    const server = await start(c);
    const fresh = await start(c);
    try {
      const t0 = c.get();
      const before = (await costs(server)).data!;
      // November 30: the month to date from the monthly query; the forecast is the rest of November.
      assert.equal(before.monthToDateFrom, "monthly query");
      assert.ok(before.monthToDate !== null && before.monthToDate > 0, String(before.monthToDate));
      const nov = before.forecast!;
      assert.deepEqual(
        [nov.start, nov.end, nov.madeOn, nov.wholeMonth],
        ["2026-11-30", "2026-12-01", "2026-11-30", false],
      );
      assert.equal(nov.projected?.mean, Math.round((before.monthToDate + nov.mean) * 10_000) / 10_000);
      const t1 = Date.parse("2026-12-01T00:10:00.000Z");
      const t2 = Date.parse("2026-12-01T01:00:00.000Z");
      // The cold start's three, then nothing up to the month start and past it.
      assert.deepEqual(await view(server, c, t0 + STEP, t1), []);

      // Dec 1 00:10: the monthly answer is November's and the breakdown (fetched Nov 30 12:30)
      // ends before Dec 1: December's month to date is not yet known (null with why), not November's.
      c.set(t1);
      const early = (await costs(server)).data!;
      assert.equal(early.monthToDate, null);
      assert.match(early.monthToDateNote ?? "", /2026-12 is not yet in Cost Explorer/);
      // The forecast made on Nov 30 holds December whole: its entry is the projection.
      const dec = early.forecast!;
      assert.deepEqual(
        [dec.start, dec.end, dec.madeOn, dec.wholeMonth],
        ["2026-12-01", "2027-01-01", "2026-11-30", true],
      );
      assert.ok(dec.mean > nov.mean, `${dec.mean} vs ${nov.mean}: a whole month against one day`);
      assert.deepEqual(dec.projected, { mean: dec.mean, low: dec.low, high: dec.high });

      // The breakdown again 12 h after its fetch (00:30), nothing else.
      assert.deepEqual(await view(server, c, t1 + STEP, t2), [{ at: "00:30", operation: "GetCostAndUsage" }]);
      // Dec 1 01:00: the breakdown fetched at 00:30 holds Dec 1, so December's month to date comes
      // from its rows, and equals what a fresh server's monthly query answered at 00:30.
      c.set(Date.parse("2026-12-01T00:30:00.000Z"));
      const now = (await costs(fresh)).data!;
      assert.equal(now.monthToDateFrom, "monthly query");
      c.set(t2);
      const late = (await costs(server)).data!;
      assert.equal(late.monthToDateFrom, "daily breakdown");
      assert.equal(late.monthToDateNote, undefined);
      const dec1 = late.bedrockByModel.find((d) => d.date === "2026-12-01")?.total ?? 0;
      assert.equal(late.monthToDate, dec1);
      assert.equal(late.monthToDate, now.monthToDate);
      assert.notEqual(late.monthToDate, before.monthToDate);
      assert.deepEqual(late.forecast?.projected, dec.projected);
      assert.deepEqual(await view(server, c, t2 + STEP, t0 + 24 * HOUR), []);
      assert.equal(ceCalls(server).length, 4, "4 Cost Explorer requests in the 24 h across the month start");
    } finally {
      await server.close();
      await fresh.close();
    }
  });

  test("with aws.accounts the monthly query keeps the month in its key: one more request at the month start (5)", async () => {
    const c = clock("2026-11-30T12:30:00.000Z");
    const accounts = [
      { id: SANDBOX_ACCOUNT_ID, label: "monitoring" },
      ...SANDBOX_LINKED_ACCOUNTS.map((a) => ({ id: a.id, label: a.label })),
    ];
    const server = await startServer(
      parseConfig({
        mode: "sandbox",
        aws: { accountId: SANDBOX_ACCOUNT_ID, accounts },
        sandbox: { organization: "management" },
      }),
      { port: 0, dataDir: ":memory:", now: c.now },
    );
    try {
      const t0 = c.get();
      const t1 = Date.parse("2026-12-01T01:00:00.000Z");
      const bedrock = (d: CostsData) => d.accounts!.reduce((n, a) => n + (a.bedrockMonthToDate ?? 0), 0);
      const nov = bedrock((await costs(server)).data!);
      assert.ok(nov > 0);
      const made = await view(server, c, t0 + STEP, t1);
      // The month in the key: the monthly query again at 00:00 on the 1st; the breakdown at 00:30.
      assert.deepEqual(made, [
        { at: "00:00", operation: "GetCostAndUsage" },
        { at: "00:30", operation: "GetCostAndUsage" },
      ]);
      c.set(t1);
      const data = (await costs(server)).data!;
      // The per-account view is December's (asked at 00:00, before Cost Explorer held much of it),
      // never November's; the panel's month to date is the newer answer's (the 00:30 breakdown).
      assert.ok(bedrock(data) < nov, `${bedrock(data)} vs ${nov}`);
      assert.equal(data.monthToDateFrom, "daily breakdown");
      assert.deepEqual(await view(server, c, t1 + STEP, t0 + 24 * HOUR), []);
      assert.equal(ceCalls(server).length, 5);
    } finally {
      await server.close();
    }
  });

  test("after midnight: the cached answer's days equal a fresh fetch's; the new day is not yet in Cost Explorer", async () => {
    const c = clock("2026-11-18T20:00:00.000Z");
    const cached = await start(c);
    const fresh = await start(c);
    try {
      await costs(cached, "7d");
      c.set(Date.parse("2026-11-19T00:30:00.000Z"));
      const calls = ceCalls(cached).length;
      const late = (await costs(cached, "7d")).data!;
      assert.equal(ceCalls(cached).length, calls, "midnight by itself asks Cost Explorer nothing");
      const now = (await costs(fresh, "7d")).data!;
      // The 7-day view reaches back to the day 7 days ago (12 Nov, as 11 Nov at the fetch).
      assert.equal(late.range.start, "2026-11-12T00:00:00.000Z");
      assert.equal(late.range.end, "2026-11-20T00:00:00.000Z");
      // 12 to 17 Nov were over at both fetches: the same figures, day for day.
      // (Amounts; the Estimated flag is Cost Explorer's of each fetch: 17 Nov was yesterday at 20:00.)
      const closed = (days: CostsData["byService"]) =>
        days.filter((d) => d.date < "2026-11-18").map(({ date, groups, total }) => ({ date, groups, total }));
      assert.equal(closed(late.byService).length, 6);
      assert.deepEqual(closed(late.byService), closed(now.byService));
      assert.deepEqual(closed(late.bedrockByModel), closed(now.bedrockByModel));
      // 18 Nov as Cost Explorer had it at 20:00: estimated, and no more than the whole day.
      const day = (days: CostsData["byService"]) => days.find((d) => d.date === "2026-11-18")!;
      assert.equal(day(late.byService).estimated, true);
      assert.ok(day(late.byService).total > 0);
      assert.ok(day(late.byService).total <= day(now.byService).total);
      // 19 Nov: not in the cached answer, so said so, never a billed $0.
      assert.deepEqual(late.notInCostExplorer, ["2026-11-19"]);
      assert.equal(now.notInCostExplorer, undefined);
      assert.equal(
        late.byService.find((d) => d.date === "2026-11-19"),
        undefined,
      );
      const rows = late.reconciliation.filter((r) => r.date === "2026-11-19");
      assert.ok(rows.length > 0, "the estimate for the new day is shown");
      for (const r of rows) {
        assert.equal(r.billedUsd, null);
        assert.equal(r.gapUsd, null);
        assert.equal(r.cause, "not yet in Cost Explorer");
      }
    } finally {
      await cached.close();
      await fresh.close();
    }
  });

  test("a restart inside the interval asks nothing (the persisted answers keep their keys); after it, one breakdown", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bedrock-ops-cadence-"));
    const c = clock("2026-11-18T20:00:00.000Z");
    try {
      const first = await start(c, dir);
      let data: CostsData;
      try {
        data = (await costs(first)).data!;
        assert.equal(ceCalls(first).length, 3);
      } finally {
        await first.close();
      }
      c.set(Date.parse("2026-11-19T02:00:00.000Z"));
      const second = await start(c, dir);
      try {
        const again = (await costs(second)).data!;
        assert.equal(ceCalls(second).length, 0, JSON.stringify(ceCalls(second)));
        assert.equal(again.monthToDate, data.monthToDate);
        // The same answer, shown over the day's window (13 Nov on; 12 Nov left the 24 h view's week).
        assert.deepEqual(
          again.byService,
          data.byService.filter((d) => d.date >= "2026-11-13"),
        );
        assert.equal(again.byService.length, 6);
        assert.deepEqual(again.notInCostExplorer, ["2026-11-19"]);
        c.set(Date.parse("2026-11-19T08:10:00.000Z"));
        await costs(second);
        assert.deepEqual(ceCalls(second), ["GetCostAndUsage"]);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a manual refresh still refetches the breakdown at once, rate limited", async () => {
    const c = clock("2026-11-18T20:00:00.000Z");
    const server = await start(c);
    try {
      await costs(server);
      c.set(Date.parse("2026-11-18T21:00:00.000Z"));
      const res = await fetch(`${server.url}/api/refresh/costs?range=24h`, { method: "POST" });
      assert.equal(res.status, 200);
      await settle(server);
      assert.deepEqual(ceCalls(server).slice(3), ["GetCostAndUsage"]);
      const again = await fetch(`${server.url}/api/refresh/costs?range=24h`, { method: "POST" });
      assert.equal(again.status, 429);
      await settle(server);
      assert.equal(ceCalls(server).length, 4);
      // The forced fetch starts the breakdown's 12 h again: nothing more until 09:00.
      const made = await view(
        server,
        c,
        Date.parse("2026-11-18T21:10:00.000Z"),
        Date.parse("2026-11-19T09:10:00.000Z"),
      );
      assert.deepEqual(made, [{ at: "09:00", operation: "GetCostAndUsage" }]);
    } finally {
      await server.close();
    }
  });
  test("the attribution panel by tag on the same cadence: 3 more requests in 24 h, the new day billed null", async () => {
    const c = clock("2026-11-18T20:00:00.000Z");
    const server = await start(c);
    const tag = async () => {
      const res = await fetch(`${server.url}/api/attribution?by=tag:team`);
      assert.equal(res.status, 200);
      const panel = (await res.json()) as Panel<AttributionData>;
      await settle(server);
      assert.equal(panel.error, null, JSON.stringify(panel.error));
      return panel.data!;
    };
    try {
      const t0 = c.get();
      const made: string[] = [];
      let checked = false;
      for (let t = t0; t < t0 + 24 * HOUR; t += 2 * STEP) {
        c.set(t);
        const before = ceCalls(server).length;
        await costs(server);
        const data = await tag();
        if (t === t0 + 280 * 60_000) {
          checked = true;
          // 00:40: the bill by tag was fetched at 20:00; 19 Nov is not in it (null, not $0).
          const day = data.total.days.find((d) => d.date === "2026-11-19")!;
          assert.equal(day.billedUsd, null);
          assert.ok((day.estimatedUsd ?? 0) > 0);
          assert.ok(data.total.days.find((d) => d.date === "2026-11-18")!.billedUsd! > 0);
          assert.ok(data.notes.some((n) => n.message.startsWith("Not yet in Cost Explorer: 2026-11-19")));
        }
        for (const op of ceCalls(server).slice(before))
          made.push(`${new Date(t).toISOString().slice(11, 16)} ${op}`);
      }
      assert.ok(checked);
      // The costs panel's 4, the tag breakdown at 20:00 and 08:00, the tags' status once; the
      // attribution's service filter is the costs panel's monthly answer (no request of its own).
      assert.deepEqual(made.sort(), [
        "08:00 GetCostAndUsage",
        "08:00 GetCostAndUsage",
        "20:00 GetCostAndUsage",
        "20:00 GetCostAndUsage",
        "20:00 GetCostAndUsage",
        "20:00 GetCostForecast",
        "20:00 ListCostAllocationTags",
      ]);
    } finally {
      await server.close();
    }
  });
  test("costs.maxRequestsPerHour caps forced refreshes: past it the last answer is shown, stale, with the reason", async () => {
    const c = clock("2026-11-18T20:00:00.000Z");
    const server = await startServer(parseConfig({ mode: "sandbox", costs: { maxRequestsPerHour: 4 } }), {
      port: 0,
      dataDir: ":memory:",
      now: c.now,
    });
    const refresh = async () => {
      const res = await fetch(`${server.url}/api/refresh/costs?range=24h`, { method: "POST" });
      assert.equal(res.status, 200);
      const panel = (await res.json()) as Panel<CostsData>;
      await settle(server);
      return panel;
    };
    try {
      await costs(server);
      assert.equal(ceCalls(server).length, 3);
      c.set(Date.parse("2026-11-18T20:10:00.000Z"));
      const fourth = await refresh();
      assert.equal(fourth.error, null);
      assert.equal(ceCalls(server).length, 4);
      // 30 minutes later the refresh route allows another, but the hour already holds 4 requests.
      c.set(Date.parse("2026-11-18T20:45:00.000Z"));
      const capped = await refresh();
      assert.equal(ceCalls(server).length, 4);
      assert.equal(capped.error?.code, "CostExplorerCapped");
      assert.match(capped.error?.message ?? "", /costs\.maxRequestsPerHour/);
      assert.equal(capped.stale, true);
      assert.equal(capped.asOf, "2026-11-18T20:10:00.000Z");
      assert.ok((capped.data?.byService.length ?? 0) > 0);
      // An hour after the first requests the cap has room again.
      c.set(Date.parse("2026-11-18T21:20:00.000Z"));
      assert.equal((await refresh()).error, null);
      assert.equal(ceCalls(server).length, 5);
    } finally {
      await server.close();
    }
  });
});
