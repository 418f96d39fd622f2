/**
 * Per-minute aggregates of the workload, the raw material of the AWS/Lambda and AWS/Bedrock
 * metrics. Each minute is derived once from the workload and cached (finished minutes only),
 * so a 30-day query at a 1-hour period touches every invocation once, not once per query.
 * Calls answered live by the sandbox's Bedrock Runtime are added on top, never cached.
 */
import { busyCalls } from "../../workload/busy-afternoon.ts";
import type { BedrockCall, Workload } from "../../workload/model.ts";
import { invocationEnd as endTime, MINUTE } from "../../workload/model.ts";
import { estimatedQuotaTokens, isLegacyModel } from "../bedrock/burndown.ts";

export interface LambdaMinute {
  invocations: number;
  errors: number;
  throttles: number;
  concurrency: number;
  durations: number[];
}

export interface BedrockMinute {
  /** Requests Bedrock accepted for processing: ok + client errors + server errors (not throttles). */
  accepted: number;
  throttles: number;
  clientErrors: number;
  serverErrors: number;
  /** InvocationLatency of successful calls, ms. */
  latencies: number[];
  inputTokens: number[];
  outputTokens: number[];
  /** TimeToFirstToken of successful ConverseStream calls, ms. */
  ttft: number[];
  /** Prompt-cache tokens of successful calls (CacheReadInputTokenCount / CacheWriteInputTokenCount). */
  cacheReadTokens: number[];
  cacheWriteTokens: number[];
  /** EstimatedTPMQuotaUsage of each successful call (tokens counted against the TPM quota). */
  quotaTokens: number[];
  /** Accepted calls to models their provider marked Legacy (LegacyModelInvocations). */
  legacy: number;
}

const CACHE_LIMIT = 600_000;
const PER_DAY = 1440;

/** Per-source records by minute, in day-long arrays: numeric lookups, no string keys. */
class MinuteStore<T> {
  private readonly bySource = new Map<string, Map<number, Array<T | undefined>>>();
  private size = 0;

  get(source: string, m: number): T | undefined {
    const index = m / MINUTE;
    return this.bySource.get(source)?.get(Math.floor(index / PER_DAY))?.[index % PER_DAY];
  }

  set(source: string, m: number, value: T): void {
    if (this.size >= CACHE_LIMIT) {
      this.bySource.clear();
      this.size = 0;
    }
    const index = m / MINUTE;
    const day = Math.floor(index / PER_DAY);
    let days = this.bySource.get(source);
    if (!days) {
      days = new Map();
      this.bySource.set(source, days);
    }
    let slots = days.get(day);
    if (!slots) {
      slots = new Array<T | undefined>(PER_DAY);
      days.set(day, slots);
    }
    if (slots[index % PER_DAY] === undefined) this.size++;
    slots[index % PER_DAY] = value;
  }
}

export function emptyBedrock(): BedrockMinute {
  return {
    accepted: 0,
    throttles: 0,
    clientErrors: 0,
    serverErrors: 0,
    latencies: [],
    inputTokens: [],
    outputTokens: [],
    ttft: [],
    cacheReadTokens: [],
    cacheWriteTokens: [],
    quotaTokens: [],
    legacy: 0,
  };
}

export function addBedrockCall(target: BedrockMinute, call: BedrockCall): void {
  if (call.status === "throttled") {
    target.throttles++;
    return;
  }
  target.accepted++;
  if (isLegacyModel(call.modelId)) target.legacy++;
  if (call.status === "client_error") target.clientErrors++;
  else if (call.status === "server_error") target.serverErrors++;
  else {
    target.latencies.push(call.latencyMs);
    target.inputTokens.push(call.inputTokens);
    target.outputTokens.push(call.outputTokens);
    if (call.operation === "ConverseStream") target.ttft.push(call.ttftMs);
    if (call.cacheReadTokens !== undefined) target.cacheReadTokens.push(call.cacheReadTokens);
    if (call.cacheWriteTokens !== undefined) target.cacheWriteTokens.push(call.cacheWriteTokens);
    target.quotaTokens.push(estimatedQuotaTokens(call.modelId, call));
  }
}

export class WorkloadMinutes {
  private readonly lambdaCache = new MinuteStore<LambdaMinute>();
  private readonly bedrockCache = new MinuteStore<BedrockMinute>();

  constructor(private readonly workload: Workload) {}

  /** Lambda metrics of one function in the minute starting at m (epoch ms, minute-aligned). */
  lambda(fn: string, m: number): LambdaMinute {
    const now = this.workload.now();
    if (m < this.workload.historyStart() || m > now)
      return { invocations: 0, errors: 0, throttles: 0, concurrency: 0, durations: [] };
    const cached = this.lambdaCache.get(fn, m);
    if (cached) return cached;
    const slice = this.workload.minute(fn, m);
    const record: LambdaMinute = {
      invocations: 0,
      errors: 0,
      throttles: slice.throttles,
      concurrency: slice.concurrency,
      durations: [],
    };
    // An invocation is reported when it ends (as its REPORT log line is), so Logs Insights over
    // REPORT lines and these metrics agree on every window. Invocations last well under 2 minutes.
    const history = this.workload.historyStart();
    for (let lm = m - 2 * MINUTE; lm <= m; lm += MINUTE) {
      if (lm < history) continue;
      for (const inv of this.workload.minute(fn, lm).invocations) {
        const end = endTime(inv);
        if (end < m || end >= m + MINUTE || end > now) continue;
        record.invocations++;
        // AWS/Lambda Errors counts function errors, timeouts and out-of-memory alike.
        if (inv.error || inv.status) record.errors++;
        record.durations.push(inv.durationMs);
      }
    }
    if (m + MINUTE <= now) this.lambdaCache.set(fn, m, record);
    return record;
  }

  /**
   * Bedrock metrics of one model ID in the minute starting at m, from the workload's calls
   * (a call can fall in the minute after its invocation started) plus live calls.
   */
  bedrock(modelId: string, m: number, live: Map<number, BedrockCall[]> | undefined): BedrockMinute {
    const base = this.bedrockWorkload(modelId, m);
    const extra = live?.get(m);
    if (!extra || extra.length === 0) return base;
    const merged: BedrockMinute = {
      ...base,
      latencies: [...base.latencies],
      inputTokens: [...base.inputTokens],
      outputTokens: [...base.outputTokens],
      ttft: [...base.ttft],
      cacheReadTokens: [...base.cacheReadTokens],
      cacheWriteTokens: [...base.cacheWriteTokens],
      quotaTokens: [...base.quotaTokens],
    };
    for (const call of extra) addBedrockCall(merged, call);
    return merged;
  }

  /** Live calls of a model bucketed by minute (computed per request: the list is small). */
  liveByMinute(modelId: string): Map<number, BedrockCall[]> {
    const out = new Map<number, BedrockCall[]>();
    for (const call of this.workload.liveCalls()) {
      if (call.modelId !== modelId) continue;
      const m = Math.floor(call.time / MINUTE) * MINUTE;
      const list = out.get(m) ?? [];
      list.push(call);
      out.set(m, list);
    }
    return out;
  }

  private bedrockWorkload(modelId: string, m: number): BedrockMinute {
    const now = this.workload.now();
    const start = this.workload.historyStart();
    if (!this.workload.models.includes(modelId) || m + MINUTE <= start || m > now + MINUTE)
      return emptyBedrock();
    const cached = this.bedrockCache.get(modelId, m);
    if (cached) return cached;
    const record = emptyBedrock();
    for (const fn of this.workload.functions) {
      for (const lm of [m - MINUTE, m]) {
        if (lm < start || lm > now) continue;
        for (const inv of this.workload.minute(fn, lm).invocations) {
          const call = inv.bedrock;
          if (!call || inv.start > now || call.modelId !== modelId) continue;
          if (call.time >= m && call.time < m + MINUTE) addBedrockCall(record, call);
        }
      }
    }
    for (const call of busyCalls(this.workload.seed, modelId, this.workload.region, m))
      if (call.time <= now) addBedrockCall(record, call);
    if (m + 2 * MINUTE <= now) this.bedrockCache.set(modelId, m, record);
    return record;
  }
}
