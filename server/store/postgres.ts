/**
 * The shared store for replicas: PostgreSQL through `pg` (a small pool), migrated under an
 * advisory lock so replicas starting together apply each migration once.
 */
import pg from "pg";
import { MIGRATIONS } from "./schema.ts";
import { numberedParameters, type Sql, StoreError } from "./sql.ts";

const MIGRATION_LOCK = 0x6265_6472; // "bedr": one advisory lock ID for every bedrock-ops schema change

/** The URL without its password, for messages and /api/health. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    for (const k of [...u.searchParams.keys()]) if (/pass|secret|key/i.test(k)) u.searchParams.set(k, "***");
    return u.toString();
  } catch {
    return "postgres://(unparseable URL)";
  }
}

/** Errors that mean the server or the connection is gone (not a bad statement). */
export function isPostgresStorageError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string") {
    if (/^(08|53|57|58|XX)/.test(code)) return true;
    if (/^E[A-Z]+$/.test(code)) return true; // ECONNREFUSED, ECONNRESET, ETIMEDOUT, …
  }
  const message = err instanceof Error ? err.message : "";
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client was closed|Cannot use a pool after calling end/i.test(
    message,
  );
}

function describeConnectError(location: string, err: unknown): StoreError {
  const code = (err as { code?: string }).code;
  const why = err instanceof Error ? err.message : String(err);
  const fix =
    code === "28P01" || code === "28000"
      ? "the user name or password was refused; check the credentials in store.url / BEDROCK_OPS_DATABASE_URL"
      : code === "3D000"
        ? "the database does not exist; create it (createdb) or name an existing one in the URL"
        : "check store.url / BEDROCK_OPS_DATABASE_URL, that the server is running, and that this host may connect to it (security group, pg_hba.conf)";
  return new StoreError(`Store ${location}: cannot connect (${why}); ${fix}.`, code);
}

export async function openPostgres(
  url: string,
  options: { signal?: AbortSignal; connectTimeoutMs?: number } = {},
): Promise<Sql & { readonly location: string }> {
  const location = redactUrl(url);
  const pool = new pg.Pool({
    connectionString: url,
    max: 5,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: 30_000,
    application_name: "bedrock-ops",
    types: {
      // COUNT(*) and BIGINT columns (epoch ms) as numbers: they stay below 2^53.
      getTypeParser: ((oid: number, format?: string) =>
        oid === 20
          ? (v: string) => Number(v)
          : pg.types.getTypeParser(oid, (format ?? "text") as "text")) as typeof pg.types.getTypeParser,
    },
  });
  // An idle connection that breaks must not crash the process; the next query reports it.
  pool.on("error", () => undefined);
  const aborted = new Promise<never>((_, reject) => {
    const abort = () => reject(new StoreError(`Store ${location}: start-up interrupted.`));
    if (options.signal?.aborted) abort();
    else options.signal?.addEventListener("abort", abort, { once: true });
  });
  aborted.catch(() => undefined);
  let client: pg.PoolClient;
  try {
    client = await Promise.race([pool.connect(), aborted]);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err instanceof StoreError ? err : describeConnectError(location, err);
  }
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    await client.query(
      "CREATE TABLE IF NOT EXISTS migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)",
    );
    const applied = new Set(
      (await client.query<{ id: string }>("SELECT id FROM migrations")).rows.map((r) => r.id),
    );
    for (const m of MIGRATIONS) {
      if (applied.has(m.id)) continue;
      await client.query(m.postgres);
      await client.query("INSERT INTO migrations (id, applied_at) VALUES ($1, $2)", [
        m.id,
        new Date().toISOString(),
      ]);
    }
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    client.release();
    await pool.end().catch(() => undefined);
    throw new StoreError(
      `Store ${location}: migrating the schema failed (${(err as Error).message}); check that the user may create tables in this database.`,
      (err as { code?: string }).code,
    );
  }
  client.release();
  let closed = false;
  const query = async <T extends object>(text: string, params?: readonly unknown[]) =>
    pool.query<T>(numberedParameters(text), params ? [...params] : []);
  return {
    dialect: "postgres",
    location,
    async all<T>(text: string, params?: readonly unknown[]) {
      return (await query<T & object>(text, params)).rows as T[];
    },
    async get<T>(text: string, params?: readonly unknown[]) {
      return (await query<T & object>(text, params)).rows[0] as T | undefined;
    },
    async run(text: string, params?: readonly unknown[]) {
      return (await query(text, params)).rowCount ?? 0;
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
