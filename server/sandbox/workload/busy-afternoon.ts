/**
 * The workload's busy afternoon: every Wednesday from 13:30 to 15:30 UTC a batch job (the twin's
 * weekly digest, running outside Lambda, so it writes no Lambda logs) sends long summarisation
 * requests to Nova Pro. Its rate is shaped to bring Nova Pro near its tokens-per-minute quota at
 * about 14:30: the requests each reserve `input + maxTokens` tokens when they start (AWS's token
 * burndown), so the minutes whose reservations pass the quota throttle their last requests while
 * the tokens actually used (`EstimatedTPMQuotaUsage`) stay just under it. The quota is the one the
 * sandbox's Bedrock Runtime enforces (the catalogue default), so metrics, throttles and the
 * Service Quotas figures agree.
 */
import { findModel } from "../providers/bedrock/catalog.ts";
import type { BedrockCall } from "./model.ts";
import { hashString, logNormal, uniform } from "./random.ts";

export const BUSY_MODEL = "amazon.nova-pro-v1:0";
const MINUTE = 60_000;
const DAY = 86_400_000;
const START_HOUR = 13.5;
const END_HOUR = 15.5;
const PEAK_HOUR = 14.5;
/** The digest job's maxTokens: each request reserves input + this many tokens while it runs. */
export const BUSY_MAX_TOKENS = 4096;
const SALT = hashString("busy-afternoon");

/** Whether minute m (epoch ms) lies inside a busy afternoon. */
export function isBusyMinute(m: number): boolean {
  const hour = (m % DAY) / 3_600_000;
  return new Date(m).getUTCDay() === 3 && hour >= START_HOUR && hour < END_HOUR;
}

interface Offered {
  time: number;
  inputTokens: number;
  outputTokens: number;
  ttftMs: number;
  latencyMs: number;
}

/** What the job sends in minute m, before any throttling (deterministic in seed and minute). */
function offered(seed: number, tpm: number, m: number): Offered[] {
  if (!isBusyMinute(m)) return [];
  const idx = m / MINUTE;
  const hour = (m % DAY) / 3_600_000;
  const shape = Math.exp(-((hour - PEAK_HOUR) ** 2) / (2 * 0.35 * 0.35));
  // ~7,700 tokens used per request; at the peak the job offers ~3 % more than the quota.
  const count = Math.round((tpm / 7_700) * (0.1 + 0.93 * shape) * (0.97 + 0.06 * uniform(seed, SALT, idx)));
  const out: Offered[] = [];
  for (let i = 0; i < count; i++) {
    const time = m + Math.floor(((i + uniform(seed, SALT, idx, i, 1)) / Math.max(1, count)) * MINUTE);
    const inputTokens = Math.round(6_500 + 2_000 * uniform(seed, SALT, idx, i, 2));
    const outputTokens = Math.max(40, Math.round(logNormal(200, 0.35, seed, SALT, idx, i, 3)));
    const ttftMs = Math.round(logNormal(900, 0.3, seed, SALT, idx, i, 4));
    out.push({
      time,
      inputTokens,
      outputTokens,
      ttftMs,
      latencyMs: Math.round(ttftMs + (outputTokens / 85) * 1000),
    });
  }
  return out;
}

/**
 * The digest job's calls to `modelId` in the minute starting at m (empty outside the window or for
 * other models). A request is throttled when, over the sliding 60 s before it, the requests or the
 * tokens (finished calls at input + output, calls still running at input + maxTokens) leave no room
 * for it. The previous minute's calls enter the window as offered (their own throttles ignored).
 */
export function busyCalls(seed: number, modelId: string, region: string, m: number): BedrockCall[] {
  if (modelId !== BUSY_MODEL || !isBusyMinute(m)) return [];
  const quota = findModel(BUSY_MODEL)?.quota;
  if (!quota) return [];
  const window: Offered[] = offered(seed, quota.tpm, m - MINUTE);
  const calls: BedrockCall[] = [];
  for (const o of offered(seed, quota.tpm, m)) {
    let requests = 0;
    let tokens = 0;
    for (const w of window) {
      if (w.time <= o.time - MINUTE) continue;
      requests++;
      tokens +=
        w.time + w.latencyMs <= o.time ? w.inputTokens + w.outputTokens : w.inputTokens + BUSY_MAX_TOKENS;
    }
    if (requests + 1 > quota.rpm || tokens + o.inputTokens + BUSY_MAX_TOKENS > quota.tpm) {
      calls.push(call(modelId, region, o.time, "throttled", 45, 0, 0, 0));
      continue;
    }
    window.push(o);
    calls.push(call(modelId, region, o.time, "ok", o.latencyMs, o.ttftMs, o.inputTokens, o.outputTokens));
  }
  return calls;
}

function call(
  modelId: string,
  region: string,
  time: number,
  status: BedrockCall["status"],
  latencyMs: number,
  ttftMs: number,
  inputTokens: number,
  outputTokens: number,
): BedrockCall {
  return {
    modelId,
    time,
    operation: "Converse",
    status,
    latencyMs,
    ttftMs,
    inputTokens,
    outputTokens,
    region,
    source: "workload",
  };
}

/** The digest job's calls in [from, to). */
export function busyCallsBetween(
  seed: number,
  modelId: string,
  region: string,
  from: number,
  to: number,
): BedrockCall[] {
  if (modelId !== BUSY_MODEL) return [];
  const out: BedrockCall[] = [];
  for (let m = Math.floor(from / MINUTE) * MINUTE; m < to; m += MINUTE) {
    if (!isBusyMinute(m)) {
      // Skip to the next minute quickly; windows are short and weekly.
      continue;
    }
    for (const c of busyCalls(seed, modelId, region, m)) if (c.time >= from && c.time < to) out.push(c);
  }
  return out;
}
