/**
 * Invocations that end badly without an application exception: a timeout (the runtime stops the
 * handler at the function's timeout; current runtimes write `Status: timeout` on the REPORT line
 * and may write no "Task timed out" line at all) or running out of memory (`Status: error`,
 * `Error Type: Runtime.OutOfMemory`, Max Memory Used = Memory Size). Rare, as in a healthy app.
 */
import type { FunctionSpec } from "./functions.ts";

/** Share of invocations that time out, and that run out of memory. */
export const TIMEOUT_SHARE = 0.0015;
export const OUT_OF_MEMORY_SHARE = 0.0008;

export interface Outcome {
  status: "timeout" | "error";
  errorType?: string;
  durationMs: number;
}

/** The outcome for a uniform draw `u` in [0, 1), or undefined for a normal invocation. */
export function invocationOutcome(u: number, spec: FunctionSpec): Outcome | undefined {
  if (u < TIMEOUT_SHARE) return { status: "timeout", durationMs: spec.timeoutSeconds * 1000 };
  if (u < TIMEOUT_SHARE + OUT_OF_MEMORY_SHARE)
    return {
      status: "error",
      errorType: "Runtime.OutOfMemory",
      durationMs: Math.round((350 + 900 * (u / (TIMEOUT_SHARE + OUT_OF_MEMORY_SHARE))) * 100) / 100,
    };
  return undefined;
}

/** Share of cold starts whose first init fails (INIT_REPORT ... Status: error); Lambda re-runs init in the invoke phase. */
export const INIT_FAILURE_SHARE = 0.03;
export const INIT_ERROR_TYPE = "Runtime.ExitError";

/** Whether a cold start's first init failed, for a uniform draw `u`. */
export function initFailed(u: number): boolean {
  return u < INIT_FAILURE_SHARE;
}
