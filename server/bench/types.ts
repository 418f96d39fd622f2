/** Shared shapes of the benchmark runner: one measured request, the run's options and manifest. */

export type RequestStatus = "ok" | "error" | "throttled" | "timeout" | "cancelled";
export type BenchMode = "stream" | "converse";
export type LoadPlan =
  | { kind: "sequential" }
  | { kind: "concurrency"; n: number }
  | { kind: "rate"; perSecond: number };

/** One request as measured (all durations in ms from a monotonic clock, relative to send). */
export interface Measurement {
  status: RequestStatus;
  /** AWS error name (ThrottlingException, ModelStreamErrorException, ...) or TimeoutError / AbortError. */
  errorCode: string | null;
  errorMessage: string | null;
  /** True when the error arrived as an event inside an already-open stream. */
  midStream: boolean;
  firstEventMs: number | null;
  ttftMs: number | null;
  endToEndMs: number | null;
  interTokenMs: number | null;
  serverLatencyMs: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  stopReason: string | null;
  requestId: string | null;
  text: string;
}

export interface RequestRow extends Omit<Measurement, "text"> {
  runId: string;
  seq: number;
  modelId: string;
  promptId: string;
  repetition: number;
  warmup: boolean;
  startedAt: string;
  qualityPass: boolean | null;
  qualityFailures: string[];
  costUsd: number | null;
  outputChars: number;
}

export type Manifest = Record<string, string | number | string[]>;
