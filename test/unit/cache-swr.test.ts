/** The panel cache: one flight per key, stale-while-revalidate, failures, persistence across reopen, keys, rate limit. */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { cacheKey } from "../../server/cache/keys.ts";
import { RateLimiter } from "../../server/cache/rate-limit.ts";
import { CacheStore } from "../../server/cache/store.ts";
import { SwrCache } from "../../server/cache/swr-cache.ts";
import { openStore } from "../../server/store/index.ts";

const describeError = (err: unknown) => ({ code: (err as Error).name, message: (err as Error).message });

function clock(start = 1_000_000) {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

describe("SwrCache", () => {
  test("reports each failed refresh once to onError, with the key and the described error", async () => {
    const c = clock();
    const failures: string[] = [];
    const cache = new SwrCache({
      now: c.now,
      describeError,
      onError: (key, e) => failures.push(`${key} ${e.code}`),
    });
    const fail = async (): Promise<number> => {
      const err = new Error("Rate exceeded");
      err.name = "ThrottlingException";
      throw err;
    };
    const first = await cache.get("costs:x", 60_000, fail);
    await cache.get("costs:x", 60_000, fail);
    assert.equal(first.error?.code, "ThrottlingException");
    assert.deepEqual(failures, ["costs:x ThrottlingException"]);
  });

  test("100 concurrent requests for one key cause one fetch", async () => {
    const c = clock();
    const cache = new SwrCache({ now: c.now, describeError });
    let fetches = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const fetch = async () => {
      fetches++;
      await gate;
      return { value: 42 };
    };
    const pending = Array.from({ length: 100 }, () => cache.get("metrics:a", 60_000, fetch));
    release();
    const results = await Promise.all(pending);
    assert.equal(fetches, 1);
    assert.ok(results.every((r) => r.value?.value === 42 && !r.stale && r.error === null));
  });

  test("fresh within the TTL; past it the old value is served stale while one refetch runs", async () => {
    const c = clock();
    const cache = new SwrCache({ now: c.now, describeError });
    let n = 0;
    const fetch = async () => ++n;
    assert.equal((await cache.get("k", 60_000, fetch)).value, 1);
    c.advance(59_999);
    assert.deepEqual(await cache.get("k", 60_000, fetch), {
      value: 1,
      fetchedAt: 1_000_000,
      stale: false,
      error: null,
    });
    c.advance(1);
    const stale = await cache.get("k", 60_000, fetch);
    assert.equal(stale.value, 1);
    assert.equal(stale.stale, true);
    await cache.settle();
    const fresh = await cache.get("k", 60_000, fetch);
    assert.equal(fresh.value, 2);
    assert.equal(fresh.stale, false);
    assert.equal(n, 2);
  });

  test("a failed refresh keeps the last good value, marked stale with the error; without one, the error alone", async () => {
    const c = clock();
    const cache = new SwrCache({ now: c.now, describeError, errorTtlMs: 30_000 });
    await cache.get("k", 1_000, async () => "good");
    c.advance(2_000);
    const throttled = async () => {
      throw Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
    };
    const forced = await cache.get("k", 1_000, throttled, { force: true });
    assert.equal(forced.value, "good");
    assert.equal(forced.stale, true);
    assert.deepEqual(forced.error, { code: "ThrottlingException", message: "Rate exceeded" });
    let attempts = 0;
    const failing = async () => {
      attempts++;
      throw Object.assign(new Error("denied"), { name: "AccessDeniedException" });
    };
    const none = await cache.get("other", 1_000, failing);
    assert.equal(none.value, null);
    assert.equal(none.error?.code, "AccessDeniedException");
    await cache.get("other", 1_000, failing);
    assert.equal(attempts, 1, "a recent failure is not retried at once");
  });

  test("values persist in SQLite: a reopened cache serves them without fetching", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bedrock-ops-cache-"));
    try {
      const c = clock();
      const db1 = await openStore({ kind: "sqlite", dataDir: dir });
      const first = new SwrCache({ now: c.now, describeError, store: new CacheStore(db1) });
      await first.get("costs:x", 21_600_000, async () => ({ total: 12.34 }));
      await db1.close();
      const db2 = await openStore({ kind: "sqlite", dataDir: dir });
      let fetched = false;
      const second = new SwrCache({ now: c.now, describeError, store: new CacheStore(db2) });
      c.advance(3_600_000);
      const out = await second.get("costs:x", 21_600_000, async () => {
        fetched = true;
        return { total: 0 };
      });
      await db2.close();
      assert.equal(fetched, false);
      assert.deepEqual(out.value, { total: 12.34 });
      assert.equal(out.fetchedAt, 1_000_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("cacheKey", () => {
  test("includes every input, independent of property order", () => {
    assert.equal(
      cacheKey("metrics", { preset: "3h", models: ["b", "a"] }),
      cacheKey("metrics", { models: ["b", "a"], preset: "3h" }),
    );
    assert.notEqual(
      cacheKey("metrics", { preset: "3h", models: [] }),
      cacheKey("metrics", { preset: "1h", models: [] }),
    );
    assert.notEqual(
      cacheKey("metrics", { preset: "3h", functions: ["a"] }),
      cacheKey("metrics", { preset: "3h", functions: ["b"] }),
    );
    assert.notEqual(cacheKey("metrics", { preset: "3h" }), cacheKey("logs", { preset: "3h" }));
  });
});

describe("RateLimiter", () => {
  test("one refresh per interval per key", () => {
    const c = clock();
    const limiter = new RateLimiter((key) => (key === "costs" ? 300_000 : 10_000), c.now);
    assert.equal(limiter.take("costs"), 0);
    assert.equal(limiter.take("metrics"), 0);
    c.advance(10_000);
    assert.equal(limiter.take("metrics"), 0);
    assert.equal(limiter.take("costs"), 290_000);
    c.advance(290_000);
    assert.equal(limiter.take("costs"), 0);
  });
});
