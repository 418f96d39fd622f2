/**
 * Named leases in the store: one holder at a time, until it releases or its lease expires (a
 * holder that died stops renewing). They serialise cache flights and schedule fires across
 * replicas. Holders renew with a heartbeat; expiry uses the store's wall clock.
 */
import type { Store } from "./index.ts";

export class Leases {
  constructor(private readonly store: Store) {}

  /** Take `name` for `owner` for `ttlMs`; true when taken (free, expired, or already ours). */
  async acquire(name: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = this.store.clock();
    const changed = await this.store.sql.run(
      `INSERT INTO leases (name, owner, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
       WHERE leases.expires_at < ? OR leases.owner = ?`,
      [name, owner, now + ttlMs, now, owner],
    );
    return changed > 0;
  }

  /** Extend a lease we hold; false when it was lost (expired and taken by another holder). */
  async renew(name: string, owner: string, ttlMs: number): Promise<boolean> {
    const changed = await this.store.sql.run(
      "UPDATE leases SET expires_at = ? WHERE name = ? AND owner = ?",
      [this.store.clock() + ttlMs, name, owner],
    );
    return changed > 0;
  }

  async release(name: string, owner: string): Promise<void> {
    await this.store.sql.run("DELETE FROM leases WHERE name = ? AND owner = ?", [name, owner]);
  }

  async holder(name: string): Promise<{ owner: string; expiresAt: number } | null> {
    const row = await this.store.sql.get<{ owner: string; expires_at: number }>(
      "SELECT owner, expires_at FROM leases WHERE name = ?",
      [name],
    );
    return row && row.expires_at >= this.store.clock()
      ? { owner: row.owner, expiresAt: row.expires_at }
      : null;
  }

  /** Drop expired leases (housekeeping). */
  async prune(): Promise<number> {
    return this.store.sql.run("DELETE FROM leases WHERE expires_at < ?", [this.store.clock()]);
  }
}

/**
 * Hold `name` while `work` runs, renewing it every ttl/3. Resolves to null when another holder
 * has it (the work did not run).
 */
export async function withLease<T>(
  leases: Leases,
  name: string,
  owner: string,
  ttlMs: number,
  work: () => Promise<T>,
): Promise<{ value: T } | null> {
  if (!(await leases.acquire(name, owner, ttlMs))) return null;
  const beat = setInterval(() => void leases.renew(name, owner, ttlMs).catch(() => undefined), ttlMs / 3);
  beat.unref();
  try {
    return { value: await work() };
  } finally {
    clearInterval(beat);
    await leases.release(name, owner).catch(() => undefined);
  }
}
