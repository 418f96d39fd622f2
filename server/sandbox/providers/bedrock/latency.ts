/**
 * When each part of an answer is sent: time to first token from the model's latency profile
 * (log-normal, with a slow tail and an occasional slow first call per model), then the rest at
 * the profile's tokens per second. Deterministic in (workload seed, invoked model ID, the
 * model's call counter); every duration is multiplied by `latencyScale`.
 */
import { latencyProfile } from "../../workload/profiles.ts";
import { hashString, logNormal, uniform } from "../../workload/random.ts";
import { CHARS_PER_TOKEN } from "./text.ts";

/** Probability that a model's first call after a (re)start is slow, and how slow. */
const FIRST_CALL_SLOW_P = 0.5;
const FIRST_CALL_FACTOR = [1.8, 3.2] as const;
/** Slow-tail calls also generate more slowly. */
const SLOW_TPS_DIVISOR = 1.5;

export interface LatencyPlan {
  /** ms from the request to the first non-empty text (scaled). */
  ttftMs: number;
  /** Output tokens per second (scaled: tokens per scaled second). */
  tokensPerSecond: number;
  slow: boolean;
  slowFirstCall: boolean;
  scale: number;
}

export function planLatency(seed: number, modelId: string, callIndex: number, scale: number): LatencyPlan {
  const profile = latencyProfile(modelId);
  const h = hashString(modelId);
  const slow = uniform(seed, h, callIndex, 0xa1) < profile.slowProbability;
  const slowFirstCall = callIndex === 0 && uniform(seed, h, 0xf1) < FIRST_CALL_SLOW_P;
  const firstFactor = slowFirstCall
    ? FIRST_CALL_FACTOR[0] + (FIRST_CALL_FACTOR[1] - FIRST_CALL_FACTOR[0]) * uniform(seed, h, 0xf2)
    : 1;
  const ttft =
    logNormal(profile.ttftMs, profile.ttftSigma, seed, h, callIndex, 0xa2) *
    (slow ? profile.slowFactor : 1) *
    firstFactor;
  const tps =
    logNormal(profile.tokensPerSecond, 0.12, seed, h, callIndex, 0xa3) / (slow ? SLOW_TPS_DIVISOR : 1);
  return {
    ttftMs: round2(ttft * scale),
    tokensPerSecond: scale > 0 ? tps / scale : Number.POSITIVE_INFINITY,
    slow,
    slowFirstCall,
    scale,
  };
}

export interface Schedule {
  /** ms after the request start at which each delta is sent. */
  at: number[];
  /** ms after the request start of the last token (the planned end-to-end latency). */
  totalMs: number;
  /** (last delta - first delta) / (outputTokens - 1): the inter-token latency a client measures. */
  itlMs: number;
}

/**
 * Sends the first delta at TTFT and each later delta when the tokens it completes have been
 * generated at `tokensPerSecond`: delta i at ttft + (tokens through delta i - tokens of the first
 * delta) / tps.
 */
export function schedule(plan: LatencyPlan, chunks: readonly string[]): Schedule {
  const perToken =
    Number.isFinite(plan.tokensPerSecond) && plan.tokensPerSecond > 0 ? 1000 / plan.tokensPerSecond : 0;
  const at: number[] = [];
  let chars = 0;
  let firstTokens = 0;
  chunks.forEach((chunk, i) => {
    chars += chunk.length;
    const tokens = Math.ceil(chars / CHARS_PER_TOKEN);
    if (i === 0) firstTokens = tokens;
    at.push(round2(plan.ttftMs + (tokens - firstTokens) * perToken));
  });
  const totalTokens = Math.ceil(chars / CHARS_PER_TOKEN);
  const totalMs = at.length > 0 ? at[at.length - 1]! : plan.ttftMs;
  const itlMs = totalTokens > 1 && at.length > 0 ? round2((totalMs - at[0]!) / (totalTokens - 1)) : 0;
  return { at, totalMs, itlMs };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
