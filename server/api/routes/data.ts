/** GET /api/overview, /api/metrics, /api/logs, /api/costs, /api/budgets, /api/usage: parse, call the dashboard, respond. */
import { type Request, type Response, Router } from "express";
import type { SpendLedger } from "../../cache/spend.ts";
import type { Config } from "../../config.ts";
import { narrowAccounts } from "../../sources/metrics-accounts.ts";
import type { MetricsData, Panel, UsageData } from "../contract.ts";
import { budgetsCsv, costsCsv, logsCsv, metricsCsv, usageCsv } from "../csv.ts";
import type { Dashboard } from "../dashboard.ts";
import { type PanelEncoder, sendEncoded } from "../encode.ts";
import { ApiError } from "../errors.ts";
import { stablePanel } from "../memo.ts";
import { overview } from "../overview.ts";
import { type DataQuery, onlyParams, parseFormat, QueryMemo } from "../params.ts";

export interface DataRouteDeps {
  config: Config;
  dashboard: Dashboard;
  spend: SpendLedger;
  now: () => Date;
  encoder: PanelEncoder;
}

export function usagePanel(spend: SpendLedger, now: Date): Panel<UsageData> {
  return { data: spend.snapshot(), asOf: now.toISOString(), stale: false, error: null };
}

/**
 * The own-spend panel, rebuilt only when a call was recorded or the minute changed (its `asOf` is
 * to the minute): between those the same object, so its serialised bytes and ETag are reused and
 * an unchanged panel answers 304.
 */
export class UsageMemo {
  private last: { version: number; minute: number; panel: Panel<UsageData> } | null = null;

  constructor(private readonly spend: SpendLedger) {}

  panel(now: Date): Panel<UsageData> {
    const version = this.spend.version;
    const minute = Math.floor(now.getTime() / 60_000);
    if (this.last?.version === version && this.last.minute === minute) return this.last.panel;
    const panel = usagePanel(this.spend, new Date(minute * 60_000));
    this.last = { version, minute, panel };
    return panel;
  }
}

/**
 * The per-account views (metrics' and costs' `accounts`) narrowed to `account=` / `region=`.
 * Cost Explorer's month to date is per account, not per region: `region=` keeps every account's cost.
 */
export function narrowed<T extends { accounts?: Array<{ accountId: string; region?: string }> }>(
  panel: Panel<T>,
  q: DataQuery,
): Panel<T> {
  if ((!q.account && !q.region) || !panel.data?.accounts) return panel;
  return {
    ...panel,
    data: { ...panel.data, accounts: narrowAccounts(panel.data.accounts, q.account, q.region) },
  };
}

/** Each cached metrics answer without its quota series, made once (so its bytes and ETag are too). */
const withoutQuota = new WeakMap<MetricsData, MetricsData>();

/**
 * The metrics panel as the API serves it: without `quota`, the per-minute quota series (about two
 * thirds of the 24 h body), which only the Quotas panel reads, server-side, from the same cache
 * entry; `/api/quotas` serves them per model. The page never downloads them twice.
 */
export function servedMetrics(panel: Panel<MetricsData>): Panel<MetricsData> {
  const data = panel.data;
  if (!data?.quota) return panel;
  let served = withoutQuota.get(data);
  if (!served) {
    const { quota: _quota, ...rest } = data;
    served = rest;
    withoutQuota.set(data, served);
  }
  return { ...panel, data: served };
}

export function dataRoutes(deps: DataRouteDeps): Router {
  const { config, dashboard, encoder } = deps;

  function send<T>(
    req: Request,
    res: Response,
    panel: Panel<T>,
    format: "json" | "csv",
    csv: (data: T) => string,
    name: string,
  ): void {
    if (format === "csv") {
      res.setHeader("Cache-Control", "no-store");
      if (!panel.data)
        throw new ApiError(503, panel.error?.code ?? "NoData", panel.error?.message ?? "No data yet.");
      res.setHeader("Content-Type", "text/csv; charset=utf-8");
      res.setHeader("Content-Disposition", `attachment; filename="bedrock-ops-${name}.csv"`);
      res.send(csv(panel.data));
      return;
    }
    // The panel object itself: a cached panel handed out again finds its bytes by identity.
    sendEncoded(req, res, encoder.encode(stablePanel(panel)));
  }

  // One memo per route: the same URL parses the same way (preset ranges only).
  const queries = {
    overview: new QueryMemo(config, false),
    metrics: new QueryMemo(config, true),
    logs: new QueryMemo(config, true),
    costs: new QueryMemo(config, true),
  };
  const usage = new UsageMemo(deps.spend);
  const router = Router();
  router.get("/overview", async (req, res) => {
    const q = queries.overview.parse(req, deps.now());
    sendEncoded(req, res, encoder.encode(stablePanel(await overview(dashboard, config, q))));
  });
  router.get("/metrics", async (req, res) => {
    const q = queries.metrics.parse(req, deps.now());
    send(req, res, narrowed(servedMetrics(await dashboard.metrics(q)), q), q.format, metricsCsv, "metrics");
  });
  router.get("/logs", async (req, res) => {
    const q = queries.logs.parse(req, deps.now());
    send(req, res, await dashboard.logsPanel(q), q.format, logsCsv, "logs");
  });
  router.get("/costs", async (req, res) => {
    const q = queries.costs.parse(req, deps.now());
    send(req, res, narrowed(await dashboard.costsPanel(q), q), q.format, costsCsv, "costs");
  });
  router.get("/budgets", async (req, res) => {
    onlyParams(req, ["format"]);
    send(req, res, await dashboard.budgetsPanel(), parseFormat(req, true), budgetsCsv, "budgets");
  });
  router.get("/usage", (req, res) => {
    onlyParams(req, ["format"]);
    send(req, res, usage.panel(deps.now()), parseFormat(req, true), usageCsv, "usage");
  });
  return router;
}
