/**
 * The store: where the persisted cache, the own-spend ledger, benchmark runs and rows, schedule
 * state and leases live. SQLite (one file under the data directory) is the embedded default;
 * PostgreSQL (`store: { kind: "postgres", url }`) is shared by replicas, which coordinate through
 * leases so that N replicas make the AWS calls of one and each schedule runs once.
 */
import { isPostgresStorageError, openPostgres } from "./postgres.ts";
import { type Degradation, resilientSql } from "./resilient.ts";
import type { Sql } from "./sql.ts";
import { isSqliteStorageError, openSqlite } from "./sqlite.ts";

export type { Sql } from "./sql.ts";
export { StoreError } from "./sql.ts";

export type StoreSpec = { kind: "sqlite"; dataDir: string } | { kind: "postgres"; url: string };

export interface StoreStatus {
  kind: StoreSpec["kind"];
  /** The file path, or the URL without its password. */
  location: string;
  status: "ok" | "degraded";
  /** Why the store is degraded and what to do, when it is. */
  message?: string;
  since?: string;
}

export interface Store {
  readonly kind: StoreSpec["kind"];
  readonly location: string;
  /** Other server processes may use the same store (PostgreSQL): cache flights go through leases. */
  readonly shared: boolean;
  readonly sql: Sql;
  /** Wall clock for leases (epoch ms); every replica must agree on it, so it is real time by default. */
  readonly clock: () => number;
  status(): StoreStatus;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** Told once when the store degrades to memory (the line names the store and the fix). */
  log?: (line: string) => void;
  /** Aborts a start-up that waits on the database (SIGTERM). */
  signal?: AbortSignal;
  clock?: () => number;
}

/** Open and migrate the store; throws StoreError naming the file or URL and the fix. */
export async function openStore(spec: StoreSpec, options: OpenStoreOptions = {}): Promise<Store> {
  const primary =
    spec.kind === "sqlite"
      ? openSqlite(spec.dataDir)
      : await openPostgres(spec.url, options.signal ? { signal: options.signal } : {});
  const location = primary.location;
  const fix =
    spec.kind === "sqlite"
      ? `move ${location} aside and restart the server (a new store is created)`
      : "fix the database connection, then restart the server";
  const sql = resilientSql(primary, {
    isStorageError: spec.kind === "sqlite" ? isSqliteStorageError : isPostgresStorageError,
    describe: (err) => {
      const code = (err as { code?: unknown }).code;
      return `${typeof code === "string" ? `${code}: ` : ""}${err instanceof Error ? err.message : String(err)}`;
    },
    onDegrade: (d: Degradation) =>
      options.log?.(`store ${location} failed (${d.reason}); running from memory (nothing persists): ${fix}`),
  });
  return {
    kind: spec.kind,
    location,
    shared: spec.kind === "postgres",
    sql,
    clock: options.clock ?? Date.now,
    status() {
      const d = sql.degraded();
      if (!d) return { kind: spec.kind, location, status: "ok" };
      return {
        kind: spec.kind,
        location,
        status: "degraded",
        message: `the store failed (${d.reason}); the server runs from memory and keeps nothing: ${fix}`,
        since: d.since,
      };
    },
    close: () => sql.close(),
  };
}

/** An in-memory SQLite store (tests, one-off commands). */
export function memoryStore(clock: () => number = Date.now): Promise<Store> {
  return openStore({ kind: "sqlite", dataDir: ":memory:" }, { clock });
}

/** The store a configuration names (`dataDir` overrides server.dataDir for SQLite, e.g. ":memory:"). */
export function storeSpecOf(
  config: { store: { kind: "sqlite" } | { kind: "postgres"; url: string }; server: { dataDir: string } },
  dataDir?: string,
): StoreSpec {
  return config.store.kind === "postgres"
    ? { kind: "postgres", url: config.store.url }
    : { kind: "sqlite", dataDir: dataDir ?? config.server.dataDir };
}
