/** Deterministic hashing and random draws: the same seed and inputs always give the same numbers. */

/** FNV-1a hash of a string to 32 bits. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Mix any number of 32-bit integers into one well-distributed 32-bit hash (murmur3 finaliser). */
export function hash32(...parts: number[]): number {
  return hashParts(parts, parts.length);
}

/** hash32 of parts[0..count), so callers can reuse one array (the workload draws millions). */
function hashParts(parts: readonly number[], count: number): number {
  let h = 0x9e3779b9;
  for (let i = 0; i < count; i++) {
    const part = parts[i]!;
    let k = Math.floor(part) | 0;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
    // Fold in the high bits of large numbers (epoch minutes exceed 2^31 in ms, not in minutes).
    h ^= Math.floor(part / 4294967296) | 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uniform draw in [0, 1) from hashed inputs. */
export function uniform(...parts: number[]): number {
  return hashParts(parts, parts.length) / 4294967296;
}

/** A standard normal draw from hashed inputs (Box-Muller). */
export function normal(...parts: number[]): number {
  return normalOf(parts);
}

/** normal(...parts) without copying: appends the two draw tags to `parts` (an array it owns). */
function normalOf(parts: number[]): number {
  const n = parts.length;
  parts.push(0x51);
  const u1 = Math.max(hashParts(parts, n + 1) / 4294967296, 1e-12);
  parts[n] = 0xa7;
  const u2 = hashParts(parts, n + 1) / 4294967296;
  parts.length = n;
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** A log-normal draw with the given median and sigma (of the underlying normal). */
export function logNormal(median: number, sigma: number, ...parts: number[]): number {
  return median * Math.exp(sigma * normalOf(parts));
}

/** A Poisson draw with mean `lambda` (inversion for small means, normal approximation above 50). */
export function poisson(lambda: number, ...parts: number[]): number {
  if (lambda <= 0) return 0;
  if (lambda > 50) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * normalOf(parts)));
  const u = hashParts(parts, parts.length) / 4294967296;
  let k = 0;
  let p = Math.exp(-lambda);
  let cumulative = p;
  while (u > cumulative && k < 1000) {
    k++;
    p *= lambda / k;
    cumulative += p;
  }
  return k;
}

/** A seeded sequential generator, for fault draws and other streams that need no random access. */
export { seededRng as mulberry32 } from "../../bench/random.ts";
