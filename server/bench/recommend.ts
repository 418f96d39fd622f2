/**
 * The decision: the cheapest model meeting the SLO (p90 end-to-end) and the quality bar, with the
 * evidence; and regressions: a model whose p90 got worse than in earlier runs of the same suite
 * beyond both confidence intervals (current CI low above the previous CI high).
 */
import type { BenchModelStats, BenchRunDetail, BenchRunSummary } from "../api/contract.ts";

export interface Slo {
  p90EndToEndMs: number;
  minQualityPassRate: number;
  /** Errors + timeouts + throttles tolerated, as a share of requests (default 5 %). */
  maxFailureRate?: number;
}

const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
const money = (v: number) => `$${v.toFixed(v < 0.01 ? 6 : 4)}`;

/** Why a model misses the SLO, or null when it meets it. */
function shortfall(s: BenchModelStats, slo: Slo): string | null {
  const maxFailure = slo.maxFailureRate ?? 0.05;
  const okCount = Math.round(s.count * (1 - s.errorRate - s.throttleRate));
  if (okCount === 0) return "no successful requests";
  const misses: string[] = [];
  if (!(s.endToEndMs.p90 <= slo.p90EndToEndMs))
    misses.push(`p90 end-to-end ${Math.round(s.endToEndMs.p90)} ms > ${slo.p90EndToEndMs} ms`);
  if (s.qualityPassRate < slo.minQualityPassRate)
    misses.push(`quality ${pct(s.qualityPassRate)} < ${pct(slo.minQualityPassRate)}`);
  if (s.errorRate + s.throttleRate > maxFailure)
    misses.push(`failures ${pct(s.errorRate + s.throttleRate)} > ${pct(maxFailure)}`);
  return misses.length > 0 ? misses.join(", ") : null;
}

export function recommend(
  stats: readonly BenchModelStats[],
  slo: Slo,
): NonNullable<BenchRunSummary["recommendation"]> {
  const meeting = stats.filter((s) => shortfall(s, slo) === null);
  if (meeting.length === 0) {
    const why = stats.map((s) => `${s.modelId}: ${shortfall(s, slo)}`).join("; ");
    return {
      modelId: null,
      reason: `No model meets the SLO (p90 end-to-end <= ${slo.p90EndToEndMs} ms, quality >= ${pct(slo.minQualityPassRate)}). ${why}.`,
    };
  }
  const best = [...meeting].sort(
    (a, b) => a.costPerRequestUsd - b.costPerRequestUsd || a.endToEndMs.p90 - b.endToEndMs.p90,
  )[0]!;
  const others = stats
    .filter((s) => s !== best)
    .map((s) => {
      const miss = shortfall(s, slo);
      return miss
        ? `${s.modelId} misses it (${miss})`
        : `${s.modelId} meets it at ${money(s.costPer1kRequestsUsd)} per 1k requests`;
    });
  return {
    modelId: best.modelId,
    reason:
      `${best.modelId} is the cheapest model meeting the SLO: p90 end-to-end ${Math.round(best.endToEndMs.p90)} ms ` +
      `(95 % CI ${Math.round(best.endToEndMs.p90Ci[0])}-${Math.round(best.endToEndMs.p90Ci[1])}) <= ${slo.p90EndToEndMs} ms, ` +
      `quality ${pct(best.qualityPassRate)}, ${money(best.costPer1kRequestsUsd)} per 1k requests` +
      (others.length > 0 ? `; ${others.join("; ")}.` : "."),
  };
}

const METRICS = [
  ["p90EndToEndMs", (s: BenchModelStats) => s.endToEndMs],
  ["p90TtftMs", (s: BenchModelStats) => s.ttftMs],
] as const;

/** Compare each model with the most recent earlier complete run that measured it. */
export function findRegressions(
  current: readonly BenchModelStats[],
  previousRuns: readonly BenchRunDetail[],
): BenchRunSummary["regressions"] {
  const out: BenchRunSummary["regressions"] = [];
  for (const s of current) {
    const before = previousRuns
      .map((r) => r.stats.find((p) => p.modelId === s.modelId))
      .find((p) => p !== undefined);
    if (!before) continue;
    for (const [metric, pick] of METRICS) {
      const now = pick(s);
      const then = pick(before);
      if (!Number.isFinite(now.p90Ci[0]) || !Number.isFinite(then.p90Ci[1])) continue;
      if (now.p90 > then.p90 && now.p90Ci[0] > then.p90Ci[1]) {
        out.push({ modelId: s.modelId, metric, previous: then.p90, current: now.p90 });
      }
    }
  }
  return out;
}
