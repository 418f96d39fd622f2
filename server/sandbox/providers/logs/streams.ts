/**
 * Which log stream each invocation writes to. Lambda writes one stream per execution environment,
 * named `YYYY/MM/DD/[$LATEST]<32 hex>` after the day the environment started. Here a cold start
 * (an invocation with Init Duration) starts a new environment; a warm invocation runs in one of
 * the two most recent environments started within the previous two hours (picked by a hash of
 * its request ID), so the assignment is a pure function of the invocation.
 */
import type { Invocation, Workload } from "../../workload/model.ts";
import { hash32, hashString } from "../../workload/random.ts";

/** How long an execution environment lives before Lambda recycles it. */
export const ENVIRONMENT_LIFETIME_MS = 2 * 3_600_000;
const WARM_CHOICES = 2;

export interface AssignedInvocation {
  inv: Invocation;
  stream: string;
}

function hex32(...parts: number[]): string {
  return [0, 1, 2, 3]
    .map((k) =>
      hash32(...parts, 0x57e4 + k)
        .toString(16)
        .padStart(8, "0"),
    )
    .join("");
}

function datePrefix(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10).replaceAll("-", "/");
}

export function coldStreamName(fn: string, cold: Invocation): string {
  return `${datePrefix(cold.start)}/[$LATEST]${hex32(hashString(fn), hashString(cold.requestId))}`;
}

/** The environment of a warm invocation with no cold start in the last two hours (it predates the history). */
export function fallbackStreamName(fn: string, start: number): string {
  const bucket = Math.floor(start / ENVIRONMENT_LIFETIME_MS);
  return `${datePrefix(bucket * ENVIRONMENT_LIFETIME_MS)}/[$LATEST]${hex32(hashString(fn), bucket, 0xfa11)}`;
}

/** Invocations of `fn` that started in [from, to), each with its log stream, in time order. */
export function assignStreams(
  workload: Workload,
  fn: string,
  from: number,
  to: number,
): AssignedInvocation[] {
  const recent: Invocation[] = [];
  const before = workload.invocations(fn, from - ENVIRONMENT_LIFETIME_MS, from);
  for (let k = before.length - 1; k >= 0 && recent.length < WARM_CHOICES; k--) {
    const inv = before[k]!;
    if (inv.initMs !== undefined) recent.unshift(inv);
  }
  const out: AssignedInvocation[] = [];
  for (const inv of workload.invocations(fn, from, to)) {
    if (inv.initMs !== undefined) {
      recent.push(inv);
      if (recent.length > WARM_CHOICES) recent.shift();
      out.push({ inv, stream: coldStreamName(fn, inv) });
      continue;
    }
    const alive = recent.filter((c) => c.start > inv.start - ENVIRONMENT_LIFETIME_MS);
    const chosen = alive.length > 0 ? alive[hashString(inv.requestId) % alive.length]! : undefined;
    out.push({ inv, stream: chosen ? coldStreamName(fn, chosen) : fallbackStreamName(fn, inv.start) });
  }
  return out;
}
