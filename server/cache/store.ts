/**
 * The persisted side of the cache: last good value per key in the store (SQLite or PostgreSQL),
 * so a restart does not re-buy Cost Explorer data and replicas share what one of them fetched.
 * Also the own-spend ledger's daily counters and the flight leases of a shared store.
 */
import type { Store } from "../store/index.ts";
import { Leases } from "../store/leases.ts";

export interface StoredEntry {
  value: unknown;
  fetchedAt: number;
}

export interface SpendRow {
  day: string;
  api: string;
  count: number;
  usd: number;
}

export class CacheStore {
  readonly leases: Leases;

  constructor(readonly store: Store) {
    this.leases = new Leases(store);
  }

  /** Whether other processes share this store (their fetches land here too). */
  get shared(): boolean {
    return this.store.shared;
  }

  async get(key: string): Promise<StoredEntry | undefined> {
    const row = await this.store.sql.get<{ value: string; fetched_at: number }>(
      "SELECT value, fetched_at FROM cache_entries WHERE key = ?",
      [key],
    );
    if (!row) return undefined;
    try {
      return { value: JSON.parse(row.value) as unknown, fetchedAt: Number(row.fetched_at) };
    } catch {
      return undefined;
    }
  }

  async put(key: string, value: unknown, fetchedAt: number): Promise<void> {
    await this.store.sql.run(
      `INSERT INTO cache_entries (key, value, fetched_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, fetched_at = excluded.fetched_at
       WHERE cache_entries.fetched_at <= excluded.fetched_at`,
      [key, JSON.stringify(value), fetchedAt],
    );
  }

  /** Drop entries older than `olderThan` (epoch ms). */
  async prune(olderThan: number): Promise<number> {
    return this.store.sql.run("DELETE FROM cache_entries WHERE fetched_at < ?", [olderThan]);
  }

  /** Keep the newest entries whose serialised values total at most `maxBytes`; drop the rest. */
  async pruneToBytes(maxBytes: number): Promise<number> {
    return this.store.sql.run(
      `DELETE FROM cache_entries WHERE key IN (
         SELECT key FROM (SELECT key, SUM(length(value)) OVER (ORDER BY fetched_at DESC, key) AS total FROM cache_entries) AS ranked
         WHERE total > ?)`,
      [maxBytes],
    );
  }

  async addSpend(day: string, api: string, count: number, usd: number): Promise<void> {
    await this.store.sql.run(
      `INSERT INTO aws_spend (day, api, count, usd) VALUES (?, ?, ?, ?)
       ON CONFLICT (day, api) DO UPDATE SET count = aws_spend.count + excluded.count, usd = aws_spend.usd + excluded.usd`,
      [day, api, count, usd],
    );
  }

  async spend(sinceDay: string): Promise<SpendRow[]> {
    const rows = await this.store.sql.all<SpendRow>(
      "SELECT day, api, count, usd FROM aws_spend WHERE day >= ? ORDER BY day, api",
      [sinceDay],
    );
    return rows.map((r) => ({ day: r.day, api: r.api, count: Number(r.count), usd: Number(r.usd) }));
  }
}
