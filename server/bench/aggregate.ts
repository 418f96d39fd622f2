/**
 * Per-model statistics of a run from its stored rows. Warm-up and cancelled requests are left
 * out; latencies come from successful requests only; errors and throttles are rates, never latency.
 */
import type { BenchModelDetail } from "../api/contract.ts";
import { mean, percentileSet } from "./stats.ts";
import type { RequestRow } from "./types.ts";

const nums = (values: Array<number | null>): number[] =>
  values.filter((v): v is number => v !== null && Number.isFinite(v));
const round = (v: number, digits = 4) =>
  Number.isFinite(v) ? Math.round(v * 10 ** digits) / 10 ** digits : 0;

export function modelStats(
  rows: readonly RequestRow[],
  modelId: string,
  seed: number,
  priced: boolean,
): BenchModelDetail {
  const measured = rows.filter((r) => r.modelId === modelId && !r.warmup && r.status !== "cancelled");
  const ok = measured.filter((r) => r.status === "ok");
  const count = measured.length;
  const outcomes = { ok: ok.length, error: 0, throttled: 0, timeout: 0 };
  const errorCodes: Record<string, number> = {};
  for (const r of measured) {
    if (r.status === "error" || r.status === "throttled" || r.status === "timeout") outcomes[r.status]++;
    if (r.errorCode) errorCodes[r.errorCode] = (errorCodes[r.errorCode] ?? 0) + 1;
  }
  const rate = (n: number) => (count === 0 ? 0 : round(n / count));
  const perRequestTps = ok
    .filter((r) => r.outputTokens !== null && r.endToEndMs !== null && r.endToEndMs > 0)
    .map((r) => r.outputTokens! / (r.endToEndMs! / 1000));
  const overhead = ok
    .filter((r) => r.endToEndMs !== null && r.serverLatencyMs !== null)
    .map((r) => r.endToEndMs! - r.serverLatencyMs!);
  const judged = ok.filter((r) => r.qualityPass !== null);
  const costs = measured.map((r) => r.costUsd ?? 0);
  const costPerRequest = costs.length === 0 ? 0 : mean(costs);
  return {
    modelId,
    count,
    errorRate: rate(outcomes.error + outcomes.timeout),
    throttleRate: rate(outcomes.throttled),
    ttftMs: percentileSet(nums(ok.map((r) => r.ttftMs)), seed),
    endToEndMs: percentileSet(nums(ok.map((r) => r.endToEndMs)), seed + 1),
    interTokenMs: percentileSet(nums(ok.map((r) => r.interTokenMs)), seed + 2),
    outputTokensPerSecond: round(perRequestTps.length === 0 ? 0 : mean(perRequestTps), 1),
    qualityPassRate:
      judged.length === 0 ? 0 : round(judged.filter((r) => r.qualityPass).length / judged.length),
    costPerRequestUsd: round(costPerRequest, 8),
    costPer1kRequestsUsd: round(costPerRequest * 1000, 5),
    outcomes,
    errorCodes,
    firstEventMs: percentileSet(nums(ok.map((r) => r.firstEventMs)), seed + 3),
    serverLatencyMs: percentileSet(nums(ok.map((r) => r.serverLatencyMs)), seed + 4),
    clientOverheadMs: percentileSet(overhead, seed + 5),
    meanInputTokens: round(mean(nums(ok.map((r) => r.inputTokens))) || 0, 1),
    meanOutputTokens: round(mean(nums(ok.map((r) => r.outputTokens))) || 0, 1),
    priced,
  };
}
