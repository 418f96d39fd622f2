/** GET /api/quotas (JSON or CSV) and /api/quotas/metrics (Prometheus gauges): usage against the applied Bedrock quotas. */
import { Router } from "express";
import type { Config } from "../../config.ts";
import { type PanelEncoder, sendEncoded } from "../encode.ts";
import { stablePanel } from "../memo.ts";
import { onlyParams, parseModels, parseRange, QueryMemo } from "../params.ts";
import { type QuotasDeps, quotasCsv, quotasPanel } from "../quotas.ts";
import { Exposition } from "./prometheus.ts";

export function quotaRoutes(
  deps: QuotasDeps & { now: () => Date; config: Config; encoder: PanelEncoder },
): Router {
  const router = Router();
  // The JSON's bytes and ETag once per derived panel (server/api/quotas.ts memoises the data).
  const { encoder } = deps;
  // The same URL parses the same way (preset ranges only): the metrics key is found per query object.
  const queries = new QueryMemo(deps.config, true);
  router.get("/quotas", async (req, res) => {
    const q = queries.parse(req, deps.now());
    const panel = await quotasPanel(deps, q);
    if (q.format === "csv") {
      res.setHeader("Cache-Control", "no-store");
      if (!panel.data) {
        res.status(503).json({
          error: { code: panel.error?.code ?? "NoData", message: panel.error?.message ?? "No data yet." },
        });
        return;
      }
      res.setHeader("Content-Type", "text/csv; charset=utf-8");
      res.setHeader("Content-Disposition", 'attachment; filename="bedrock-ops-quotas.csv"');
      res.send(quotasCsv(panel.data));
      return;
    }
    sendEncoded(req, res, encoder.encode(stablePanel(panel)));
  });
  router.get("/quotas/metrics", async (req, res) => {
    onlyParams(req, ["range", "model"]);
    const q = {
      range: parseRange(req, deps.now(), "1h"),
      functions: [],
      models: parseModels(req, deps.config),
    };
    const panel = await quotasPanel(deps, q);
    const out = new Exposition();
    const models = panel.data?.models ?? [];
    out.metric(
      "bedrock_ops_quota_tpm",
      "Applied tokens-per-minute quota per model (Service Quotas).",
      "gauge",
      models.map((m) => [{ model: m.modelId, quota_code: m.tpm?.code ?? "" }, m.tpm?.value ?? null]),
    );
    out.metric(
      "bedrock_ops_quota_rpm",
      "Applied requests-per-minute quota per model (Service Quotas).",
      "gauge",
      models.map((m) => [{ model: m.modelId, quota_code: m.rpm?.code ?? "" }, m.rpm?.value ?? null]),
    );
    out.metric(
      "bedrock_ops_quota_peak_tokens_per_minute",
      "Highest per-minute EstimatedTPMQuotaUsage in the range (tokens, not a percentage).",
      "gauge",
      models.map((m) => [{ model: m.modelId }, m.tokens.peak]),
    );
    out.metric(
      "bedrock_ops_quota_peak_tpm_ratio",
      "Highest per-minute EstimatedTPMQuotaUsage divided by the applied TPM quota (0-1).",
      "gauge",
      models.map((m) => [
        { model: m.modelId },
        m.tokens.peakPercent === null ? null : m.tokens.peakPercent / 100,
      ]),
    );
    out.metric(
      "bedrock_ops_quota_minutes_above_hot",
      "Minutes in the range above the hot share of the TPM quota.",
      "gauge",
      models.map((m) => [{ model: m.modelId }, m.tokens.minutesAbove]),
    );
    out.metric(
      "bedrock_ops_quota_throttles",
      "InvocationThrottles in the range.",
      "gauge",
      models.map((m) => [{ model: m.modelId }, m.throttles]),
    );
    res.setHeader("Cache-Control", "no-store");
    res.setHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    res.send(out.text());
  });
  return router;
}
