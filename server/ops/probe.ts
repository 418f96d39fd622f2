/** A probe call: attempted once, its result or its AWS error captured for the pure decision logic. */
import { errorFacts } from "./aws-errors.ts";
import type { Outcome } from "./doctor-checks.ts";

/** Client options for probes: one attempt, so throttling is reported rather than retried away. */
export const ONCE = { maxAttempts: 1 } as const;

export async function attempt<T>(fn: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    return { ok: false, error: errorFacts(err) };
  }
}
