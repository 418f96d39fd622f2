/**
 * The panel cache: a TTL per source, stale-while-revalidate, one flight per key (any number of
 * concurrent viewers cause one AWS call), last good values persisted, and failures remembered
 * briefly so a failing source is not hammered.
 */
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
}

export interface SwrOptions {
  now: () => number;
  store?: CacheStore | undefined;
  describeError: (err: unknown) => CachedError;
  /** How long a failure is remembered before the next request retries (capped by the TTL). */
  errorTtlMs?: number;
  maxEntries?: number;
  /** Told of each failed refresh (the key's source and the described error; never a secret). */
  onError?: (key: string, error: CachedError) => void;
}

export interface GetOptions {
  /** Refetch now even when fresh (manual refresh). Joins a flight already under way. */
  force?: boolean;
}

export class SwrCache {
  private readonly entries = new Map<string, Entry>();
  /** Fetches started per key, for tests and the usage panel. */
  readonly fetches = new Map<string, number>();

  constructor(private readonly options: SwrOptions) {}

  private entry(key: string): Entry {
    let e = this.entries.get(key);
    if (!e) {
      const stored = this.options.store?.get(key);
      e = {
        value: stored?.value ?? null,
        fetchedAt: stored?.fetchedAt ?? null,
        error: null,
        errorAt: null,
        flight: null,
      };
      this.entries.set(key, e);
      const max = this.options.maxEntries ?? 1_000;
      if (this.entries.size > max) {
        for (const [k, old] of this.entries) {
          if (!old.flight && k !== key) {
            this.entries.delete(k);
            break;
          }
        }
      }
    }
    return e;
  }

  private start(key: string, e: Entry, fetch: () => Promise<unknown>): Promise<void> {
    if (e.flight) return e.flight;
    this.fetches.set(key, (this.fetches.get(key) ?? 0) + 1);
    e.flight = fetch()
      .then((value) => {
        const at = this.options.now();
        e.value = value;
        e.fetchedAt = at;
        e.error = null;
        e.errorAt = null;
        try {
          this.options.store?.put(key, value, at);
        } catch {
          // Persisting is best effort (e.g. the database closed during shutdown).
        }
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
      await this.start(key, e, fetch);
      return this.result<T>(e, ttlMs);
    }
    if (fresh) return this.result<T>(e, ttlMs);
    const errorTtl = Math.min(ttlMs, this.options.errorTtlMs ?? 30_000);
    const recentFailure = e.errorAt !== null && now - e.errorAt < errorTtl;
    if (e.value !== null) {
      if (!recentFailure) void this.start(key, e, fetch);
      return { ...this.result<T>(e, ttlMs), stale: true };
    }
    if (!recentFailure || e.flight) await this.start(key, e, fetch);
    return this.result<T>(e, ttlMs);
  }

  /** Wait for every flight under way (tests, shutdown). */
  async settle(): Promise<void> {
    await Promise.all([...this.entries.values()].map((e) => e.flight));
  }
}
