/** POST /api/refresh/:panel: refetch one panel now, at most once per interval per panel. */
import { Router } from "express";
import type { RateLimiter } from "../../cache/rate-limit.ts";
import type { Config } from "../../config.ts";
import type { Dashboard } from "../dashboard.ts";
import { ApiError, badParameter } from "../errors.ts";
import { onlyParams, parseDataQuery } from "../params.ts";
import { servedMetrics } from "./data.ts";

export const REFRESHABLE = ["metrics", "logs", "costs", "budgets"] as const;
type Refreshable = (typeof REFRESHABLE)[number];

/** Minimum seconds between manual refreshes per panel (Cost Explorer requests cost $0.01 each). */
export const REFRESH_INTERVAL_S: Record<Refreshable, number> = {
  metrics: 10,
  logs: 60,
  costs: 1800,
  budgets: 60,
};

export function refreshRoutes(deps: {
  config: Config;
  dashboard: Dashboard;
  limiter: RateLimiter;
  now: () => Date;
}): Router {
  const router = Router();
  router.post("/refresh/:panel", async (req, res) => {
    const panel = String(req.params.panel);
    if (!(REFRESHABLE as readonly string[]).includes(panel))
      throw badParameter("panel", panel, `use one of ${REFRESHABLE.join(", ")}`);
    const name = panel as Refreshable;
    if (name === "budgets") onlyParams(req, []);
    const q = parseDataQuery(req, deps.config, deps.now(), false);
    const wait = deps.limiter.take(name);
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      throw new ApiError(
        429,
        "RateLimited",
        `The ${name} panel was refreshed moments ago; try again in ${seconds} s.`,
        { "Retry-After": String(seconds) },
      );
    }
    res.setHeader("Cache-Control", "no-store");
    if (name === "metrics") res.json(servedMetrics(await deps.dashboard.metrics(q, true)));
    else if (name === "logs") res.json(await deps.dashboard.logsPanel(q, true));
    else if (name === "costs") res.json(await deps.dashboard.costsPanel(q, true));
    else res.json(await deps.dashboard.budgetsPanel(true));
  });
  return router;
}
