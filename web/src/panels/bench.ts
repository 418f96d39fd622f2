/**
 * Benchmarks: per-model TTFT and end-to-end latency distributions of the latest run, tokens/s,
 * cost per 1k requests, quality pass rate, the recommendation, and p90 history across runs
 * with regressions marked.
 */
import type {
  BenchRunDetail,
  BenchRunSummary,
  BenchSchedulesData,
  Panel,
} from "../../../server/api/contract.ts";
import { clear, h } from "../dom.ts";
import { formatCount, formatMs, formatRatio, formatTime, formatUsd } from "../format.ts";
import { chartCard, panelFrame, setStatus } from "../panel.ts";
import { modelColor, modelName } from "../theme.ts";

export interface BenchPanel {
  node: HTMLElement;
  render(
    runs: Panel<BenchRunSummary[]>,
    details: BenchRunDetail[],
    schedules: BenchSchedulesData | null,
  ): void;
}

const QUANTILES = ["mean", "p50", "p90", "p95", "p99"] as const;

/** Accepts either an array of runs or `{runs: [...]}` from /api/bench/runs. */
export function runsOf(data: unknown): BenchRunSummary[] {
  if (Array.isArray(data)) return data as BenchRunSummary[];
  if (data && typeof data === "object" && Array.isArray((data as { runs?: unknown }).runs))
    return (data as { runs: BenchRunSummary[] }).runs;
  return [];
}

/** Runs newest first; the runs whose details the panel needs (latest finished + history of its suite). */
export function runsToDetail(runs: BenchRunSummary[], limit = 12): BenchRunSummary[] {
  const sorted = [...runs].sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt));
  const latest = sorted.find((r) => r.status === "complete" || r.status === "incomplete");
  if (!latest) return [];
  return sorted
    .filter((r) => r.suite === latest.suite && r.status !== "running" && r.status !== "failed")
    .slice(0, limit);
}

export function benchPanel(): BenchPanel {
  const frame = panelFrame("panel-bench", "Benchmarks", "bench", true);
  const intro = h("div", { class: "bench-intro" });
  const scheduleNote = h("div", { class: "bench-schedules" });
  const ttft = chartCard("bench-ttft", "Time to first token by percentile");
  const e2e = chartCard("bench-e2e", "End-to-end latency by percentile");
  const history = chartCard("bench-history", "p90 end-to-end latency across runs (▲ = regression)");
  const table = h("div", { class: "table-wrap table-visible" });
  const charts = h("div", { class: "chart-grid" }, ttft.root, e2e.root, history.root);
  frame.body.append(intro, scheduleNote, table, charts);

  return {
    node: frame.section,
    render(runsPanel, details, schedules) {
      setStatus(frame, runsPanel);
      renderSchedules(scheduleNote, schedules);
      clear(intro);
      clear(table);
      const runs = runsOf(runsPanel.data);
      const latest = details[0];
      charts.hidden = !latest;
      if (!latest) {
        intro.append(
          h("p", {
            class: "empty",
            text: runs.length ? "No finished benchmark run yet." : "No benchmark runs yet.",
          }),
          h("p", {}, "Run one against the sandbox (free) or real Bedrock, then refresh:"),
          h("pre", { class: "command", text: "npx bedrock-ops bench --suite twin" }),
          h(
            "p",
            {},
            "Add --dry-run to see the cost estimate first, or schedule runs with bench.schedules in config.json.",
          ),
        );
        return;
      }
      const rec = latest.recommendation;
      intro.append(
        h(
          "p",
          {},
          `Latest run ${latest.id} (suite ${latest.suite}, ${formatCount(latest.requests)} requests, ${latest.status}) at ${formatTime(latest.startedAt)}.`,
        ),
        rec
          ? h(
              "p",
              { class: "recommendation" },
              h("strong", { text: `Recommendation: ${rec.modelId ? modelName(rec.modelId) : "none"}` }),
              ` — ${rec.reason}`,
            )
          : "",
        latest.regressions.length
          ? h(
              "p",
              { class: "regressions" },
              `Regressions: ${latest.regressions.map((r) => `${modelName(r.modelId)} ${r.metric} ${fmtMetric(r.metric, r.previous)} → ${fmtMetric(r.metric, r.current)}`).join("; ")}`,
            )
          : "",
      );
      table.appendChild(statsTable(latest));
      const models = latest.stats.map((s) => s.modelId);
      const dist = (id: string, title: string, key: "ttftMs" | "endToEndMs") => ({
        id,
        title,
        type: "line" as const,
        x: "category" as const,
        xTitle: "statistic",
        unit: "Milliseconds" as const,
        labels: [...QUANTILES],
        datasets: latest.stats.map((s) => ({
          label: modelName(s.modelId),
          color: modelColor(s.modelId),
          values: QUANTILES.map((q) => s[key][q]),
        })),
      });
      ttft.update(dist("bench-ttft", "Time to first token", "ttftMs"));
      e2e.update(dist("bench-e2e", "End-to-end latency", "endToEndMs"));
      const chronological = [...details].reverse();
      history.update({
        id: "bench-history",
        title: "p90 end-to-end latency across runs",
        type: "line",
        x: "time",
        unit: "Milliseconds",
        datasets: models.map((m) => {
          const rows = chronological.flatMap((run) => {
            const s = run.stats.find((x) => x.modelId === m);
            return s
              ? [
                  {
                    t: Date.parse(run.startedAt),
                    v: s.endToEndMs.p90,
                    reg: run.regressions.some((r) => r.modelId === m),
                  },
                ]
              : [];
          });
          return {
            label: modelName(m),
            color: modelColor(m),
            points: rows.map((r) => [r.t, r.v] as [number, number]),
            marks: rows.map((r) => r.reg),
          };
        }),
      });
    },
  };
}

function renderSchedules(el: HTMLElement, data: BenchSchedulesData | null): void {
  clear(el);
  if (!data || (data.schedules.length === 0 && data.missed.length === 0)) return;
  el.append(
    h(
      "ul",
      { class: "schedules" },
      ...data.schedules.map((s) =>
        h(
          "li",
          {},
          `Suite ${s.suite} (${s.cron}): ${s.running ? "running now" : s.nextAt ? `next run ${formatTime(s.nextAt)}` : "no next run"}`,
        ),
      ),
      ...data.missed.map((m) =>
        h("li", { class: "missed" }, `Missed run of ${m.suite} due ${formatTime(m.dueAt)}: ${m.reason}`),
      ),
    ),
  );
}

function fmtMetric(metric: string, value: number): string {
  if (/ms|latency|ttft/i.test(metric)) return formatMs(value);
  if (/cost|usd/i.test(metric)) return formatUsd(value);
  if (/rate/i.test(metric)) return formatRatio(value);
  return formatCount(value);
}

function statsTable(run: BenchRunDetail): HTMLElement {
  const cols = [
    "model",
    "requests",
    "TTFT p50 / p90",
    "end-to-end p50 / p90 (95 % CI of p90)",
    "output tokens/s",
    "cost per 1k requests",
    "quality pass rate",
    "errors / throttles",
  ];
  const rows = run.stats.map((s) => {
    const swatch = h("span", { class: "swatch", "aria-hidden": "true" });
    swatch.style.setProperty("--swatch", modelColor(s.modelId));
    const recommended = run.recommendation?.modelId === s.modelId;
    return h(
      "tr",
      { class: recommended ? "recommended" : "" },
      h("th", { scope: "row" }, swatch, modelName(s.modelId), recommended ? " ★" : ""),
      h("td", { text: formatCount(s.count) }),
      h("td", { text: `${formatMs(s.ttftMs.p50)} / ${formatMs(s.ttftMs.p90)}` }),
      h("td", {
        text: `${formatMs(s.endToEndMs.p50)} / ${formatMs(s.endToEndMs.p90)} (${formatMs(s.endToEndMs.p90Ci[0])}–${formatMs(s.endToEndMs.p90Ci[1])})`,
      }),
      h("td", { text: formatCount(s.outputTokensPerSecond) }),
      h("td", { text: formatUsd(s.costPer1kRequestsUsd) }),
      h("td", { text: formatRatio(s.qualityPassRate) }),
      h("td", { text: `${formatRatio(s.errorRate)} / ${formatRatio(s.throttleRate)}` }),
    );
  });
  return h(
    "table",
    { class: "bench-table" },
    h("caption", { text: `Per-model results of run ${run.id}` }),
    h("thead", {}, h("tr", {}, ...cols.map((c) => h("th", { scope: "col", text: c })))),
    h("tbody", {}, ...rows),
  );
}
