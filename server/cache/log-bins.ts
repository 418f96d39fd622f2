/**
 * Closed Logs Insights bins, kept so they are never queried again: per log group (and format), a
 * map from 5-minute bin start to its composable figures (null: a closed bin with no events). Held
 * in memory and persisted in the cache store, one entry per group and UTC day, so a restart
 * re-buys nothing. Also the settled start of each group's open bin (so a refresh reads from the
 * exact settled watermark, not from the open bin's start) and the recent-errors window of each
 * query batch.
 */
import type { LogsData } from "../api/contract.ts";
import type { BinStats } from "../sources/logs-bins.ts";
import type { CacheStore, StoredEntry } from "./store.ts";

const DAY_MS = 86_400_000;
/** v2: bins carry `errors` (bins kept by v1 lack it and are read again once). */
const VERSION = "v2";

export type HeldBins = Map<number, BinStats | null>;

/** The settled start of the open bin: its figures over [bin, until), until the exact settled watermark. */
export interface PartialBin {
  bin: number;
  until: number;
  stats: BinStats | null;
}

export interface HeldErrors {
  /** The window [from, until) read so far, whose 20 most recent errors are held. */
  from: number;
  until: number;
  /** Errors before it are final (read, or checked against the bins, after the settling delay). */
  settled: number;
  /** Error events of [settled, until) the reads are known to have seen (a lower bound). */
  seen: number;
  rows: LogsData["recentErrors"];
}

export class LogBinStore {
  private readonly bins = new Map<string, HeldBins>();
  private readonly loaded = new Set<string>();
  private readonly errors = new Map<string, HeldErrors>();
  private readonly partials = new Map<string, PartialBin>();

  constructor(
    private readonly store?: CacheStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** Bins held for a group key, with the days of [from, to) loaded from the store first. */
  async held(groupKey: string, from: number, to: number): Promise<HeldBins> {
    let held = this.bins.get(groupKey);
    if (!held) {
      held = new Map();
      this.bins.set(groupKey, held);
    }
    for (let day = Math.floor(from / DAY_MS) * DAY_MS; day < to; day += DAY_MS) {
      const id = `${groupKey}|${day}`;
      if (this.loaded.has(id)) continue;
      this.loaded.add(id);
      const stored = (await this.read(this.dayKey(groupKey, day)))?.value;
      if (!Array.isArray(stored)) continue;
      for (const entry of stored as Array<[number, BinStats | null]>) {
        if (Array.isArray(entry) && typeof entry[0] === "number" && !held.has(entry[0]))
          held.set(entry[0], entry[1] ?? null);
      }
    }
    return held;
  }

  /** Keep closed bins (memory and store); only the days touched are rewritten. */
  keep(groupKey: string, entries: ReadonlyArray<[number, BinStats | null]>): void {
    if (entries.length === 0) return;
    const held = this.bins.get(groupKey) ?? new Map<number, BinStats | null>();
    this.bins.set(groupKey, held);
    const days = new Set<number>();
    for (const [t, stats] of entries) {
      held.set(t, stats);
      days.add(Math.floor(t / DAY_MS) * DAY_MS);
    }
    if (!this.store) return;
    for (const day of days) {
      const list = [...held.entries()]
        .filter(([t]) => t >= day && t < day + DAY_MS)
        .sort(([a], [b]) => a - b);
      this.write(this.dayKey(groupKey, day), list);
    }
  }

  /** The settled part of a group's open bin, if held. */
  async partial(groupKey: string): Promise<PartialBin | undefined> {
    const inMemory = this.partials.get(groupKey);
    if (inMemory) return inMemory;
    const stored = (await this.read(`logpartial:${VERSION}:${groupKey}`))?.value as PartialBin | undefined;
    if (stored && typeof stored.bin === "number" && typeof stored.until === "number") {
      this.partials.set(groupKey, stored);
      return stored;
    }
    return undefined;
  }

  keepPartial(groupKey: string, value: PartialBin): void {
    this.partials.set(groupKey, value);
    this.write(`logpartial:${VERSION}:${groupKey}`, value);
  }

  async heldErrors(batchKey: string): Promise<HeldErrors | undefined> {
    const inMemory = this.errors.get(batchKey);
    if (inMemory) return inMemory;
    const stored = (await this.read(`logerrors:${VERSION}:${batchKey}`))?.value as HeldErrors | undefined;
    if (
      stored &&
      typeof stored.from === "number" &&
      typeof stored.until === "number" &&
      typeof stored.settled === "number" &&
      typeof stored.seen === "number" &&
      Array.isArray(stored.rows)
    ) {
      this.errors.set(batchKey, stored);
      return stored;
    }
    return undefined;
  }

  keepErrors(batchKey: string, value: HeldErrors): void {
    this.errors.set(batchKey, value);
    this.write(`logerrors:${VERSION}:${batchKey}`, value);
  }

  /** A stored entry; a store that fails reads as empty (the bins are queried again). */
  private async read(key: string): Promise<StoredEntry | undefined> {
    try {
      return await this.store?.get(key);
    } catch {
      return undefined;
    }
  }

  /** Persisting is best effort: memory holds the bins all the same. */
  private write(key: string, value: unknown): void {
    this.store?.put(key, value, this.now()).catch(() => undefined);
  }

  private dayKey(groupKey: string, day: number): string {
    return `logbins:${VERSION}:${groupKey}:${new Date(day).toISOString().slice(0, 10)}`;
  }
}
