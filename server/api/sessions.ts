/**
 * Server-side sessions for the page: a random id (256 bits) in an HttpOnly SameSite=Strict
 * cookie, remembered here with an expiry; logout revokes it. The cookie never carries anything
 * derived from the token. Plus a login throttle per client address with a global ceiling.
 */
import { randomBytes } from "node:crypto";

export class SessionStore {
  private readonly sessions = new Map<string, number>();
  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
    /** At most this many live sessions; the oldest go first. */
    private readonly max = 1_000,
  ) {}

  create(): { id: string; maxAgeSeconds: number } {
    this.sweep();
    const id = randomBytes(32).toString("base64url");
    this.sessions.set(id, this.now() + this.ttlMs);
    while (this.sessions.size > this.max) {
      const oldest = this.sessions.keys().next().value;
      if (oldest === undefined) break;
      this.sessions.delete(oldest);
    }
    return { id, maxAgeSeconds: Math.floor(this.ttlMs / 1000) };
  }

  valid(id: string | undefined): boolean {
    if (!id) return false;
    const expires = this.sessions.get(id);
    if (expires === undefined) return false;
    if (expires <= this.now()) {
      this.sessions.delete(id);
      return false;
    }
    return true;
  }

  revoke(id: string | undefined): boolean {
    return id ? this.sessions.delete(id) : false;
  }

  get size(): number {
    return this.sessions.size;
  }

  private sweep(): void {
    const t = this.now();
    for (const [id, expires] of this.sessions) if (expires <= t) this.sessions.delete(id);
  }
}

export interface ThrottleLimits {
  /** Failed attempts allowed per client address per window. */
  perClient: number;
  /** Failed attempts allowed from all addresses together per window. */
  global: number;
  windowMs: number;
}

export const DEFAULT_LOGIN_LIMITS: ThrottleLimits = { perClient: 5, global: 30, windowMs: 60_000 };

/** Counts failed logins; `wait` says how long a client must wait before trying again (0 = may try). */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();
  private global: number[] = [];
  constructor(
    private readonly now: () => number,
    private readonly limits: ThrottleLimits = DEFAULT_LOGIN_LIMITS,
  ) {}

  wait(client: string): number {
    const t = this.now();
    const since = t - this.limits.windowMs;
    this.global = this.global.filter((x) => x > since);
    const mine = (this.failures.get(client) ?? []).filter((x) => x > since);
    if (mine.length > 0) this.failures.set(client, mine);
    else this.failures.delete(client);
    const waits: number[] = [];
    if (mine.length >= this.limits.perClient) waits.push(mine[0]! + this.limits.windowMs - t);
    if (this.global.length >= this.limits.global) waits.push(this.global[0]! + this.limits.windowMs - t);
    return waits.length ? Math.max(1, ...waits) : 0;
  }

  fail(client: string): void {
    const t = this.now();
    this.global.push(t);
    const mine = this.failures.get(client) ?? [];
    mine.push(t);
    this.failures.set(client, mine);
    if (this.failures.size > 10_000) {
      const first = this.failures.keys().next().value;
      if (first !== undefined) this.failures.delete(first);
    }
  }

  succeed(client: string): void {
    this.failures.delete(client);
  }
}
