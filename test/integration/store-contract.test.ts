/**
 * The store contract, run against both backends: SQLite (a file under a temporary data
 * directory) and PostgreSQL (a throwaway server started by this file, see test/helpers/postgres.ts).
 * Two stores opened on the same file or database stand for two replicas.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it, type TestContext } from "node:test";
import { createBenchScheduler } from "../../server/bench/schedule.ts";
import { BenchStore, RUN_LEASE_MS } from "../../server/bench/store.ts";
import type { RequestRow } from "../../server/bench/types.ts";
import { CacheStore } from "../../server/cache/store.ts";
import { SwrCache } from "../../server/cache/swr-cache.ts";
import { openStore, type Store } from "../../server/store/index.ts";
import { Leases } from "../../server/store/leases.ts";
import { postgresUnavailable, startPostgres } from "../helpers/postgres.ts";

const server = await startPostgres();
const pgError = "error" in server ? server.error : null;
if (pgError) process.stderr.write(`${postgresUnavailable(pgError)}\n`);
after(() => {
  if (!("error" in server)) server.stop();
});

/** A shared wall clock for the stores' leases, moved by the tests. */
const clock = { t: Date.parse("2026-11-22T10:00:00Z") };
const now = () => clock.t;

interface Backend {
  name: "sqlite" | "postgres";
  /** A fresh, empty place; returns an opener (call it twice for two replicas). */
  space(): Promise<() => Promise<Store>>;
}

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
let dbCount = 0;

const BACKENDS: Backend[] = [
  {
    name: "sqlite",
    async space() {
      const dir = mkdtempSync(join(tmpdir(), "bedrock-ops-store-"));
      dirs.push(dir);
      return () => openStore({ kind: "sqlite", dataDir: dir }, { clock: now });
    },
  },
  {
    name: "postgres",
    async space() {
      if ("error" in server) throw new Error(server.error);
      const url = await server.createDatabase(`contract_${process.pid}_${++dbCount}`);
      return () => openStore({ kind: "postgres", url }, { clock: now });
    },
  },
];

/** Skip a PostgreSQL test loudly when the server could not start; under CI that is a failure. */
function unavailable(t: TestContext, backend: Backend): boolean {
  if (backend.name !== "postgres" || !pgError) return false;
  if (process.env.CI) assert.fail(`PostgreSQL is required under CI: ${pgError}`);
  t.skip(`PostgreSQL did not start: ${pgError}`);
  return true;
}

function row(runId: string, seq: number, over: Partial<RequestRow> = {}): RequestRow {
  return {
    runId,
    seq,
    modelId: "amazon.nova-lite-v1:0",
    promptId: "greeting",
    repetition: 0,
    warmup: false,
    startedAt: "2026-11-22T03:00:00.000Z",
    status: "ok",
    errorCode: null,
    errorMessage: null,
    midStream: false,
    firstEventMs: 100.5,
    ttftMs: 200.25,
    endToEndMs: 1000.125,
    interTokenMs: 5.5,
    serverLatencyMs: 950,
    inputTokens: 100,
    outputTokens: 200,
    stopReason: "end_turn",
    requestId: `req-${seq}`,
    qualityPass: true,
    qualityFailures: [],
    costUsd: 0.000054,
    outputChars: 800,
    ...over,
  };
}

for (const backend of BACKENDS) {
  describe(`store contract: ${backend.name}`, () => {
    it("migrates once, also when two replicas open an empty store at the same moment", async (t) => {
      if (unavailable(t, backend)) return;
      const open = await backend.space();
      const [a, b] = await Promise.all([open(), open()]);
      const applied = await a.sql.all<{ id: string }>("SELECT id FROM migrations ORDER BY id");
      assert.deepEqual(
        applied.map((r) => r.id),
        ["bench-1", "cache-1", "leases-1"],
      );
      await Promise.all([a.close(), b.close()]);
      const again = await open();
      assert.equal(again.status().status, "ok");
      assert.equal(again.status().kind, backend.name);
      await again.close();
    });

    it("keeps the newest cache value per key, prunes old ones, and accumulates spend from two replicas", async (t) => {
      if (unavailable(t, backend)) return;
      const open = await backend.space();
      const [sa, sb] = await Promise.all([open(), open()]);
      const a = new CacheStore(sa);
      const b = new CacheStore(sb);
      await a.put("costs:x", { total: 12.34, rows: [1, 2] }, 2_000);
      await b.put("costs:x", { total: 1 }, 1_000); // an older fetch finishing late loses
      assert.deepEqual(await b.get("costs:x"), { value: { total: 12.34, rows: [1, 2] }, fetchedAt: 2_000 });
      await a.put("metrics:y", [1], 500);
      assert.equal(await a.prune(1_000), 1);
      assert.equal(await a.get("metrics:y"), undefined);
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          (i % 2 ? a : b).addSpend("2026-11-22", "ce:GetCostAndUsage", 1, 0.01),
        ),
      );
      const spend = await a.spend("2026-11-22");
      assert.equal(spend.length, 1);
      assert.equal(spend[0]!.count, 40);
      assert.ok(Math.abs(spend[0]!.usd - 0.4) < 1e-9);
      await Promise.all([sa.close(), sb.close()]);
    });

    it("gives a lease to one holder until it is released or expires", async (t) => {
      if (unavailable(t, backend)) return;
      const open = await backend.space();
      const [sa, sb] = await Promise.all([open(), open()]);
      const a = new Leases(sa);
      const b = new Leases(sb);
      const results = await Promise.all([
        a.acquire("cache:k", "A", 30_000),
        b.acquire("cache:k", "B", 30_000),
      ]);
      assert.deepEqual(
        results.filter(Boolean).length,
        1,
        "exactly one of two concurrent acquirers holds the lease",
      );
      const holder = results[0] ? "A" : "B";
      const [mine, theirs] = holder === "A" ? [a, b] : [b, a];
      const other = holder === "A" ? "B" : "A";
      assert.equal((await theirs.holder("cache:k"))?.owner, holder);
      clock.t += 20_000;
      assert.equal(await mine.renew("cache:k", holder, 30_000), true);
      clock.t += 20_000; // 40 s after acquiring, 20 s after renewing: still held
      assert.equal(await theirs.acquire("cache:k", other, 30_000), false);
      clock.t += 11_000; // past the renewed expiry: the holder is presumed dead
      assert.equal(await theirs.acquire("cache:k", other, 30_000), true);
      assert.equal(await mine.renew("cache:k", holder, 30_000), false, "a lost lease cannot be renewed");
      await mine.release("cache:k", holder); // not the holder any more: no effect
      assert.equal((await a.holder("cache:k"))?.owner, other);
      await theirs.release("cache:k", other);
      assert.equal(await a.holder("cache:k"), null);
      await Promise.all([sa.close(), sb.close()]);
    });

    it("round-trips runs and every field of a request row", async (t) => {
      if (unavailable(t, backend)) return;
      const store = await (await backend.space())();
      const bench = new BenchStore(store);
      const older = await bench.createRun("twin", ["m"], { seed: 1 }, new Date("2026-11-21T03:00:00Z"));
      await bench.finishRun(older, "complete", new Date("2026-11-21T03:05:00Z"), null);
      const id = await bench.createRun(
        "twin",
        ["amazon.nova-lite-v1:0"],
        { seed: 42 },
        new Date("2026-11-22T03:00:00Z"),
      );
      const rows = [
        row(id, 0, { warmup: true }),
        row(id, 1, {
          status: "throttled",
          errorCode: "ThrottlingException",
          errorMessage: 'Too many "requests", slow down',
          midStream: true,
          qualityPass: null,
          qualityFailures: ["a", "b"],
          costUsd: null,
          firstEventMs: null,
        }),
        row(id, 2, { qualityPass: false }),
        row(id, 3, { status: "cancelled", errorCode: "AbortError" }),
      ];
      for (const r of rows) await bench.addRequest(r);
      assert.deepEqual(await bench.requests(id), rows);
      const run = (await bench.getRun(id))!;
      assert.equal(run.status, "running");
      assert.equal(run.requests, 2, "warm-up and cancelled requests are not counted");
      assert.deepEqual(run.manifest, { seed: 42 });
      assert.deepEqual(
        (await bench.listRuns({ suite: "twin" })).map((r) => r.id),
        [id, older],
      );
      assert.deepEqual(
        (await bench.previousRuns("twin", "2026-11-22T03:00:00.000Z")).map((r) => r.id),
        [older],
      );
      await bench.finishRun(id, "complete", new Date("2026-11-22T03:10:00Z"), null);
      await store.close();
    });

    it("recovers a run whose lease expired, whatever its recorded PID now belongs to", async (t) => {
      if (unavailable(t, backend)) return;
      const open = await backend.space();
      const [sa, sb] = await Promise.all([open(), open()]);
      const dead = new BenchStore(sa, { owner: "process-that-died" });
      const next = new BenchStore(sb, { owner: "next-process" });
      const id = await dead.createRun("twin", ["m"], {}, new Date("2026-11-22T10:00:00Z"));
      dead.stopHeartbeat(id); // the process dies: nothing renews its lease
      // Its PID now belongs to a live process (this one): a PID check would call it alive.
      await sa.sql.run("UPDATE bench_runs SET pid = ? WHERE id = ?", [process.pid, id]);
      clock.t += RUN_LEASE_MS / 2;
      assert.equal(await next.isSuiteRunning("twin"), true, "a live lease means running on another replica");
      assert.deepEqual(await next.recoverAbandoned(new Date()), []);
      clock.t += RUN_LEASE_MS;
      assert.equal(await next.isSuiteRunning("twin"), false);
      assert.deepEqual(await next.recoverAbandoned(new Date("2026-11-22T11:00:00Z")), [id]);
      const run = (await next.getRun(id))!;
      assert.equal(run.status, "incomplete");
      assert.equal(run.finishedAt, "2026-11-22T11:00:00.000Z");
      assert.equal(await dead.heartbeat(id), false, "a recovered run's lease cannot be renewed");
      await Promise.all([sa.close(), sb.close()]);
    });

    it("keeps a run whose owner renews its lease", async (t) => {
      if (unavailable(t, backend)) return;
      const open = await backend.space();
      const [sa, sb] = await Promise.all([open(), open()]);
      const live = new BenchStore(sa, { owner: "live" });
      const other = new BenchStore(sb, { owner: "other" });
      const id = await live.createRun("twin", ["m"], {}, new Date());
      for (let i = 0; i < 4; i++) {
        clock.t += RUN_LEASE_MS / 2;
        assert.equal(await live.heartbeat(id), true);
      }
      assert.deepEqual(await other.recoverAbandoned(new Date()), []);
      assert.equal(await other.isSuiteRunning("twin"), true);
      await live.finishRun(id, "complete", new Date(), null);
      assert.equal(await other.isSuiteRunning("twin"), false);
      await Promise.all([sa.close(), sb.close()]);
    });

    it("runs each schedule fire once across two replicas", async (t) => {
      if (unavailable(t, backend)) return;
      const open = await backend.space();
      const [sa, sb] = await Promise.all([open(), open()]);
      let at = new Date("2026-11-20T05:59:00Z");
      const started: string[] = [];
      const releases: Array<() => void> = [];
      const replica = (store: Store, name: string) =>
        createBenchScheduler({
          schedules: [{ cron: "0 6 * * *", suite: "twin" }],
          store: new BenchStore(store, { owner: name }),
          now: () => at,
          tickMs: 3_600_000,
          run: (s) => {
            started.push(`${name}:${s.suite}@${at.toISOString()}`);
            return new Promise((resolve) => releases.push(() => resolve({ runId: `${name}-run` })));
          },
        });
      const a = replica(sa, "A");
      const b = replica(sb, "B");
      await Promise.all([a.start(), b.start()]);
      at = new Date("2026-11-20T06:00:20Z");
      await Promise.all([a.tick(), b.tick()]);
      assert.equal(started.length, 1, `one run for one fire time, got ${started.join(", ")}`);
      at = new Date("2026-11-20T06:00:40Z");
      await Promise.all([a.tick(), b.tick()]);
      assert.equal(started.length, 1);
      for (const release of releases) release();
      await Promise.all([a.stop(), b.stop()]);
      await Promise.all([sa.close(), sb.close()]);
    });

    it("makes one fetch for a key however many replicas ask at once (a shared store)", async (t) => {
      if (unavailable(t, backend)) return;
      if (backend.name === "sqlite") {
        // The embedded store is one process's; flights are shared in memory (cache-swr tests).
        const store = await (await backend.space())();
        assert.equal(store.shared, false);
        await store.close();
        return;
      }
      const open = await backend.space();
      const stores = await Promise.all([open(), open(), open()]);
      const dataNow = () => Date.parse("2026-11-22T10:00:00Z");
      const caches = stores.map(
        (s) =>
          new SwrCache({
            now: dataNow,
            store: new CacheStore(s),
            describeError: () => ({ code: "X", message: "x" }),
          }),
      );
      let fetches = 0;
      let release: () => void = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const fetch = async () => {
        fetches++;
        await gate;
        return { total: 42 };
      };
      const answers = caches.map((c) => c.get("costs:shared", 60_000, fetch));
      // Release the fetch only once every replica has had the chance to ask.
      while ((await stores[0]!.sql.all("SELECT name FROM leases")).length === 0)
        await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 300));
      release();
      const results = await Promise.all(answers);
      assert.equal(fetches, 1, "three replicas, one AWS call");
      for (const r of results) assert.deepEqual(r.value, { total: 42 });
      // A fourth replica started later serves the shared value without fetching.
      const late = new SwrCache({
        now: dataNow,
        store: new CacheStore(stores[0]!),
        describeError: () => ({ code: "X", message: "x" }),
      });
      assert.deepEqual((await late.get("costs:shared", 60_000, fetch)).value, { total: 42 });
      assert.equal(fetches, 1);
      await Promise.all(stores.map((s) => s.close()));
    });
  });
}
