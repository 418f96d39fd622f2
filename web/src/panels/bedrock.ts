/** Bedrock per-model panels: invocations, latency p50/p90, server-side TTFT p50/p90, input/output tokens, throttles with client vs server errors; with the model filter. */
import type { MetricsData, Panel } from "../../../server/api/contract.ts";
import { clear, h } from "../dom.ts";
import { cloudWatchMetricsLink, type MetricRef } from "../links.ts";
import { chartCard, panelFrame, setStatus } from "../panel.ts";
import { pick, resources } from "../series.ts";
import { modelColor, modelName } from "../theme.ts";
import type { ViewContext } from "../view.ts";

export interface BedrockPanels {
  node: HTMLElement;
  render(panel: Panel<MetricsData>, ctx: ViewContext): void;
}

const ref = (model: string, metric: string, stat: string): MetricRef => ({
  namespace: "AWS/Bedrock",
  metric,
  dimension: "ModelId",
  value: model,
  stat,
});

export function bedrockPanels(onFilter: (models: string[]) => void): BedrockPanels {
  const frame = panelFrame("panel-bedrock", "Bedrock per model", "metrics", true);
  const filter = h("fieldset", { class: "model-filter" });
  const invocations = chartCard("bedrock-invocations", "Invocations per model");
  const latency = chartCard("bedrock-latency", "Invocation latency p50 / p90");
  const tokens = chartCard("bedrock-tokens", "Input and output tokens");
  const ttft = chartCard("bedrock-ttft", "Time to first token p50 / p90 (server-side, streaming calls)");
  const errors = chartCard("bedrock-errors", "Throttles, client errors (4xx) and server errors (5xx)");
  frame.body.append(
    filter,
    h("div", { class: "chart-grid" }, invocations.root, latency.root, ttft.root, tokens.root, errors.root),
  );

  function renderFilter(all: string[], selected: string[]): void {
    clear(filter);
    filter.appendChild(h("legend", { text: "Models" }));
    for (const model of all) {
      const box = h("input", {
        type: "checkbox",
        value: model,
        id: `model-${model}`,
        checked: selected.length === 0 || selected.includes(model),
      });
      const swatch = h("span", { class: "swatch", "aria-hidden": "true" });
      swatch.style.setProperty("--swatch", modelColor(model));
      box.addEventListener("change", () => {
        const checked = [...filter.querySelectorAll<HTMLInputElement>("input:checked")].map((i) => i.value);
        onFilter(checked.length === all.length ? [] : checked);
      });
      filter.appendChild(
        h(
          "label",
          { class: "check", for: `model-${model}` },
          box,
          swatch,
          `${modelName(model)}`,
          h("code", { text: model }),
        ),
      );
    }
  }

  return {
    node: frame.section,
    render(panel, ctx) {
      setStatus(frame, panel);
      const data = panel.data;
      if (!data) return;
      const all = resources(data.bedrock);
      renderFilter(all, ctx.state.models);
      const models = all.filter((m) => ctx.showModel(m));
      const window = ctx.window(data.range);
      const period = data.range.periodSeconds;
      const bounds = { min: Date.parse(data.range.start), max: Date.parse(data.range.end) };
      const pts = (m: string, metric: string, stat: string) =>
        pick(data.bedrock, m, metric, stat)?.points ?? [];
      const link = (refs: MetricRef[]) => ({
        href: cloudWatchMetricsLink(ctx.region, refs, window, period),
        label: "CloudWatch",
      });

      invocations.update(
        {
          id: "bedrock-invocations",
          title: "Invocations per model",
          type: "line",
          x: "time",
          unit: "Count",
          ...bounds,
          datasets: models.map((m) => ({
            label: modelName(m),
            color: modelColor(m),
            points: pts(m, "Invocations", "Sum"),
          })),
        },
        link(models.map((m) => ref(m, "Invocations", "Sum"))),
      );
      latency.update(
        {
          id: "bedrock-latency",
          title: "Latency",
          type: "line",
          x: "time",
          unit: "Milliseconds",
          ...bounds,
          datasets: models.flatMap((m) => [
            {
              label: `${modelName(m)} p50`,
              color: modelColor(m),
              points: pts(m, "InvocationLatency", "p50"),
            },
            {
              label: `${modelName(m)} p90`,
              color: modelColor(m),
              dashed: true,
              points: pts(m, "InvocationLatency", "p90"),
            },
          ]),
        },
        link(models.flatMap((m) => [ref(m, "InvocationLatency", "p50"), ref(m, "InvocationLatency", "p90")])),
      );
      ttft.update(
        {
          id: "bedrock-ttft",
          title: "Time to first token",
          type: "line",
          x: "time",
          unit: "Milliseconds",
          ...bounds,
          datasets: models.flatMap((m) => [
            {
              label: `${modelName(m)} TTFT p50`,
              color: modelColor(m),
              points: pts(m, "TimeToFirstToken", "p50"),
            },
            {
              label: `${modelName(m)} TTFT p90`,
              color: modelColor(m),
              dashed: true,
              points: pts(m, "TimeToFirstToken", "p90"),
            },
          ]),
        },
        link(models.flatMap((m) => [ref(m, "TimeToFirstToken", "p50"), ref(m, "TimeToFirstToken", "p90")])),
      );
      tokens.update(
        {
          id: "bedrock-tokens",
          title: "Tokens",
          type: "line",
          x: "time",
          unit: "Tokens",
          ...bounds,
          datasets: models.flatMap((m) => [
            {
              label: `${modelName(m)} input`,
              color: modelColor(m),
              points: pts(m, "InputTokenCount", "Sum"),
            },
            {
              label: `${modelName(m)} output`,
              color: modelColor(m),
              dashed: true,
              points: pts(m, "OutputTokenCount", "Sum"),
            },
          ]),
        },
        link(models.flatMap((m) => [ref(m, "InputTokenCount", "Sum"), ref(m, "OutputTokenCount", "Sum")])),
      );
      errors.update(
        {
          id: "bedrock-errors",
          title: "Throttles and errors",
          type: "bar",
          x: "time",
          unit: "Count",
          stacked: true,
          ...bounds,
          datasets: models.flatMap((m) => [
            {
              label: `${modelName(m)} throttles`,
              color: modelColor(m),
              points: pts(m, "InvocationThrottles", "Sum"),
            },
            {
              label: `${modelName(m)} client errors`,
              color: "#f4a261",
              points: pts(m, "InvocationClientErrors", "Sum"),
            },
            {
              label: `${modelName(m)} server errors`,
              color: "#d62828",
              points: pts(m, "InvocationServerErrors", "Sum"),
            },
          ]),
        },
        link(
          models.flatMap((m) =>
            ["InvocationThrottles", "InvocationClientErrors", "InvocationServerErrors"].map((x) =>
              ref(m, x, "Sum"),
            ),
          ),
        ),
      );
    },
  };
}
