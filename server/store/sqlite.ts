/**
 * The embedded default: one SQLite file (better-sqlite3, WAL) under the data directory, or an
 * in-memory database for ":memory:". Opening checks the file is really a database, so a
 * corrupt or unreadable file is reported at start with its path and the fix.
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import Database from "better-sqlite3";
import { MIGRATIONS } from "./schema.ts";
import { type Sql, StoreError } from "./sql.ts";

/** Compiled statements kept per connection (the code's queries; a bound against generated SQL). */
const MAX_STATEMENTS = 256;

export const SQLITE_FILE = "bedrock-ops.db";

/** SQLite result codes that mean the file itself is broken or gone (not a bad statement). */
export function isSqliteStorageError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return (
    typeof code === "string" &&
    /^SQLITE_(CORRUPT|NOTADB|IOERR|CANTOPEN|FULL|READONLY|PROTOCOL|NOLFS|AUTH)/.test(code)
  );
}

function openFile(path: string): Database.Database {
  const db = new Database(path);
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("busy_timeout = 5000");
    // Reads the schema: fails here, at start, when the file is not a database.
    db.prepare("SELECT count(*) FROM sqlite_master").get();
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Open (creating if needed) `dataDir/bedrock-ops.db`, or an in-memory database, and migrate it. */
export function openSqlite(dataDir: string): Sql & { readonly location: string; raw: Database.Database } {
  const location = dataDir === ":memory:" ? ":memory:" : join(resolve(dataDir), SQLITE_FILE);
  let db: Database.Database;
  try {
    if (dataDir === ":memory:") db = new Database(":memory:");
    else {
      mkdirSync(resolve(dataDir), { recursive: true });
      db = openFile(location);
    }
  } catch (err) {
    const code = (err as { code?: string }).code;
    const why = (err as Error).message;
    const fix =
      code === "SQLITE_NOTADB" || code?.startsWith("SQLITE_CORRUPT")
        ? `the file is not a readable SQLite database. Move it aside (mv ${location} ${location}.broken) and start again: a new store is created (the persisted cache refills from AWS; benchmark history stays in the moved file)`
        : code === "ENOTDIR" || code === "EEXIST"
          ? `${resolve(dataDir)} is not a directory. Set server.dataDir (or BEDROCK_OPS_DATA_DIR) to a directory`
          : `it cannot be opened (${why}). Check that ${resolve(dataDir)} is a writable directory, or set server.dataDir / BEDROCK_OPS_DATA_DIR to one`;
    throw new StoreError(`Store ${location}: ${code === "SQLITE_NOTADB" ? "" : `${why}; `}${fix}.`, code);
  }
  db.pragma("foreign_keys = ON");
  try {
    db.exec("CREATE TABLE IF NOT EXISTS migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)");
    const applied = new Set(
      (db.prepare("SELECT id FROM migrations").all() as Array<{ id: string }>).map((r) => r.id),
    );
    for (const m of MIGRATIONS) {
      if (applied.has(m.id)) continue;
      db.transaction(() => {
        db.exec(m.sqlite);
        db.prepare("INSERT INTO migrations (id, applied_at) VALUES (?, ?)").run(
          m.id,
          new Date().toISOString(),
        );
      })();
    }
  } catch (err) {
    db.close();
    throw new StoreError(
      `Store ${location}: migrating the schema failed (${(err as Error).message}). Move the file aside and start again, or restore it from a backup.`,
      (err as { code?: string }).code,
    );
  }
  const params = (p: readonly unknown[] | undefined) => (p ?? []) as unknown[];
  // Each SQL text is compiled once: the queries are a fixed set written in the code, and
  // compiling was half the cost of a read such as the benchmark runs list.
  const statements = new Map<string, Database.Statement>();
  const statement = (text: string) => {
    let s = statements.get(text);
    if (!s) {
      s = db.prepare(text);
      if (statements.size >= MAX_STATEMENTS) statements.clear();
      statements.set(text, s);
    }
    return s;
  };
  return {
    dialect: "sqlite",
    location,
    raw: db,
    async all<T>(text: string, p?: readonly unknown[]) {
      return statement(text).all(...params(p)) as T[];
    },
    async get<T>(text: string, p?: readonly unknown[]) {
      return statement(text).get(...params(p)) as T | undefined;
    },
    async run(text: string, p?: readonly unknown[]) {
      return statement(text).run(...params(p)).changes;
    },
    async close() {
      if (db.open) db.close();
    },
  };
}
