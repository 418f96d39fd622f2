/** GET /api/alarms: the managed alarms' state and their last day of history (DescribeAlarms, DescribeAlarmHistory). */
import { Router } from "express";
import type { AwsClients } from "../../aws/clients.ts";
import { cacheKey } from "../../cache/keys.ts";
import type { SwrCache } from "../../cache/swr-cache.ts";
import { bedrockRegion, type Config } from "../../config.ts";
import { fetchAlarms } from "../../sources/alarms.ts";
import type { AlarmsData } from "../contract.ts";
import { toCsv } from "../csv.ts";
import { toPanel } from "../dashboard.ts";
import { type PanelEncoder, sendEncoded } from "../encode.ts";
import { stablePanel } from "../memo.ts";
import { onlyParams, parseFormat } from "../params.ts";

/** Alarm states change at most once a minute: reading them more often buys nothing. */
const ALARMS_TTL_MS = 60_000;

export function alarmsCsv(data: AlarmsData): string {
  return toCsv(
    [
      "alarm",
      "state",
      "since",
      "namespace",
      "metric",
      "resource",
      "stat",
      "comparison",
      "threshold",
      "period_s",
      "reason",
    ],
    data.alarms.map((a) => [
      a.name,
      a.state,
      a.since,
      a.namespace,
      a.metric,
      a.resource,
      a.stat,
      a.comparison,
      a.threshold,
      a.periodSeconds,
      a.reason,
    ]),
  );
}

export function alarmRoutes(deps: {
  config: Config;
  clients: AwsClients;
  cache: SwrCache;
  now: () => Date;
  encoder: PanelEncoder;
}): Router {
  const router = Router();
  // One cache entry = one panel object = its bytes and ETag, serialised and compressed once.
  const { encoder } = deps;
  router.get("/alarms", async (req, res) => {
    onlyParams(req, ["format"]);
    const format = parseFormat(req, true);
    const region = bedrockRegion(deps.config);
    const prefix = deps.config.alarms.prefix;
    const key = cacheKey("alarms", { region, prefix });
    const panel = toPanel(
      await deps.cache.get(key, ALARMS_TTL_MS, () =>
        fetchAlarms(
          deps.clients.cloudwatch({ region }),
          region,
          prefix,
          new Date(deps.now().getTime() - 86_400_000),
        ),
      ),
    );
    if (format === "csv" && panel.data) {
      res.setHeader("Cache-Control", "no-store");
      res.setHeader("Content-Type", "text/csv; charset=utf-8");
      res.setHeader("Content-Disposition", 'attachment; filename="bedrock-ops-alarms.csv"');
      res.send(alarmsCsv(panel.data));
      return;
    }
    if (format === "csv") {
      res.setHeader("Cache-Control", "no-store");
      res.status(503).json({
        error: { code: panel.error?.code ?? "NoData", message: panel.error?.message ?? "No data yet." },
      });
      return;
    }
    sendEncoded(req, res, encoder.encode(stablePanel(panel)));
  });
  return router;
}
