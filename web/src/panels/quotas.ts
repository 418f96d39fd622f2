/**
 * Quotas: per model, peak and p95 per-minute TPM use against the applied quota (from Service
 * Quotas, code and name shown), the per-minute series with the quota drawn on it, throttles beside
 * them, and one plain sentence with the increase link.
 */
import type { Panel, QuotasData } from "../../../server/api/contract.ts";
import type { SpecDataset } from "../charts.ts";
import { clear, h } from "../dom.ts";
import { formatCount } from "../format.ts";
import { chartCard, panelFrame, setStatus } from "../panel.ts";
import { modelColor, modelName } from "../theme.ts";

export interface QuotasPanel {
  node: HTMLElement;
  render(panel: Panel<QuotasData>): void;
}

export function quotasPanel(): QuotasPanel {
  const frame = panelFrame("panel-quotas", "Quota headroom", "quotas", true);
  const sentences = h("ul", { class: "quota-sentences" });
  const bars = chartCard("quota-peaks", "Peak and p95 per-minute TPM use, % of the applied quota");
  const series = chartCard("quota-series", "Tokens per minute (EstimatedTPMQuotaUsage) with the quota");
  const throttles = chartCard("quota-throttles", "Throttles per minute");
  const note = h("p", { class: "panel-note" });
  frame.body.append(
    sentences,
    h("div", { class: "chart-grid" }, bars.root, series.root, throttles.root),
    note,
  );
  return {
    node: frame.section,
    render(panel) {
      setStatus(frame, panel);
      const d = panel.data;
      if (!d) return;
      clear(sentences);
      for (const m of d.models) {
        const li = h("li", { "data-model": m.modelId });
        const link = m.tpm?.consoleUrl;
        const text = link ? m.sentence.replace(` ${link}`, "") : m.sentence;
        li.append(text);
        if (link && /Request an increase/.test(m.sentence))
          li.append(
            " ",
            h("a", {
              href: link,
              target: "_blank",
              rel: "noopener noreferrer",
              text: "Open in Service Quotas",
            }),
          );
        if (m.tpm)
          li.append(
            h("small", {
              class: "quota-source",
              text: ` TPM ${formatCount(m.tpm.value)} from ${m.tpm.code} "${m.tpm.name}" (${m.tpm.source})${m.rpm ? `; RPM ${formatCount(m.rpm.value)} from ${m.rpm.code}` : ""}.`,
            }),
          );
        sentences.appendChild(li);
      }
      const bounds = { min: Date.parse(d.range.start), max: Date.parse(d.range.end) };
      bars.update({
        id: "quota-peaks",
        title: "Peak and p95 per-minute TPM use",
        type: "bar",
        x: "category",
        unit: "Percent",
        labels: d.models.map((m) => modelName(m.modelId)),
        datasets: [
          { label: "peak % of quota", color: "#d62828", values: d.models.map((m) => m.tokens.peakPercent) },
          { label: "p95 % of quota", color: "#457b9d", values: d.models.map((m) => m.tokens.p95Percent) },
          {
            label: "quota (100 %)",
            color: "#1d3557",
            as: "line",
            dashed: true,
            values: d.models.map((m) => (m.tpm ? 100 : null)),
          },
          {
            label: `hot (${d.hotPercent} %)`,
            color: "#f4a261",
            as: "line",
            dashed: true,
            values: d.models.map((m) => (m.tpm ? d.hotPercent : null)),
          },
        ],
      });
      series.update({
        id: "quota-series",
        title: "Tokens per minute against the quota",
        type: "line",
        x: "time",
        unit: "Tokens",
        ...bounds,
        datasets: d.models.flatMap((m) => {
          const out: SpecDataset[] = [
            {
              label: `${modelName(m.modelId)} tokens/min`,
              color: modelColor(m.modelId),
              points: m.series.tokens,
            },
          ];
          if (m.tpm)
            out.push({
              label: `${modelName(m.modelId)} quota ${formatCount(m.tpm.value)}`,
              color: modelColor(m.modelId),
              points: [
                [bounds.min, m.tpm.value],
                [bounds.max, m.tpm.value],
              ],
              dashed: true,
            });
          return out;
        }),
      });
      throttles.update({
        id: "quota-throttles",
        title: "Throttles per minute",
        type: "bar",
        x: "time",
        unit: "Count",
        stacked: true,
        ...bounds,
        datasets: d.models.map((m) => ({
          label: `${modelName(m.modelId)} throttles`,
          color: modelColor(m.modelId),
          points: m.series.throttles,
        })),
      });
      note.textContent = d.perMinute
        ? `Per-minute values (60 s periods). Quotas read from Service Quotas${d.quotasAsOf ? ` at ${d.quotasAsOf}` : ""} and cached for hours.`
        : `Over this range the quota series come in ${d.periodSeconds / 60}-minute periods: values are averages per minute of each period, so short peaks are flattened. Pick 24 h or less (within the last 15 days) for per-minute peaks.`;
      if (d.quotasError)
        note.textContent += ` Quotas unavailable: ${d.quotasError.message}${d.quotasError.permission ? ` (needs ${d.quotasError.permission})` : ""}.`;
    },
  };
}
