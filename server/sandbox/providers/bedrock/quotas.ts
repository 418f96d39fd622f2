/**
 * Per-model RPM/TPM quotas over a sliding 60 s window, the way Bedrock enforces on-demand
 * quotas: a request reserves `input + maxTokens` tokens when it starts (so a large maxTokens
 * throttles even when the answer is short) and the reservation is settled to `input + output`
 * when it finishes. Over either limit the request fails with ThrottlingException (HTTP 429).
 * Source: AWS "Quotas for Amazon Bedrock" / "How tokens are counted" (token burndown).
 */
import type { Quota } from "./catalog.ts";

const WINDOW_MS = 60_000;

interface Reservation {
  time: number;
  tokens: number;
}

export type QuotaVerdict = { ok: true; reservation: Reservation } | { ok: false; limit: "rpm" | "tpm" };

export interface QuotaUsage {
  modelId: string;
  requests: number;
  tokens: number;
  rpm: number;
  tpm: number;
}

export class QuotaTracker {
  private readonly windows = new Map<string, Reservation[]>();
  private readonly limits = new Map<string, Quota>();

  /** Reserve one request and `tokens` tokens for `modelId` at `now`, or say which limit is hit. */
  reserve(modelId: string, quota: Quota, tokens: number, now: number): QuotaVerdict {
    const window = this.prune(modelId, now);
    this.limits.set(modelId, quota);
    if (window.length + 1 > quota.rpm) return { ok: false, limit: "rpm" };
    const used = window.reduce((sum, r) => sum + r.tokens, 0);
    if (used + tokens > quota.tpm) return { ok: false, limit: "tpm" };
    const reservation = { time: now, tokens };
    window.push(reservation);
    return { ok: true, reservation };
  }

  /** Settle a reservation to the tokens actually used. */
  settle(reservation: Reservation, tokens: number): void {
    reservation.tokens = tokens;
  }

  usage(now: number): QuotaUsage[] {
    const out: QuotaUsage[] = [];
    for (const modelId of this.windows.keys()) {
      const window = this.prune(modelId, now);
      const quota = this.limits.get(modelId) ?? { rpm: 0, tpm: 0 };
      out.push({
        modelId,
        requests: window.length,
        tokens: window.reduce((s, r) => s + r.tokens, 0),
        ...quota,
      });
    }
    return out;
  }

  clear(): void {
    this.windows.clear();
    this.limits.clear();
  }

  private prune(modelId: string, now: number): Reservation[] {
    const window = (this.windows.get(modelId) ?? []).filter((r) => r.time > now - WINDOW_MS);
    this.windows.set(modelId, window);
    return window;
  }
}
