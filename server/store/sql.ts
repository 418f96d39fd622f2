/**
 * The one thing every store backend provides: parameterised SQL in the common subset of SQLite
 * and PostgreSQL (`?` parameters, `ON CONFLICT … DO UPDATE/NOTHING`, `excluded.`), async because
 * PostgreSQL is. Feature stores (cache, spend, bench, leases) are written once against it.
 */
export type Dialect = "sqlite" | "postgres";

export interface Sql {
  readonly dialect: Dialect;
  all<T>(text: string, params?: readonly unknown[]): Promise<T[]>;
  get<T>(text: string, params?: readonly unknown[]): Promise<T | undefined>;
  /** Runs a statement; resolves to the number of rows it changed. */
  run(text: string, params?: readonly unknown[]): Promise<number>;
  close(): Promise<void>;
}

/** `?` parameters to PostgreSQL's `$1, $2, …` (our statements hold no `?` inside literals). */
export function numberedParameters(text: string): string {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
}

/** Raised when the store cannot be opened or used: names the place and the fix. */
export class StoreError extends Error {
  override readonly name = "StoreError";
  constructor(
    message: string,
    /** The underlying error code (SQLITE_NOTADB, ECONNREFUSED, 28P01, …) when there is one. */
    readonly code?: string,
  ) {
    super(message);
  }
}
