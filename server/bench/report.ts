/** Text output of the bench command: the cost estimate, the progress line, the summary table. */
import type { BenchModelDetail, BenchRunDetail } from "../api/contract.ts";
import type { RunEstimate } from "./cost.ts";
import type { Progress } from "./runner.ts";

const ms = (v: number) => (Number.isFinite(v) ? `${Math.round(v)}` : "-");
const usd = (v: number) => `$${v < 0.01 ? v.toFixed(6) : v.toFixed(4)}`;
const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

export function formatEstimate(e: RunEstimate, maxTokens: number): string {
  const lines = e.models.map(
    (m) =>
      `  ${m.modelId.padEnd(34)} ${String(m.requests).padStart(5)} requests  ~${m.inputTokens} input tokens  <= ${m.maxOutputTokens} output tokens  <= ${m.maxUsd === null ? "unpriced" : usd(m.maxUsd)}`,
  );
  return [
    `Cost estimate (worst case: every answer uses maxTokens ${maxTokens}):`,
    ...lines,
    `  total <= ${usd(e.maxUsd)} for ${e.requests} requests${e.unpriced.length > 0 ? ` (no price for ${e.unpriced.join(", ")})` : ""}`,
  ].join("\n");
}

export function formatProgress(p: Progress, width = 30): string {
  const share = p.total === 0 ? 1 : p.done / p.total;
  const filled = Math.round(share * width);
  const bar = `${"#".repeat(filled)}${"-".repeat(width - filled)}`;
  return `[${bar}] ${p.done}/${p.total} ${p.phase} ok ${p.ok} throttled ${p.throttled} failed ${p.failed}`;
}

function row(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
}

export function formatSummary(run: BenchRunDetail): string {
  const head = [
    "model",
    "n",
    "err",
    "thr",
    "TTFT p50",
    "TTFT p90",
    "E2E p50",
    "E2E p90 [95% CI]",
    "ITL p50",
    "tok/s",
    "server p50",
    "overhead p50",
    "quality",
    "$/1k req",
  ];
  const body = (run.stats as BenchModelDetail[]).map((s) => [
    s.modelId,
    String(s.count),
    pct(s.errorRate),
    pct(s.throttleRate),
    ms(s.ttftMs.p50),
    ms(s.ttftMs.p90),
    ms(s.endToEndMs.p50),
    `${ms(s.endToEndMs.p90)} [${ms(s.endToEndMs.p90Ci[0])}-${ms(s.endToEndMs.p90Ci[1])}]`,
    Number.isFinite(s.interTokenMs.p50) ? s.interTokenMs.p50.toFixed(1) : "-",
    s.outputTokensPerSecond.toFixed(0),
    ms(s.serverLatencyMs?.p50 ?? Number.NaN),
    ms(s.clientOverheadMs?.p50 ?? Number.NaN),
    pct(s.qualityPassRate),
    s.priced === false ? "unpriced" : usd(s.costPer1kRequestsUsd),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const lines = [
    `Run ${run.id}  suite ${run.suite}  ${run.status}  ${run.requests} measured requests (latencies in ms, successful requests only)`,
    row(head, widths),
    row(
      widths.map((w) => "-".repeat(w)),
      widths,
    ),
    ...body.map((b) => row(b, widths)),
    "",
    run.recommendation
      ? `Recommendation: ${run.recommendation.modelId ?? "none"}. ${run.recommendation.reason}`
      : "Recommendation: none",
  ];
  for (const r of run.regressions) {
    lines.push(
      `REGRESSION ${r.modelId} ${r.metric}: ${Math.round(r.previous)} ms -> ${Math.round(r.current)} ms (beyond both 95 % CIs)`,
    );
  }
  return lines.join("\n");
}
