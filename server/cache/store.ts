/**
 * The persisted side of the cache: last good value per key, in SQLite under the data directory,
 * so a restart does not re-buy Cost Explorer data. Also the own-spend ledger's daily counters.
 */
import type { Db, Migration } from "../store/db.ts";
import { migrate } from "../store/db.ts";

export const CACHE_MIGRATIONS: readonly Migration[] = [
  {
    id: "cache-1",
    sql: `CREATE TABLE cache_entries (key TEXT PRIMARY KEY, value TEXT NOT NULL, fetched_at INTEGER NOT NULL);
          CREATE TABLE aws_spend (day TEXT NOT NULL, api TEXT NOT NULL, count INTEGER NOT NULL, usd REAL NOT NULL, PRIMARY KEY (day, api));`,
  },
];

export interface StoredEntry {
  value: unknown;
  fetchedAt: number;
}

export class CacheStore {
  constructor(private readonly db: Db) {
    migrate(db, CACHE_MIGRATIONS);
  }

  get(key: string): StoredEntry | undefined {
    const row = this.db.prepare("SELECT value, fetched_at FROM cache_entries WHERE key = ?").get(key) as
      | { value: string; fetched_at: number }
      | undefined;
    if (!row) return undefined;
    try {
      return { value: JSON.parse(row.value) as unknown, fetchedAt: row.fetched_at };
    } catch {
      return undefined;
    }
  }

  put(key: string, value: unknown, fetchedAt: number): void {
    this.db
      .prepare(
        "INSERT INTO cache_entries (key, value, fetched_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, fetched_at = excluded.fetched_at",
      )
      .run(key, JSON.stringify(value), fetchedAt);
  }

  /** Drop entries older than `olderThan` (epoch ms). */
  prune(olderThan: number): number {
    return this.db.prepare("DELETE FROM cache_entries WHERE fetched_at < ?").run(olderThan).changes;
  }

  /** Keep the newest entries whose serialised values total at most `maxBytes`; drop the rest. */
  pruneToBytes(maxBytes: number): number {
    return this.db
      .prepare(
        `DELETE FROM cache_entries WHERE key IN (
           SELECT key FROM (SELECT key, SUM(length(value)) OVER (ORDER BY fetched_at DESC, key) AS total FROM cache_entries)
           WHERE total > ?)`,
      )
      .run(maxBytes).changes;
  }

  addSpend(day: string, api: string, count: number, usd: number): void {
    this.db
      .prepare(
        "INSERT INTO aws_spend (day, api, count, usd) VALUES (?, ?, ?, ?) ON CONFLICT(day, api) DO UPDATE SET count = count + excluded.count, usd = usd + excluded.usd",
      )
      .run(day, api, count, usd);
  }

  spend(sinceDay: string): Array<{ day: string; api: string; count: number; usd: number }> {
    return this.db
      .prepare("SELECT day, api, count, usd FROM aws_spend WHERE day >= ? ORDER BY day, api")
      .all(sinceDay) as Array<{
      day: string;
      api: string;
      count: number;
      usd: number;
    }>;
  }
}
