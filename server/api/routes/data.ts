/** GET /api/overview, /api/metrics, /api/logs, /api/costs, /api/budgets, /api/usage: parse, call the dashboard, respond. */
import { type Response, Router } from "express";
import type { SpendLedger } from "../../cache/spend.ts";
import type { Config } from "../../config.ts";
import type { Panel, UsageData } from "../contract.ts";
import { budgetsCsv, costsCsv, logsCsv, metricsCsv, usageCsv } from "../csv.ts";
import type { Dashboard } from "../dashboard.ts";
import { overview } from "../overview.ts";
import { onlyParams, parseDataQuery, parseFormat } from "../params.ts";

export interface DataRouteDeps {
  config: Config;
  dashboard: Dashboard;
  spend: SpendLedger;
  now: () => Date;
}

function send<T>(
  res: Response,
  panel: Panel<T>,
  format: "json" | "csv",
  csv: (data: T) => string,
  name: string,
): void {
  res.setHeader("Cache-Control", "no-store");
  if (format === "csv") {
    if (!panel.data) {
      res.status(503).json({
        error: { code: panel.error?.code ?? "NoData", message: panel.error?.message ?? "No data yet." },
      });
      return;
    }
    res.setHeader("Content-Type", "text/csv; charset=utf-8");
    res.setHeader("Content-Disposition", `attachment; filename="bedrock-ops-${name}.csv"`);
    res.send(csv(panel.data));
    return;
  }
  res.json(panel);
}

export function usagePanel(spend: SpendLedger, now: Date): Panel<UsageData> {
  return { data: spend.snapshot(), asOf: now.toISOString(), stale: false, error: null };
}

export function dataRoutes(deps: DataRouteDeps): Router {
  const { config, dashboard } = deps;
  const router = Router();
  router.get("/overview", async (req, res) => {
    const q = parseDataQuery(req, config, deps.now(), false);
    res.setHeader("Cache-Control", "no-store");
    res.json(await overview(dashboard, config, q));
  });
  router.get("/metrics", async (req, res) => {
    const q = parseDataQuery(req, config, deps.now(), true);
    send(res, await dashboard.metrics(q), q.format, metricsCsv, "metrics");
  });
  router.get("/logs", async (req, res) => {
    const q = parseDataQuery(req, config, deps.now(), true);
    send(res, await dashboard.logsPanel(q), q.format, logsCsv, "logs");
  });
  router.get("/costs", async (req, res) => {
    const q = parseDataQuery(req, config, deps.now(), true);
    send(res, await dashboard.costsPanel(q), q.format, costsCsv, "costs");
  });
  router.get("/budgets", async (req, res) => {
    onlyParams(req, ["format"]);
    send(res, await dashboard.budgetsPanel(), parseFormat(req, true), budgetsCsv, "budgets");
  });
  router.get("/usage", (req, res) => {
    onlyParams(req, ["format"]);
    send(res, usagePanel(deps.spend, deps.now()), parseFormat(req, true), usageCsv, "usage");
  });
  return router;
}
