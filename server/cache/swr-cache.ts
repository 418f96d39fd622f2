/**
 * The panel cache: a TTL per source, stale-while-revalidate, one flight per key (any number of
 * concurrent viewers cause one AWS call), last good values persisted, and failures remembered
 * briefly so a failing source is not hammered. Bounded: the entries held in memory stay under a
 * byte budget (their serialised size) and an entry count, least recently used first; the
 * persisted entries are pruned to their own byte budget while running.
 */
import { serialized } from "./serialized.ts";
import type { CacheStore } from "./store.ts";

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
  /** Serialised size of `value` (UTF-16 code units, about bytes for this JSON). */
  bytes: number;
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

export class SwrCache {
  private readonly entries = new Map<string, Entry>();
  /** Fetches started per key, for tests and the usage panel (bounded like the entries). */
  readonly fetches = new Map<string, number>();
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
    const stored = this.options.store?.get(key);
    const value = stored?.value ?? null;
    e = {
      value,
      fetchedAt: stored?.fetchedAt ?? null,
      error: null,
      errorAt: null,
      flight: null,
      bytes: value === null ? 0 : serialized(value).length,
    };
    this.entries.set(key, e);
    this.heldBytes += e.bytes;
    this.evict(key);
    return e;
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

  private persist(key: string, value: unknown, at: number): void {
    const store = this.options.store;
    if (!store) return;
    try {
      store.put(key, value, at);
      this.writes += 1;
      if (this.writes % (this.options.pruneEvery ?? 50) === 0)
        store.pruneToBytes(this.options.maxStoredBytes ?? 256 * 1024 * 1024);
    } catch {
      // Persisting is best effort (e.g. the database closed during shutdown).
    }
  }

  private start(key: string, e: Entry, fetch: () => Promise<unknown>): Promise<void> {
    if (e.flight) return e.flight;
    this.fetches.set(key, (this.fetches.get(key) ?? 0) + 1);
    e.flight = fetch()
      .then((value) => {
        const at = this.options.now();
        const bytes = value === null ? 0 : serialized(value).length;
        if (this.entries.get(key) === e) this.heldBytes += bytes - e.bytes;
        e.value = value;
        e.bytes = bytes;
        e.fetchedAt = at;
        e.error = null;
        e.errorAt = null;
        this.persist(key, value, at);
        if (this.entries.get(key) === e) this.evict(key);
      })
      .catch((err: unknown) => {
        e.error = this.options.describeError(err);
        e.errorAt = this.options.now();
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

  async get<T>(
    key: string,
    ttlMs: number,
    fetch: () => Promise<T>,
    options: GetOptions = {},
  ): Promise<CacheResult<T>> {
    const e = this.entry(key);
    const now = this.options.now();
    const fresh = e.fetchedAt !== null && now - e.fetchedAt < ttlMs;
    if (options.force) {
      await this.within(this.start(key, e, fetch));
      return this.result<T>(e, ttlMs);
    }
    if (fresh) return this.result<T>(e, ttlMs);
    const errorTtl = Math.min(ttlMs, this.options.errorTtlMs ?? 30_000);
    const recentFailure = e.errorAt !== null && now - e.errorAt < errorTtl;
    if (e.value !== null) {
      if (!recentFailure) void this.start(key, e, fetch);
      return { ...this.result<T>(e, ttlMs), stale: true };
    }
    if (!recentFailure || e.flight) {
      const waited = await this.within(this.start(key, e, fetch));
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
  private async within(flight: Promise<void>): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), this.waitMs());
      timer.unref();
    });
    try {
      return await Promise.race([flight.then(() => true as const), limit]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Wait for every flight under way (tests, shutdown). */
  async settle(): Promise<void> {
    await Promise.all([...this.entries.values()].map((e) => e.flight));
  }
}
