/**
 * Load generation: closed loop (N workers, each sending its next request when the previous one
 * finishes; sequential is N = 1) or open loop with Poisson arrivals at a fixed rate (seeded).
 * Stopping (the signal) ends scheduling; requests in flight are left to the executor to finish.
 */
import { exponentialGapMs, seededRng } from "./random.ts";
import type { LoadPlan } from "./types.ts";

export interface DriveOptions {
  signal?: AbortSignal | undefined;
  seed?: number;
  /** Cap on requests in flight for the open loop (protects the client from unbounded growth). */
  maxInFlight?: number;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

export async function drive<T>(
  items: readonly T[],
  load: LoadPlan,
  execute: (item: T) => Promise<void>,
  options: DriveOptions = {},
): Promise<void> {
  const signal = options.signal;
  if (load.kind !== "rate") {
    const workers = load.kind === "sequential" ? 1 : load.n;
    let next = 0;
    const worker = async () => {
      while (!signal?.aborted && next < items.length) {
        const item = items[next++]!;
        await execute(item);
      }
    };
    await Promise.all(Array.from({ length: Math.min(workers, items.length) }, worker));
    return;
  }
  const rng = seededRng(options.seed ?? 1);
  const maxInFlight = options.maxInFlight ?? 256;
  const inFlight = new Set<Promise<void>>();
  for (const item of items) {
    if (signal?.aborted) break;
    while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
    const p: Promise<void> = execute(item).finally(() => inFlight.delete(p));
    inFlight.add(p);
    await sleep(exponentialGapMs(rng, load.perSecond), signal);
  }
  await Promise.all(inFlight);
}
