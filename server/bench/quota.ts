/**
 * Quota-aware load: refuse a concurrency or arrival rate the account's per-model RPM/TPM
 * quotas cannot take, with the arithmetic in the message. Bedrock reserves
 * `inputTokens + maxTokens` of TPM when a request starts (AWS "How tokens are counted").
 */
import type { LoadPlan } from "./types.ts";

export interface ModelQuota {
  rpm: number;
  tpm: number;
}

export interface QuotaDemand {
  modelId: string;
  /** Tokens reserved per request: average input estimate + maxTokens. */
  tokensPerRequest: number;
  /** Median end-to-end latency seen in warm-up, ms (closed-loop demand depends on it). */
  latencyMs?: number;
}

/**
 * Requests per minute one model receives under `load`. Closed loop: each of N workers sends
 * one request per latency (the models are interleaved, so a worker spends 1/models of its time on
 * each). Poisson: the arrival rate split evenly over the models.
 */
export function requestsPerMinute(load: LoadPlan, modelCount: number, latencyMs?: number): number | null {
  if (load.kind === "rate") return (load.perSecond * 60) / modelCount;
  const n = load.kind === "sequential" ? 1 : load.n;
  if (!latencyMs || latencyMs <= 0) return null;
  return (n * 60_000) / latencyMs / modelCount;
}

/** Problems (one sentence each, with the arithmetic) or an empty list when the quotas fit. */
export function checkQuotas(
  load: LoadPlan,
  demands: readonly QuotaDemand[],
  quotas: Readonly<Record<string, ModelQuota>>,
): string[] {
  const problems: string[] = [];
  const inFlight = load.kind === "concurrency" ? load.n : load.kind === "sequential" ? 1 : null;
  for (const d of demands) {
    const quota = quotas[d.modelId];
    if (!quota) continue;
    // Instantaneous: N requests in flight at once each reserve input + maxTokens.
    if (inFlight !== null) {
      const share = Math.ceil(inFlight / demands.length);
      const reserved = share * d.tokensPerRequest;
      if (reserved > quota.tpm) {
        problems.push(
          `${d.modelId}: concurrency ${inFlight} puts up to ${share} requests in flight on this model, each reserving ${d.tokensPerRequest} tokens (input + maxTokens): ${share} x ${d.tokensPerRequest} = ${reserved} > TPM quota ${quota.tpm}. Lower --concurrency to ${Math.max(1, Math.floor(quota.tpm / d.tokensPerRequest) * demands.length)} or lower maxTokens.`,
        );
        continue;
      }
    }
    const rpm = requestsPerMinute(load, demands.length, d.latencyMs);
    if (rpm === null) continue;
    const describeLoad =
      load.kind === "rate"
        ? `rate ${load.perSecond}/s x 60 / ${demands.length} models`
        : `${inFlight} worker(s) x 60000 ms / ${Math.round(d.latencyMs ?? 0)} ms per request / ${demands.length} models`;
    if (rpm > quota.rpm) {
      problems.push(
        `${d.modelId}: ${describeLoad} = ${rpm.toFixed(1)} requests/min > RPM quota ${quota.rpm}.`,
      );
    }
    const tpm = rpm * d.tokensPerRequest;
    if (tpm > quota.tpm) {
      problems.push(
        `${d.modelId}: ${rpm.toFixed(1)} requests/min x ${d.tokensPerRequest} tokens reserved per request = ${Math.round(tpm)} tokens/min > TPM quota ${quota.tpm}.`,
      );
    }
  }
  return problems;
}
