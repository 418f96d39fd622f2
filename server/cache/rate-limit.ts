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
