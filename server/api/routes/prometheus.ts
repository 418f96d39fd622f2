/** GET /metrics: the headline figures in the Prometheus text exposition format (from the cache). */
import { Router } from "express";
import type { SpendLedger } from "../../cache/spend.ts";
import { bedrockRegion, type Config } from "../../config.ts";
import { costOf } from "../../pricing/prices.ts";
import type { Series } from "../contract.ts";
import type { Dashboard } from "../dashboard.ts";
import { headline } from "../overview.ts";
import { onlyParams } from "../params.ts";

type Labels = Record<string, string>;

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

export class Exposition {
  private readonly lines: string[] = [];
  metric(
    name: string,
    help: string,
    type: "gauge" | "counter",
    samples: Array<[Labels, number | null]>,
  ): void {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) {
      if (value === null || !Number.isFinite(value)) continue;
      const l = Object.entries(labels)
        .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
        .join(",");
      this.lines.push(`${name}${l ? `{${l}}` : ""} ${value}`);
    }
  }
  text(): string {
    return `${this.lines.join("\n")}\n`;
  }
}

const sum = (s: Series | undefined) => (s?.points ?? []).reduce((n, [, v]) => n + v, 0);

export function prometheusRoute(deps: { config: Config; dashboard: Dashboard; spend: SpendLedger }): Router {
  const router = Router();
  router.get("/", async (req, res) => {
    onlyParams(req, []);
    const q = { range: { kind: "preset" as const, preset: "24h" as const }, functions: [], models: [] };
    const [metrics, costs, budgets] = await Promise.all([
      deps.dashboard.metrics(q),
      deps.dashboard.costsPanel(q),
      deps.dashboard.budgetsPanel(),
    ]);
    const out = new Exposition();
    const bedrock = metrics.data?.bedrock ?? [];
    const models = [...new Set(bedrock.map((s) => s.resource))];
    const pick = (model: string, id: string) =>
      bedrock.find((s) => s.resource === model && s.id.endsWith(id));
    out.metric(
      "bedrock_ops_bedrock_tokens",
      "Bedrock tokens over the last 24 hours, per model and direction (CloudWatch).",
      "gauge",
      models.flatMap(
        (m): Array<[Labels, number]> => [
          [{ model: m, direction: "input" }, sum(pick(m, ":InputTokenCount:Sum"))],
          [{ model: m, direction: "output" }, sum(pick(m, ":OutputTokenCount:Sum"))],
        ],
      ),
    );
    out.metric(
      "bedrock_ops_bedrock_estimated_cost_usd",
      "Estimated Bedrock cost over the last 24 hours from token counts and the price table.",
      "gauge",
      models.map((m): [Labels, number | null] => {
        const price = deps.dashboard.prices.price(m, bedrockRegion(deps.config));
        return [
          { model: m },
          price
            ? costOf(
                {
                  input: sum(pick(m, ":InputTokenCount:Sum")),
                  output: sum(pick(m, ":OutputTokenCount:Sum")),
                },
                price,
              )
            : null,
        ];
      }),
    );
    out.metric(
      "bedrock_ops_bedrock_invocations",
      "Bedrock invocations over the last 24 hours.",
      "gauge",
      models.map((m): [Labels, number] => [{ model: m }, sum(pick(m, ":Invocations:Sum"))]),
    );
    out.metric(
      "bedrock_ops_bedrock_latency_p90_ms",
      "Latest period's p90 InvocationLatency per model.",
      "gauge",
      models.map((m): [Labels, number | null] => [
        { model: m },
        pick(m, ":InvocationLatency:p90")?.points.at(-1)?.[1] ?? null,
      ]),
    );
    const h = metrics.data ? headline(metrics.data, deps.config, deps.dashboard.prices) : null;
    out.metric("bedrock_ops_lambda_invocations", "Lambda invocations over the last 24 hours.", "gauge", [
      [{}, h?.invocations ?? null],
    ]);
    out.metric(
      "bedrock_ops_lambda_error_rate_percent",
      "Lambda errors / invocations over the last 24 hours.",
      "gauge",
      [[{}, h?.errorRate ?? null]],
    );
    out.metric("bedrock_ops_lambda_duration_p90_ms", "Lambda Duration p90 over the last 24 hours.", "gauge", [
      [{}, h?.p90LatencyMs ?? null],
    ]);
    out.metric("bedrock_ops_month_to_date_usd", "Billed cost month to date (Cost Explorer).", "gauge", [
      [{}, costs.data?.monthToDate ?? null],
    ]);
    const list = budgets.data?.budgets ?? [];
    out.metric(
      "bedrock_ops_budget_used_percent",
      "Budget actual spend as a percentage of its limit.",
      "gauge",
      list.map((b): [Labels, number] => [{ budget: b.name }, b.percentUsed]),
    );
    out.metric(
      "bedrock_ops_budget_limit_usd",
      "Budget limit.",
      "gauge",
      list.map((b): [Labels, number] => [{ budget: b.name }, b.limit]),
    );
    // Attribution over the costs panel's days: per application profile (estimate, no extra AWS call)
    // and per value of the first configured tag key (billed, Cost Explorer on the panel's cadence).
    const firstTag = deps.config.attribution.tagKeys[0];
    const views = await Promise.all([
      deps.dashboard.attributionPanel({ kind: "profile" }, q),
      ...(firstTag ? [deps.dashboard.attributionPanel({ kind: "tag", key: firstTag }, q)] : []),
    ]);
    out.metric(
      "bedrock_ops_attribution_cost_usd",
      'Bedrock cost per attribution group over the costs panel\'s days (group "" = unattributed); kind billed or estimated.',
      "gauge",
      views.flatMap((v) =>
        (v.data?.groups ?? []).flatMap(
          (g): Array<[Labels, number | null]> => [
            [{ by: v.data?.by ?? "", group: g.key, kind: "billed" }, g.billedUsd],
            [{ by: v.data?.by ?? "", group: g.key, kind: "estimated" }, g.estimatedUsd],
          ],
        ),
      ),
    );
    out.metric("bedrock_ops_source_up", "1 when the source's last refresh succeeded.", "gauge", [
      [{ source: "metrics" }, metrics.error ? 0 : 1],
      [{ source: "costs" }, costs.error ? 0 : 1],
      [{ source: "budgets" }, budgets.error ? 0 : 1],
      [{ source: "attribution" }, views.some((v) => v.error && !v.data) ? 0 : 1],
    ]);
    const usage = deps.spend.snapshot();
    out.metric(
      "bedrock_ops_aws_api_calls_total",
      "AWS API calls made by the dashboard since start.",
      "counter",
      usage.calls.map((c): [Labels, number] => [{ api: c.api }, c.count]),
    );
    out.metric(
      "bedrock_ops_aws_api_spend_usd_total",
      "Estimated price of the dashboard's own AWS API calls since start.",
      "counter",
      [[{}, usage.totalUsd]],
    );
    res.setHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    res.setHeader("Cache-Control", "no-store");
    res.send(out.text());
  });
  return router;
}
