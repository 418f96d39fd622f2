/**
 * The one SQLite database (better-sqlite3, WAL) under the data directory: the persisted cache
 * and benchmark runs. Each feature registers its own migrations by name; they run once.
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import Database from "better-sqlite3";

export type Db = Database.Database;

export interface Migration {
  /** Unique and stable, e.g. "cache-1", "bench-1". */
  id: string;
  sql: string;
}

/** Open (creating if needed) the database file in `dataDir`, or an in-memory one for ":memory:". */
export function openDatabase(dataDir: string, file = "bedrock-ops.db"): Db {
  let db: Db;
  if (dataDir === ":memory:") db = new Database(":memory:");
  else {
    const dir = resolve(dataDir);
    mkdirSync(dir, { recursive: true });
    db = new Database(join(dir, file));
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
  }
  db.pragma("foreign_keys = ON");
  db.exec("CREATE TABLE IF NOT EXISTS migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)");
  return db;
}

/** Apply the migrations not yet applied, each in a transaction. */
export function migrate(db: Db, migrations: readonly Migration[]): void {
  const applied = new Set(
    (db.prepare("SELECT id FROM migrations").all() as Array<{ id: string }>).map((r) => r.id),
  );
  for (const m of migrations) {
    if (applied.has(m.id)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare("INSERT INTO migrations (id, applied_at) VALUES (?, ?)").run(m.id, new Date().toISOString());
    })();
  }
}
