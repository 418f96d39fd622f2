/** A probe call: attempted once, its result or its AWS error captured for the pure decision logic. */
import { errorFacts } from "./aws-errors.ts";
import type { Outcome } from "./doctor-checks.ts";

/** Client options for probes: one attempt, so throttling is reported rather than retried away. */
export const ONCE = { maxAttempts: 1 } as const;

/** Each probe's own deadline: an endpoint that never answers fails this check, not the whole run. */
export const PROBE_DEADLINE_MS = 15_000;

class ProbeTimeout extends Error {
  override readonly name = "TimeoutError";
}

export async function attempt<T>(fn: () => Promise<T>, deadlineMs = PROBE_DEADLINE_MS): Promise<Outcome<T>> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ProbeTimeout(
            `no answer within ${Math.round(deadlineMs / 1000)} s; check the endpoint, the network path to AWS, or aws.requestTimeoutMs`,
          ),
        ),
      deadlineMs,
    );
    timer.unref();
  });
  try {
    return { ok: true, value: await Promise.race([fn(), deadline]) };
  } catch (err) {
    return { ok: false, error: errorFacts(err) };
  } finally {
    clearTimeout(timer);
  }
}
