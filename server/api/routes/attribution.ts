/** GET /api/attribution?by=profile|tag:<key>|principal|metadata:<key>&range=...&format=json|csv */
import { type Request, Router } from "express";
import type { Config } from "../../config.ts";
import { type AttributionBy, attributionOptions } from "../attribution-panel.ts";
import { attributionCsv } from "../csv.ts";
import type { Dashboard } from "../dashboard.ts";
import { type PanelEncoder, sendEncoded } from "../encode.ts";
import { ApiError, badParameter } from "../errors.ts";
import { stablePanel } from "../memo.ts";
import { onlyParams, parseFormat, parseRange } from "../params.ts";

export const ATTRIBUTION_PARAMS = ["by", "range", "start", "end", "format"] as const;

/** The `by` parameter: one of the views the configuration offers (default: profile). */
export function parseBy(req: Request, config: Config): AttributionBy {
  const query = req.query as Record<string, unknown>;
  const raw = Object.hasOwn(query, "by") ? query.by : undefined;
  if (raw === undefined) return { kind: "profile" };
  const options = attributionOptions(config);
  if (typeof raw !== "string") throw badParameter("by", raw, "give it once, as a single value");
  if (!options.includes(raw))
    throw badParameter(
      "by",
      raw,
      `use one of ${options.join(", ")} (tag and metadata keys come from attribution.tagKeys and attribution.metadataKeys in the config)`,
    );
  if (raw === "profile" || raw === "principal") return { kind: raw };
  const [kind, ...rest] = raw.split(":");
  return { kind: kind === "tag" ? "tag" : "metadata", key: rest.join(":") };
}

export function attributionRoutes(deps: {
  config: Config;
  dashboard: Dashboard;
  now: () => Date;
  encoder: PanelEncoder;
}): Router {
  const router = Router();
  router.get("/attribution", async (req, res) => {
    onlyParams(req, ATTRIBUTION_PARAMS);
    const by = parseBy(req, deps.config);
    // Default: the costs panel's days (costs.lookbackDays ending today).
    const range = parseRange(req, deps.now(), "24h");
    const format = parseFormat(req, true);
    const panel = await deps.dashboard.attributionPanel(by, { range });
    if (format === "csv") {
      res.setHeader("Cache-Control", "no-store");
      if (!panel.data)
        throw new ApiError(503, panel.error?.code ?? "NoData", panel.error?.message ?? "No data yet.");
      res.setHeader("Content-Type", "text/csv; charset=utf-8");
      res.setHeader("Content-Disposition", 'attachment; filename="bedrock-ops-attribution.csv"');
      res.send(attributionCsv(panel.data));
      return;
    }
    // The same data object while its inputs are unchanged (AttributionPanel memoises it), so the
    // bytes and ETag are found by identity: an unchanged answer is a 304, serialised once.
    sendEncoded(req, res, deps.encoder.encode(stablePanel(panel)));
  });
  return router;
}
