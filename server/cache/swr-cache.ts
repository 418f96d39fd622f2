/**
 * The panel cache: a TTL per source, stale-while-revalidate, one flight per key (any number of
 * concurrent viewers cause one AWS call), last good values persisted, and failures remembered
 * briefly so a failing source is not hammered. With a shared store (replicas on one PostgreSQL)
 * the flight is one across processes: a lease row per key, the others wait for its result.
 * Bounded: the entries held in memory stay under a byte budget (their serialised size) and an
 * entry count, least recently used first; the persisted entries are pruned to their own byte
 * budget while running.
 */
import { randomUUID } from "node:crypto";
import { withLease } from "../store/leases.ts";
import { serialized } from "./serialized.ts";
import type { CacheStore, StoredEntry } from "./store.ts";

/** How long a replica's flight lease lasts without a heartbeat (renewed every third of it). */
const FLIGHT_LEASE_MS = 30_000;
/** How often a replica waiting on another's flight looks for its result. */
const FLIGHT_POLL_MS = 200;

export interface CachedError {
  code: string;
  message: string;
  permission?: string;
}

export interface CacheResult<T> {
  value: T | null;
  /** Epoch ms of the fetch that produced `value`. */
  fetchedAt: number | null;
  stale: boolean;
  error: CachedError | null;
}

interface Entry {
  value: unknown;
  fetchedAt: number | null;
  error: CachedError | null;
  errorAt: number | null;
  flight: Promise<void> | null;
  /** Read from the store yet (once per key; again whenever stale when the store is shared). */
  hydrated: boolean;
  /** Serialised size of `value` (UTF-16 code units, about bytes for this JSON). */
  bytes: number;
  /**
   * The answer while the entry is fresh and unchanged: one object per value, so what is derived
   * from it downstream (panels, their bytes and ETag) is reused by identity. Cleared on change.
   */
  fresh: CacheResult<unknown> | null;
}

interface Fetched {
  value: unknown;
  fetchedAt: number;
  /** Already written to the store (by us under the lease, or by another replica). */
  persisted: boolean;
}

export interface SwrOptions {
  now: () => number;
  store?: CacheStore | undefined;
  describeError: (err: unknown) => CachedError;
  /** How long a failure is remembered before the next request retries (capped by the TTL). */
  errorTtlMs?: number;
  /** At most this many keys in memory (default 1,000). */
  maxEntries?: number;
  /** At most this many serialised bytes of values in memory (default 64 MB). */
  maxBytes?: number;
  /** Persisted entries are pruned to this many bytes (default 256 MB) every `pruneEvery` writes. */
  maxStoredBytes?: number;
  pruneEvery?: number;
  /**
   * How long a request waits for a fetch when there is nothing to show yet (default 10 s). Past
   * it the request answers with an error saying AWS has not answered; the fetch goes on and
   * later requests get its result.
   */
  waitMs?: number;
  /** Told of each failed refresh (the key's source and the described error; never a secret). */
  onError?: (key: string, error: CachedError) => void;
}

export interface GetOptions {
  /** Refetch now even when fresh (manual refresh). Joins a flight already under way. */
  force?: boolean;
}

const sizeOf = (value: unknown): number => (value === null ? 0 : serialized(value).length);

export class SwrCache {
  private readonly entries = new Map<string, Entry>();
  /** Fetches started per key, for tests and the usage panel (bounded like the entries). */
  readonly fetches = new Map<string, number>();
  /** This cache's name on flight leases. */
  private readonly owner = randomUUID();
  private heldBytes = 0;
  private writes = 0;

  constructor(private readonly options: SwrOptions) {}

  /** Keys and serialised bytes held in memory now. */
  stats(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.heldBytes };
  }

  private entry(key: string): Entry {
    let e = this.entries.get(key);
    if (e) {
      // Most recently used last: eviction takes from the front.
      this.entries.delete(key);
      this.entries.set(key, e);
      return e;
    }
    e = {
      value: null,
      fetchedAt: null,
      error: null,
      errorAt: null,
      flight: null,
      hydrated: false,
      bytes: 0,
      fresh: null,
    };
    this.entries.set(key, e);
    this.evict(key);
    return e;
  }

  /** Set an entry's value, keeping the byte count of what memory holds. */
  private hold(key: string, e: Entry, value: unknown, fetchedAt: number): void {
    const bytes = sizeOf(value);
    if (this.entries.get(key) === e) this.heldBytes += bytes - e.bytes;
    e.value = value;
    e.bytes = bytes;
    e.fetchedAt = fetchedAt;
    e.error = null;
    e.errorAt = null;
    e.fresh = null;
    if (this.entries.get(key) === e) this.evict(key);
  }

  private evict(keep: string): void {
    const maxEntries = this.options.maxEntries ?? 1_000;
    const maxBytes = this.options.maxBytes ?? 64 * 1024 * 1024;
    if (this.entries.size <= maxEntries && this.heldBytes <= maxBytes) return;
    for (const [k, old] of this.entries) {
      if (this.entries.size <= maxEntries && this.heldBytes <= maxBytes) break;
      if (old.flight || k === keep) continue;
      this.entries.delete(k);
      this.fetches.delete(k);
      this.heldBytes -= old.bytes;
    }
  }

  /** Take a newer value from the store (a restart's persisted value, or another replica's fetch). */
  private async hydrate(key: string, e: Entry, ttlMs: number): Promise<void> {
    const store = this.options.store;
    if (!store) return;
    const fresh = e.fetchedAt !== null && this.options.now() - e.fetchedAt < ttlMs;
    if (e.hydrated && (!store.shared || fresh || e.flight)) return;
    e.hydrated = true;
    let stored: StoredEntry | undefined;
    try {
      stored = await store.get(key);
    } catch {
      return; // Best effort: the store is only a cache here.
    }
    if (stored && (e.fetchedAt === null || stored.fetchedAt > e.fetchedAt))
      this.hold(key, e, stored.value, stored.fetchedAt);
  }

  /** Count a write to the store, and prune the store to its byte budget every so often. */
  private async written(): Promise<void> {
    const store = this.options.store;
    if (!store) return;
    this.writes += 1;
    if (this.writes % (this.options.pruneEvery ?? 50) === 0)
      await store.pruneToBytes(this.options.maxStoredBytes ?? 256 * 1024 * 1024).catch(() => undefined);
  }

  private counted(key: string, fetch: () => Promise<unknown>): () => Promise<unknown> {
    return () => {
      this.fetches.set(key, (this.fetches.get(key) ?? 0) + 1);
      return fetch();
    };
  }

  /**
   * One flight across every process sharing the store: whoever holds the key's lease fetches
   * and writes the result; the others wait for it to appear. A holder that dies stops renewing,
   * its lease expires and a waiter takes over.
   */
  private async sharedFetch(
    key: string,
    ttlMs: number,
    fetch: () => Promise<unknown>,
    force: boolean,
  ): Promise<Fetched> {
    const store = this.options.store!;
    const startedAt = this.options.now();
    const usable = (s: StoredEntry | undefined): s is StoredEntry =>
      s !== undefined && (force ? s.fetchedAt >= startedAt : this.options.now() - s.fetchedAt < ttlMs);
    for (;;) {
      const held = await withLease(store.leases, `cache:${key}`, this.owner, FLIGHT_LEASE_MS, async () => {
        const current = await store.get(key);
        if (usable(current)) return { ...current, persisted: true };
        const value = await fetch();
        const at = this.options.now();
        await store.put(key, value, at);
        await this.written();
        return { value, fetchedAt: at, persisted: true };
      });
      if (held) return held.value;
      await new Promise((resolve) => setTimeout(resolve, FLIGHT_POLL_MS));
      const theirs = await store.get(key);
      if (usable(theirs)) return { ...theirs, persisted: true };
    }
  }

  private start(
    key: string,
    e: Entry,
    fetch: () => Promise<unknown>,
    ttlMs: number,
    force = false,
  ): Promise<void> {
    if (e.flight) return e.flight;
    const store = this.options.store;
    const counted = this.counted(key, fetch);
    const run: () => Promise<Fetched> = store?.shared
      ? () => this.sharedFetch(key, ttlMs, counted, force)
      : async () => ({ value: await counted(), fetchedAt: this.options.now(), persisted: false });
    e.flight = run()
      .then(async (got) => {
        this.hold(key, e, got.value, got.fetchedAt);
        if (!got.persisted && store) {
          // Persisting is best effort (e.g. the database closed during shutdown).
          try {
            await store.put(key, got.value, got.fetchedAt);
            await this.written();
          } catch {
            // The value is served from memory all the same.
          }
        }
      })
      .catch((err: unknown) => {
        e.error = this.options.describeError(err);
        e.errorAt = this.options.now();
        e.fresh = null;
        this.options.onError?.(key, e.error);
      })
      .finally(() => {
        e.flight = null;
      });
    return e.flight;
  }

  private result<T>(e: Entry, ttlMs: number): CacheResult<T> {
    const fresh = e.fetchedAt !== null && this.options.now() - e.fetchedAt < ttlMs;
    return {
      value: e.value as T | null,
      fetchedAt: e.fetchedAt,
      stale: e.value !== null && (!fresh || e.error !== null),
      error: e.error,
    };
  }

  /**
   * The fast path of a cached panel: a fresh value held in memory (and, with a shared store,
   * nothing newer to look for) is answered without touching the store, with the same result
   * object as long as the entry does not change.
   */
  private freshHit<T>(key: string, ttlMs: number): CacheResult<T> | null {
    const e = this.entries.get(key);
    if (!e?.hydrated || e.fetchedAt === null || e.value === null || e.error !== null) return null;
    if (this.options.now() - e.fetchedAt >= ttlMs) return null;
    // Most recently used last: eviction takes from the front.
    this.entries.delete(key);
    this.entries.set(key, e);
    e.fresh ??= { value: e.value, fetchedAt: e.fetchedAt, stale: false, error: null };
    return e.fresh as CacheResult<T>;
  }

  async get<T>(
    key: string,
    ttlMs: number,
    fetch: () => Promise<T>,
    options: GetOptions = {},
  ): Promise<CacheResult<T>> {
    if (!options.force) {
      const hit = this.freshHit<T>(key, ttlMs);
      if (hit) return hit;
    }
    const e = this.entry(key);
    await this.hydrate(key, e, ttlMs);
    const now = this.options.now();
    const fresh = e.fetchedAt !== null && now - e.fetchedAt < ttlMs;
    if (options.force) {
      await this.within(this.start(key, e, fetch, ttlMs, true));
      return this.result<T>(e, ttlMs);
    }
    if (fresh) return this.result<T>(e, ttlMs);
    const errorTtl = Math.min(ttlMs, this.options.errorTtlMs ?? 30_000);
    const recentFailure = e.errorAt !== null && now - e.errorAt < errorTtl;
    if (e.value !== null) {
      if (!recentFailure) void this.start(key, e, fetch, ttlMs);
      return { ...this.result<T>(e, ttlMs), stale: true };
    }
    if (!recentFailure || e.flight) {
      const waited = await this.within(this.start(key, e, fetch, ttlMs));
      if (!waited && e.value === null)
        return {
          value: null,
          fetchedAt: null,
          stale: false,
          error: {
            code: "SourceTimeout",
            message: `AWS has not answered within ${Math.round(this.waitMs() / 1000)} s; the request goes on in the background, reload in a moment.`,
          },
        };
    }
    return this.result<T>(e, ttlMs);
  }

  private waitMs(): number {
    return this.options.waitMs ?? 10_000;
  }

  /** Whether `flight` settled within the wait limit (a hung AWS call never holds a request). */
  private within(flight: Promise<void>): Promise<boolean> {
    return settledWithin(flight, this.waitMs());
  }

  /** Wait for every flight under way (tests, shutdown), at most `limitMs` when given (a hung call is not waited for). */
  async settle(limitMs?: number): Promise<void> {
    const all = Promise.all([...this.entries.values()].map((e) => e.flight)).then(() => undefined);
    if (limitMs === undefined) return all;
    await settledWithin(all, limitMs);
  }
}

/** Whether `work` settled within `ms` (the timer never holds the process open). */
async function settledWithin(work: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref();
  });
  try {
    return await Promise.race([work.then(() => true as const), limit]);
  } finally {
    clearTimeout(timer);
  }
}
