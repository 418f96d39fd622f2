/** A minimum interval per key (manual refresh of a panel): returns how long to wait, 0 when allowed. */
export class RateLimiter {
  private readonly last = new Map<string, number>();
  constructor(
    private readonly intervalMs: (key: string) => number,
    private readonly now: () => number,
  ) {}

  /** Take the slot for `key` if free; otherwise the milliseconds until it is. */
  take(key: string): number {
    const t = this.now();
    const previous = this.last.get(key);
    const wait = previous === undefined ? 0 : previous + this.intervalMs(key) - t;
    if (wait > 0) return wait;
    this.last.set(key, t);
    return 0;
  }
}

/** At most `perHour` units (e.g. Cost Explorer requests) in any sliding hour. */
export class HourlyCap {
  private readonly used: Array<{ at: number; n: number }> = [];
  constructor(
    private readonly perHour: number,
    private readonly now: () => number,
  ) {}

  private spent(t: number): number {
    while (this.used.length > 0 && this.used[0]!.at <= t - 3_600_000) this.used.shift();
    return this.used.reduce((n, u) => n + u.n, 0);
  }

  /** 0 when another unit may be spent now, else the milliseconds until one may. */
  wait(): number {
    const t = this.now();
    let over = this.spent(t) - this.perHour + 1;
    if (over <= 0) return 0;
    for (const u of this.used) {
      over -= u.n;
      if (over <= 0) return Math.max(1, u.at + 3_600_000 - t);
    }
    return 3_600_000;
  }

  record(n: number): void {
    if (n > 0) this.used.push({ at: this.now(), n });
  }
}
