/**
 * The sandbox's workload model: one deterministic story (a function of seed and time) from
 * which CloudWatch metrics, Lambda REPORT logs, the Cost Explorer bill and Budgets spend are
 * all derived, so they agree with each other. Calls answered live by the sandbox's Bedrock
 * Runtime are added to the same story.
 */

import { busyCallsBetween } from "./busy-afternoon.ts";
import { defaultSpec, type FunctionSpec } from "./functions.ts";
import { INIT_ERROR_TYPE, initFailed, invocationOutcome } from "./outcomes.ts";
import { latencyProfile } from "./profiles.ts";
import { hash32, hashString, logNormal, poisson, uniform } from "./random.ts";

export const MINUTE = 60_000;
export const DAY = 86_400_000;

export type CallStatus = "ok" | "throttled" | "client_error" | "server_error";

export interface BedrockCall {
  modelId: string;
  /** Epoch ms when the request reached Bedrock. */
  time: number;
  operation: "Converse" | "ConverseStream" | "InvokeModel";
  status: CallStatus;
  latencyMs: number;
  ttftMs: number;
  inputTokens: number;
  outputTokens: number;
  /** Region the call was served in (the bill's usage type names it). */
  region: string;
  source: "workload" | "live";
  /** Prompt-cache tokens (CacheReadInputTokenCount / CacheWriteInputTokenCount); absent means 0. */
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  /** Live calls: the request ID the sandbox answered with, and the request's `requestMetadata`. */
  requestId?: string;
  requestMetadata?: Readonly<Record<string, string>>;
}

export interface LambdaError {
  type: string;
  message: string;
  stack: string[];
}

export interface Invocation {
  fn: string;
  requestId: string;
  /** Epoch ms of START. */
  start: number;
  durationMs: number;
  billedMs: number;
  initMs?: number;
  memorySizeMb: number;
  maxMemoryMb: number;
  /** How the runtime ended the invocation when not successfully (REPORT `Status`, JSON `record.status`). */
  status?: "timeout" | "error";
  /** With status "error": the REPORT line's `Error Type`, e.g. Runtime.OutOfMemory. */
  errorType?: string;
  /** A cold start whose first init failed (INIT_REPORT `Status: error`), then succeeded in the invoke phase. */
  initError?: string;
  error?: LambdaError;
  bedrock?: BedrockCall;
}

export interface MinuteSlice {
  invocations: Invocation[];
  /** Requests Lambda throttled in this minute (never invoked, so no REPORT line). */
  throttles: number;
  /** Peak concurrent executions in the minute. */
  concurrency: number;
}

export interface WorkloadOptions {
  seed: number;
  functions: readonly string[];
  /** Model IDs as invoked (and reported in AWS/Bedrock metrics), e.g. amazon.nova-lite-v1:0. */
  models: readonly string[];
  region: string;
  historyDays?: number;
  /** Peak invocations per minute of each function. */
  peakPerMinute?: number;
  memorySizeMb?: number;
  /** Traffic multiplier (config sandbox.workload.scale): invocations, logs, metrics and bill all grow with it. */
  scale?: number;
  /** Per-function configuration (log format, timeout, tracing); defaults per name when absent. */
  functionSpecs?: readonly FunctionSpec[];
  now?: () => number;
  /** Shapes each generated Bedrock call (the billing scenario adds cache tokens); identity by default. */
  shapeCall?: (call: BedrockCall, seed: number) => BedrockCall;
}

const APP_ERRORS: ReadonlyArray<{ type: string; message: string; frames: string[] }> = [
  {
    type: "KeyError",
    message: "'session_id'",
    frames: [
      'File "/var/task/server.py", line 161, in chat',
      'File "/var/task/server.py", line 88, in load_conversation',
    ],
  },
  {
    type: "botocore.exceptions.ClientError",
    message: "An error occurred (AccessDenied) when calling the GetObject operation: Access Denied",
    frames: [
      'File "/var/task/server.py", line 92, in load_conversation',
      'File "/var/task/botocore/client.py", line 1023, in _make_api_call',
    ],
  },
  {
    type: "TimeoutError",
    message: "Bedrock did not answer within 25 s",
    frames: [
      'File "/var/task/server.py", line 140, in call_bedrock',
      'File "/var/task/botocore/endpoint.py", line 119, in make_request',
    ],
  },
];

export class Workload {
  readonly seed: number;
  readonly functions: readonly string[];
  readonly models: readonly string[];
  readonly region: string;
  readonly historyDays: number;
  readonly memorySizeMb: number;
  readonly scale: number;
  private readonly specs = new Map<string, FunctionSpec>();
  private readonly peak: number;
  private readonly clock: () => number;
  private readonly minuteCache = new Map<string, MinuteSlice>();
  private readonly live = new Map<string, BedrockCall[]>();
  private readonly weights: number[];
  private readonly shapeCall: (call: BedrockCall, seed: number) => BedrockCall;

  constructor(options: WorkloadOptions) {
    this.shapeCall = options.shapeCall ?? ((call) => call);
    this.seed = options.seed;
    this.functions = [...options.functions];
    this.models = [...options.models];
    this.region = options.region;
    this.historyDays = options.historyDays ?? 30;
    this.peak = options.peakPerMinute ?? 4;
    this.memorySizeMb = options.memorySizeMb ?? 512;
    this.scale = options.scale ?? 1;
    for (const spec of options.functionSpecs ?? []) this.specs.set(spec.name, spec);
    this.clock = options.now ?? Date.now;
    const raw = this.models.map((m) => latencyProfile(m).trafficWeight);
    const total = raw.reduce((a, b) => a + b, 0) || 1;
    this.weights = raw.map((w) => w / total);
  }

  now(): number {
    return this.clock();
  }

  /** A function's configuration (log format, timeout, tracing), as GetFunctionConfiguration reports it. */
  spec(fn: string): FunctionSpec {
    let spec = this.specs.get(fn);
    if (!spec) {
      spec = defaultSpec(fn, this.memorySizeMb);
      this.specs.set(fn, spec);
    }
    return spec;
  }

  /** The first millisecond with data: history starts `historyDays` before now, on a minute. */
  historyStart(): number {
    return Math.floor((this.now() - this.historyDays * DAY) / MINUTE) * MINUTE;
  }

  /** Expected invocations per minute at time t: a daily rhythm peaking mid-afternoon UTC, quieter weekends. */
  rate(fn: string, t: number): number {
    const hour = (t % DAY) / 3_600_000;
    const daily = 0.12 + 0.88 * bell(hour, 15, 4.5);
    const weekday = new Date(t).getUTCDay();
    const weekly = weekday === 0 || weekday === 6 ? 0.55 : 1;
    const fnScale = 0.6 + 0.8 * uniform(this.seed, hashString(fn), 0x5ca1e);
    return this.peak * this.scale * daily * weekly * fnScale;
  }

  /** Everything one function did in one epoch minute (deterministic; cached). */
  minute(fn: string, minuteStart: number): MinuteSlice {
    const key = `${fn}|${minuteStart}`;
    const cached = this.minuteCache.get(key);
    if (cached) return cached;
    const slice = this.generateMinute(fn, minuteStart);
    if (this.minuteCache.size > 400_000) this.minuteCache.clear();
    this.minuteCache.set(key, slice);
    return slice;
  }

  private generateMinute(fn: string, m: number): MinuteSlice {
    const fnHash = hashString(fn);
    const idx = m / MINUTE;
    const lambda = this.rate(fn, m);
    const count = poisson(lambda, this.seed, fnHash, idx, 1);
    const previousQuiet = poisson(this.rate(fn, m - MINUTE), this.seed, fnHash, idx - 1, 1) === 0;
    const invocations: Invocation[] = [];
    for (let i = 0; i < count; i++)
      invocations.push(this.invocation(fn, fnHash, m, idx, i, previousQuiet && i === 0));
    invocations.sort((a, b) => a.start - b.start);
    const busyMs = invocations.reduce((sum, inv) => sum + inv.durationMs + (inv.initMs ?? 0), 0);
    const concurrency =
      count === 0 ? 0 : Math.max(1, Math.ceil((busyMs / MINUTE) * 2 + uniform(this.seed, fnHash, idx, 7)));
    const throttles =
      uniform(this.seed, fnHash, idx, 9) < 0.002
        ? 1 + Math.floor(uniform(this.seed, fnHash, idx, 10) * 3)
        : 0;
    return { invocations, throttles, concurrency };
  }

  private invocation(
    fn: string,
    fnHash: number,
    m: number,
    idx: number,
    i: number,
    afterQuiet: boolean,
  ): Invocation {
    const s = this.seed;
    const start = m + Math.floor(uniform(s, fnHash, idx, i, 2) * MINUTE);
    const cold = afterQuiet ? uniform(s, fnHash, idx, i, 3) < 0.6 : uniform(s, fnHash, idx, i, 3) < 0.02;
    const initMs = cold ? round2(logNormal(850, 0.2, s, fnHash, idx, i, 4)) : undefined;
    const overheadMs = logNormal(55, 0.35, s, fnHash, idx, i, 5);
    const requestId = uuidFrom(s, fnHash, idx, i);
    const roll = uniform(s, fnHash, idx, i, 6);
    let error: LambdaError | undefined;
    let bedrock: BedrockCall | undefined;
    if (roll < 0.005) {
      const pick =
        APP_ERRORS[Math.floor(uniform(s, fnHash, idx, i, 8) * APP_ERRORS.length)] ?? APP_ERRORS[0]!;
      error = { type: pick.type, message: pick.message, stack: pick.frames };
    } else if (this.models.length > 0) {
      bedrock = this.bedrockCall(fnHash, idx, i, start + Math.round(overheadMs * 0.6));
      if (bedrock.status === "throttled") {
        error = {
          type: "botocore.errorfactory.ThrottlingException",
          message:
            "An error occurred (ThrottlingException) when calling the Converse operation: Too many requests, please wait before trying again.",
          stack: [
            'File "/var/task/server.py", line 140, in call_bedrock',
            'File "/var/task/botocore/client.py", line 1023, in _make_api_call',
          ],
        };
      }
    }
    const spec = this.spec(fn);
    const outcome = invocationOutcome(uniform(s, fnHash, idx, i, 12), spec);
    const durationMs =
      outcome?.durationMs ??
      round2(overheadMs + (bedrock && bedrock.status === "ok" ? bedrock.latencyMs : 0));
    const maxMemoryMb =
      outcome?.status === "error"
        ? spec.memorySizeMb
        : Math.round(88 + 40 * uniform(s, fnHash, idx, i, 11) + (cold ? 12 : 0));
    const inv: Invocation = {
      fn,
      requestId,
      start,
      durationMs,
      // Since 2025-08-01 the INIT phase is billed: Billed Duration includes Init Duration on cold starts.
      billedMs: Math.ceil(durationMs + (initMs ?? 0)),
      memorySizeMb: spec.memorySizeMb,
      maxMemoryMb,
    };
    if (outcome) {
      inv.status = outcome.status;
      if (outcome.errorType) inv.errorType = outcome.errorType;
    }
    if (initMs !== undefined) inv.initMs = initMs;
    if (initMs !== undefined && initFailed(uniform(s, fnHash, idx, i, 13))) inv.initError = INIT_ERROR_TYPE;
    if (error) inv.error = error;
    if (bedrock) inv.bedrock = bedrock;
    return inv;
  }

  private pickModel(u: number): string {
    let acc = 0;
    for (let k = 0; k < this.models.length; k++) {
      acc += this.weights[k] ?? 0;
      if (u < acc) return this.models[k]!;
    }
    return this.models[this.models.length - 1]!;
  }

  private bedrockCall(fnHash: number, idx: number, i: number, time: number): BedrockCall {
    const s = this.seed;
    const modelId = this.pickModel(uniform(s, fnHash, idx, i, 20));
    const profile = latencyProfile(modelId);
    const inputTokens = Math.round(300 + 600 * uniform(s, fnHash, idx, i, 21));
    const outputTokens = Math.max(5, Math.round(logNormal(180, 0.45, s, fnHash, idx, i, 22)));
    const roll = uniform(s, fnHash, idx, i, 23);
    const hour = (time % DAY) / 3_600_000;
    const throttleP = 0.002 + 0.006 * bell(hour, 15, 2);
    const status: CallStatus =
      roll < throttleP
        ? "throttled"
        : roll < throttleP + 0.002
          ? "client_error"
          : roll < throttleP + 0.003
            ? "server_error"
            : "ok";
    const slow = uniform(s, fnHash, idx, i, 24) < profile.slowProbability ? profile.slowFactor : 1;
    const ttftMs = round2(logNormal(profile.ttftMs, profile.ttftSigma, s, fnHash, idx, i, 25) * slow);
    const genMs = (outputTokens / logNormal(profile.tokensPerSecond, 0.12, s, fnHash, idx, i, 26)) * 1000;
    const ok = status === "ok";
    const call: BedrockCall = {
      modelId,
      time,
      // Seed 001's chat streams most answers (ConverseStream: the calls with a TimeToFirstToken).
      operation: uniform(s, fnHash, idx, i, 27) < 0.7 ? "ConverseStream" : "Converse",
      status,
      latencyMs: ok ? Math.round(ttftMs + genMs) : Math.round(40 + 30 * roll),
      ttftMs,
      inputTokens: status === "throttled" ? 0 : inputTokens,
      outputTokens: ok ? outputTokens : 0,
      region: this.region,
      source: "workload",
    };
    return this.shapeCall(call, s);
  }

  /** Invocations of a function that started in [from, to), up to now, in time order. */
  invocations(fn: string, from: number, to: number): Invocation[] {
    const out: Invocation[] = [];
    const now = this.now();
    const lo = Math.max(from, this.historyStart());
    const hi = Math.min(to, now + 1);
    if (hi <= lo) return out;
    for (let m = Math.floor(lo / MINUTE) * MINUTE; m < hi; m += MINUTE) {
      for (const inv of this.minute(fn, m).invocations) if (inv.start >= lo && inv.start < hi) out.push(inv);
    }
    return out;
  }

  /** Bedrock calls to a model ID in [from, to): the workload's and those answered live. */
  bedrockCalls(modelId: string, from: number, to: number): BedrockCall[] {
    const out: BedrockCall[] = [];
    if (this.models.includes(modelId)) {
      for (const fn of this.functions) {
        for (const inv of this.invocations(fn, from, to)) {
          if (
            inv.bedrock &&
            inv.bedrock.modelId === modelId &&
            inv.bedrock.time >= from &&
            inv.bedrock.time < to
          ) {
            out.push(inv.bedrock);
          }
        }
      }
    }
    if (this.models.includes(modelId))
      out.push(
        ...busyCallsBetween(
          this.seed,
          modelId,
          this.region,
          Math.max(from, this.historyStart()),
          Math.min(to, this.now() + 1),
        ),
      );
    for (const call of this.live.get(modelId) ?? []) if (call.time >= from && call.time < to) out.push(call);
    return out.sort((a, b) => a.time - b.time);
  }

  /**
   * Bedrock calls of every model ID in [from, to), grouped by model ID (one pass over the
   * invocations, for the bill and the invocation logs); the same calls as `bedrockCalls` per model.
   */
  bedrockCallsByModel(from: number, to: number): Map<string, BedrockCall[]> {
    const out = new Map<string, BedrockCall[]>();
    const add = (call: BedrockCall) => {
      const list = out.get(call.modelId);
      if (list) list.push(call);
      else out.set(call.modelId, [call]);
    };
    if (this.models.length > 0) {
      for (const fn of this.functions)
        for (const inv of this.invocations(fn, from, to))
          if (inv.bedrock && inv.bedrock.time >= from && inv.bedrock.time < to) add(inv.bedrock);
      const lo = Math.max(from, this.historyStart());
      const hi = Math.min(to, this.now() + 1);
      for (const modelId of this.models)
        for (const call of busyCallsBetween(this.seed, modelId, this.region, lo, hi)) add(call);
    }
    for (const calls of this.live.values())
      for (const call of calls) if (call.time >= from && call.time < to) add(call);
    for (const list of out.values()) list.sort((a, b) => a.time - b.time);
    return out;
  }

  /** Every model ID with traffic: configured ones and any called live. */
  modelIds(): string[] {
    return [...new Set([...this.models, ...this.live.keys()])];
  }

  /** Record a call the sandbox's Bedrock Runtime answered, so it shows in metrics, logs and the bill. */
  recordLive(call: Omit<BedrockCall, "source">): void {
    const list = this.live.get(call.modelId) ?? [];
    list.push({ ...call, source: "live" });
    this.live.set(call.modelId, list);
  }

  liveCalls(): BedrockCall[] {
    return [...this.live.values()].flat().sort((a, b) => a.time - b.time);
  }

  /** Forget live calls (a sandbox reset); the deterministic history is unchanged. */
  reset(): void {
    this.live.clear();
  }
}

/** When an invocation ends: its REPORT log line's timestamp (START + Init Duration + Duration). */
export function invocationEnd(inv: Invocation): number {
  return Math.round(inv.start + (inv.initMs ?? 0) + inv.durationMs);
}

function bell(x: number, centre: number, width: number): number {
  const d = Math.min(Math.abs(x - centre), 24 - Math.abs(x - centre));
  return Math.exp(-(d * d) / (2 * width * width));
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function uuidFrom(...parts: number[]): string {
  const hex = [0, 1, 2, 3]
    .map((k) =>
      hash32(...parts, 0xc0ffee + k)
        .toString(16)
        .padStart(8, "0"),
    )
    .join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
