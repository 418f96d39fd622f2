/**
 * A store that breaks while the server runs (a corrupted file, a full disk, a database that went
 * away) must not turn every panel into a 500. The first storage error switches the store to an
 * in-memory SQLite database with the same schema: the dashboard keeps working from AWS, nothing
 * persists, and status() says so (shown by /api/health) until the server is restarted.
 */

import type { Sql } from "./sql.ts";
import { openSqlite } from "./sqlite.ts";

export interface Degradation {
  reason: string;
  since: string;
}

export function resilientSql(
  primary: Sql,
  options: {
    isStorageError: (err: unknown) => boolean;
    describe: (err: unknown) => string;
    onDegrade?: (d: Degradation) => void;
    now?: () => number;
  },
): Sql & { degraded(): Degradation | null } {
  let current: Sql = primary;
  let degradation: Degradation | null = null;
  const degrade = (err: unknown) => {
    if (degradation) return;
    degradation = {
      reason: options.describe(err),
      since: new Date((options.now ?? Date.now)()).toISOString(),
    };
    current = openSqlite(":memory:");
    void primary.close().catch(() => undefined);
    options.onDegrade?.(degradation);
  };
  const guarded =
    <R>(op: (sql: Sql) => Promise<R>) =>
    async (): Promise<R> => {
      const sql = current;
      try {
        return await op(sql);
      } catch (err) {
        if (sql !== primary || !options.isStorageError(err)) throw err;
        degrade(err);
        return op(current);
      }
    };
  return {
    get dialect() {
      return current.dialect;
    },
    all: <T>(text: string, params?: readonly unknown[]) => guarded((s) => s.all<T>(text, params))(),
    get: <T>(text: string, params?: readonly unknown[]) => guarded((s) => s.get<T>(text, params))(),
    run: (text: string, params?: readonly unknown[]) => guarded((s) => s.run(text, params))(),
    async close() {
      await current.close();
      if (current !== primary) await primary.close().catch(() => undefined);
    },
    degraded: () => degradation,
  };
}
