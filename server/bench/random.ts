/** A small seeded PRNG (mulberry32) so bootstrap intervals and Poisson arrivals are reproducible. */
export type Rng = () => number;

export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Exponentially distributed gap (ms) between Poisson arrivals at `perSecond`. */
export function exponentialGapMs(rng: Rng, perSecond: number): number {
  return (-Math.log(1 - rng()) / perSecond) * 1000;
}
