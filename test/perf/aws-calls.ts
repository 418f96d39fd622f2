/**
 * `npm run bench:aws-calls`: AWS calls and their price per viewer-day. 1, 10 and 100 simulated
 * viewers refresh the page every virtual minute against the in-process sandbox; the sandbox
 * ledger counts every call per API, priced at AWS's list prices. Compared with the naive
 * design: every viewer's refresh makes its own calls, one GetMetricData per chart.
 */
import {
  type ApiTally,
  artifactName,
  listOption,
  machine,
  numberOption,
  PRICES,
  parseOptions,
  round,
  run,
  type ScriptSpec,
  sumOf,
  table,
  tally,
  writeArtifact,
} from "./common.ts";
import { coldRefresh, expectedCalls, type SimulationResult, seriesCount, simulate } from "./simulate.ts";

const SPEC: ScriptSpec = {
  name: "aws-calls",
  summary: "AWS calls per API and their price per day for 1, 10 and 100 viewers refreshing every minute.",
  options: [
    { name: "viewers", type: "string", description: "viewer counts to compare", default: "1,10,100" },
    {
      name: "hours",
      type: "string",
      description: "virtual hours simulated for each viewer count (calls must not depend on viewers)",
      default: "1",
    },
    {
      name: "day-hours",
      type: "string",
      description: "virtual hours of the one-viewer run that prices the day (scaled to 24 h)",
      default: "24",
    },
    { name: "range", type: "string", description: "the page's range (its default is 24h)", default: "24h" },
    { name: "metrics-ttl", type: "string", description: "config cache.ttlSeconds.metrics", default: "60" },
    { name: "costs-ttl", type: "string", description: "config cache.ttlSeconds.costs", default: "21600" },
    { name: "out", type: "string", description: "artifact name", default: "aws-calls" },
    {
      name: "scales",
      type: "string",
      description: "sandbox traffic scales (sandbox.workload.scale) for the growth-with-the-app runs",
      default: "1,10,100",
    },
    {
      name: "scale-hours",
      type: "string",
      description: "virtual hours of one viewer per scale and range (the steady rate is scaled to a day)",
      default: "3",
    },
    {
      name: "scale-ranges",
      type: "string",
      description: "page ranges of the growth runs",
      default: "24h,7d",
    },
    { name: "only-growth", type: "boolean", description: "run only the growth-with-the-app part" },
  ],
};

/** Today's code before incremental logs: 5 queries over the whole range at every 5-minute logs refresh. */
const BEFORE_QUERIES_PER_REFRESH = 5;
const LOGS_REFRESHES_PER_DAY = 288;
const RANGE_DAYS: Record<string, number> = {
  "1h": 1 / 24,
  "3h": 3 / 24,
  "12h": 0.5,
  "24h": 1,
  "7d": 7,
  "30d": 30,
};

/**
 * One viewer on the page at each traffic scale: AWS calls, bytes scanned and price per API, and
 * Logs Insights bytes scanned per day against the log bytes ingested per day. The first refresh
 * fills the cache (one scan of the range per query, once: closed bins are persisted); every later
 * refresh reads only the newly closed bins and the open tail, so a day is the fill plus the
 * steady rate times 1,440 minutes.
 */
async function growthWithApp(
  scales: number[],
  ranges: string[],
  hours: number,
  shape: { extra: Record<string, unknown> },
  log: (s: string) => void,
) {
  const rows = [];
  const apis = [];
  for (const range of ranges) {
    for (const scale of scales) {
      const ticks = Math.max(2, Math.round(hours * 60));
      log(`growth: scale ${scale}x, range ${range}, 1 viewer x ${ticks} virtual minutes ...`);
      const extra = { ...shape.extra, sandbox: { workload: { scale } } };
      const r = await simulate({ extra, viewers: 1, ticks, range, measureIngest: true });
      const fill = r.logsBytesPerTick[0] ?? 0;
      // Per virtual minute elapsed, not per tick: a tick lasts more than a minute on a loaded machine.
      const steadyMinutes = Math.max(1, r.virtualMinutesAfterFirstTick);
      const steadyPerMinute = sumOf(r.logsBytesPerTick.slice(1), (n) => n) / steadyMinutes;
      const ingested = r.logBytesLastDay ?? 0;
      // Scanned ÷ ingested over the same window: traffic follows the time of day, so a steady
      // window's bytes are compared with the logs written in that window, then applied to the day.
      const steadyScanned = sumOf(r.logsBytesPerTick.slice(1), (n) => n);
      const steadyRatio = r.logBytesSteady
        ? steadyScanned / r.logBytesSteady
        : (steadyPerMinute * DAY_MINUTES) / ingested;
      const steadyDay = steadyRatio * ingested;
      const firstDay = fill + steadyDay;
      const before =
        BEFORE_QUERIES_PER_REFRESH * LOGS_REFRESHES_PER_DAY * ingested * (RANGE_DAYS[range] ?? 1);
      const gb = (b: number) => b / 1e9;
      // The cold refresh happens once a day at most; the later minutes are scaled to the rest of the day.
      const cold = tally(r.entries.filter((e) => e.seq <= r.firstTickSeq));
      const steady = perDay(
        tally(r.entries.filter((e) => e.seq > r.firstTickSeq)),
        steadyMinutes * (DAY_MINUTES / (DAY_MINUTES - 1)),
      );
      const perDayTally = [...new Set([...cold, ...steady].map((t) => t.api))].sort().map((api) => {
        const a = cold.find((t) => t.api === api);
        const b = steady.find((t) => t.api === api);
        return {
          api,
          calls: round((a?.calls ?? 0) + (b?.calls ?? 0), 1),
          metricsRequested: (a?.metricsRequested ?? 0) + (b?.metricsRequested ?? 0),
          bytesScanned: (a?.bytesScanned ?? 0) + (b?.bytesScanned ?? 0),
          usd: round((a?.usd ?? 0) + (b?.usd ?? 0), 5),
        };
      });
      apis.push(...perDayTally.map((t) => ({ scale, range, ...row(t) })));
      rows.push({
        scale,
        range,
        minutes: ticks,
        virtualMinutes: round(1 + r.virtualMinutesAfterFirstTick, 1),
        realSeconds: round(r.realSeconds, 0),
        logMbIngestedPerDay: round(ingested / 1e6, 1),
        fillMb: round(fill / 1e6, 1),
        steadyMbPerDay: round(steadyDay / 1e6, 1),
        scannedPerIngestedSteady: round(steadyRatio, 2),
        steadyWindowMbIngested: round((r.logBytesSteady ?? 0) / 1e6, 2),
        steadyWindowMbScanned: round(steadyScanned / 1e6, 2),
        scannedPerIngestedFirstDay: round(firstDay / ingested, 2),
        logsUsdFirstDay: round(gb(firstDay) * PRICES.logsInsightsPerGb, 4),
        beforeScannedPerIngested: round(before / ingested, 0),
        beforeLogsUsdPerDay: round(gb(before) * PRICES.logsInsightsPerGb, 4),
        allApisUsdFirstDay: round(
          sumOf(perDayTally, (t) => t.usd),
          4,
        ),
        startQueriesPerDay: round(callsOf(perDayTally, "logs:StartQuery"), 1),
        serverErrors: r.failures,
      });
      if (r.failed.length)
        process.stderr.write(`${scale}x ${range}: failed requests: ${r.failed.join("; ")}\n`);
    }
  }
  return { rows, apis };
}

/**
 * Charts on the page drawn from CloudWatch metrics (web/src/panels): Lambda invocations,
 * duration, errors; Bedrock invocations, latency, tokens, errors; the KPI row (current and
 * previous period); the cost reconciliation's daily tokens. A naive page asks for each itself.
 */
const METRIC_CHARTS = 10;
/** Operations made once per process, not per refresh (the account ID for Budgets). */
const ONE_TIME = new Set(["sts:GetCallerIdentity"]);
const BILLABLE = ["cloudwatch:GetMetricData", "ce:GetCostAndUsage", "ce:GetCostForecast", "logs:StartQuery"];
const DAY_MINUTES = 1_440;

function perDay(t: ApiTally[], minutes: number): ApiTally[] {
  const f = DAY_MINUTES / minutes;
  return t.map((x) => ({
    api: x.api,
    calls: round(x.calls * f, 1),
    metricsRequested: round(x.metricsRequested * f, 0),
    bytesScanned: round(x.bytesScanned * f, 0),
    usd: round(x.usd * f, 5),
  }));
}

function callsOf(t: ApiTally[], api: string): number {
  return t.find((x) => x.api === api)?.calls ?? 0;
}

/** Per refresh per viewer in the naive design, from the measured cold refresh. */
function naiveRefresh(cold: SimulationResult): { calls: number; usd: number; byApi: Record<string, number> } {
  const byApi: Record<string, number> = {};
  for (const t of cold.tally) {
    if (ONE_TIME.has(t.api)) continue;
    byApi[t.api] = t.api === "cloudwatch:GetMetricData" ? METRIC_CHARTS : t.calls;
  }
  const usd = sumOf(
    cold.tally.filter((t) => !ONE_TIME.has(t.api)),
    (t) => t.usd,
  );
  return { calls: sumOf(Object.values(byApi), (n) => n), usd, byApi };
}

async function main(): Promise<void> {
  const options = parseOptions(SPEC);
  if (!options) return;
  const quick = options.quick === true;
  const viewers = listOption(options, "viewers", quick ? [1, 3] : [1, 10, 100]);
  const hours = numberOption(options, "hours", quick ? 0.05 : 1);
  const dayHours = numberOption(options, "day-hours", quick ? 0.1 : 24);
  const range = String(options.range ?? "24h");
  const metricsTtl = numberOption(options, "metrics-ttl", 60);
  const costsTtl = numberOption(options, "costs-ttl", 21_600);
  const shape = { extra: { cache: { ttlSeconds: { metrics: metricsTtl, costs: costsTtl } } } };
  const series = seriesCount(3, 1);
  const ticks = Math.max(1, Math.round(hours * 60));
  const dayTicks = Math.max(1, Math.round(dayHours * 60));
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const scales = listOption(options, "scales", quick ? [1, 10] : [1, 10, 100]);
  const scaleHours = numberOption(options, "scale-hours", quick ? 0.2 : 3);
  const scaleRanges = String(options["scale-ranges"] ?? (quick ? "24h" : "24h,7d"))
    .split(",")
    .map((r) => r.trim())
    .filter(Boolean);
  const growth = await growthWithApp(scales, scaleRanges, scaleHours, shape, log);
  const growthGoal = growth.rows
    .filter((r) => r.range === "24h")
    .map((r) => ({
      scale: r.scale,
      steadyAtMost4x: r.scannedPerIngestedSteady <= 4,
      firstDayAtMost4x: r.scannedPerIngestedFirstDay <= 4,
    }));
  if (options["only-growth"] === true) {
    const path = writeArtifact(artifactName(`${String(options.out ?? "aws-calls")}-growth`, quick), {
      script: "aws-calls",
      at: new Date().toISOString(),
      machine: machine(),
      growth,
      growthGoal,
    });
    process.stdout.write(`\nGrowth with the app (1 viewer, refresh every minute):\n${table(growth.rows)}\n`);
    process.stdout.write(
      `\nPer API per day:\n${table(growth.apis)}\n\nGoal (24h): ${JSON.stringify(growthGoal)}\nWritten ${path}\n`,
    );
    return;
  }

  log(`cold refresh (empty cache, range=${range}) ...`);
  const cold = await coldRefresh({ ...shape, range });
  const runs: SimulationResult[] = [];
  for (const v of viewers) {
    log(`${v} viewer(s) x ${ticks} virtual minutes ...`);
    runs.push(await simulate({ ...shape, viewers: v, ticks, range }));
  }
  const reuse = runs.find((r) => r.viewers === 1 && r.ticks === dayTicks);
  log(`day: 1 viewer x ${dayTicks} virtual minutes ...`);
  const day = reuse ?? (await simulate({ ...shape, viewers: 1, ticks: dayTicks, range }));
  const dayTally = perDay(day.tally, dayTicks);
  const dayUsd = sumOf(dayTally, (t) => t.usd);
  const dayCalls = sumOf(dayTally, (t) => t.calls);
  const naive = naiveRefresh(cold);

  const base = runs[0]!;
  const comparison = runs.map((r) => {
    const billable = Object.fromEntries(BILLABLE.map((api) => [api, callsOf(r.tally, api)]));
    const same = BILLABLE.every((api) => callsOf(r.tally, api) === callsOf(base.tally, api));
    const naiveCallsDay = r.viewers * DAY_MINUTES * naive.calls;
    const naiveUsdDay = r.viewers * DAY_MINUTES * naive.usd;
    return {
      viewers: r.viewers,
      minutes: r.ticks,
      pageRequests: r.requests,
      serverErrors: r.failures,
      awsCalls: sumOf(r.tally, (t) => t.calls),
      ...billable,
      sameBillableCallsAsFirst: same,
      usdPerDay: round(dayUsd, 4),
      usdPerViewerDay: round(dayUsd / r.viewers, 5),
      naiveCallsPerDay: naiveCallsDay,
      naiveUsdPerDay: round(naiveUsdDay, 2),
      callRatioNaiveToMeasured: round(naiveCallsDay / dayCalls, 0),
      usdRatioNaiveToMeasured: round(naiveUsdDay / dayUsd, 0),
      realSeconds: round(r.realSeconds, 1),
    };
  });

  // GetMetricData per refresh interval: the metrics panel's shape is ceil(series / 500) calls;
  // the day also holds the previous-period KPI shape (TTL x 5) and the daily-token shape.
  // The panel's call is the largest (its chart series, plus the per-minute quota series the
  // Bedrock sums are derived from); the others are the previous period, the daily token sums and
  // the logs panel's percentiles.
  const gmdSizes = day.getMetricDataSizes;
  const panelSize = Math.max(0, ...gmdSizes);
  const panelCalls = gmdSizes.filter((n) => n === panelSize).length;
  const tokenCalls = gmdSizes.filter((n) => n !== panelSize).length;
  const steady = day.getMetricDataPerTick.slice(1);
  const goals = {
    callsIndependentOfViewers: comparison.every((c) => c.sameBillableCallsAsFirst),
    series,
    expectedGetMetricDataPerShape: expectedCalls(series),
    maxSeriesPerCall: Math.max(...gmdSizes),
    getMetricDataPerMinute: round(sumOf(steady, (n) => n) / Math.max(1, steady.length), 2),
    panelShapeCallsPerMinute: round(panelCalls / dayTicks, 2),
    otherShapeCallsPerMinute: round(tokenCalls / dayTicks, 2),
    costExplorerRequestsPerDay: round(
      callsOf(dayTally, "ce:GetCostAndUsage") + callsOf(dayTally, "ce:GetCostForecast"),
      1,
    ),
    costExplorerQueryShapes:
      callsOf(cold.tally, "ce:GetCostAndUsage") + callsOf(cold.tally, "ce:GetCostForecast"),
    usdPerDay: round(dayUsd, 4),
    underFiveCentsPerDay: dayUsd < 0.05,
    /** Issue 14's goal for one all-day viewer at default settings and 1x traffic. */
    atMostFifteenCentsPerDay: dayUsd <= 0.15,
  };

  const result = {
    script: "aws-calls",
    at: new Date().toISOString(),
    machine: machine(),
    method: {
      range,
      cacheTtlSeconds: { metrics: metricsTtl, costs: costsTtl },
      refreshEveryVirtualSeconds: 60,
      viewerRunsMinutes: ticks,
      dayRunMinutes: dayTicks,
      dayScaling:
        dayTicks === DAY_MINUTES ? "none (a full virtual day)" : `x ${round(DAY_MINUTES / dayTicks, 3)}`,
      naive: `per viewer per refresh: the calls of one cold refresh, GetMetricData as ${METRIC_CHARTS} calls (one per metric chart), same metrics priced`,
      quick,
    },
    coldRefresh: cold.tally,
    naivePerRefresh: naive,
    day: dayTally,
    comparison,
    goals,
    growth,
    growthGoal,
  };
  const path = writeArtifact(artifactName(String(options.out ?? "aws-calls"), quick), result);
  const out = process.stdout;
  out.write(`\nCalls of one cold page refresh (range=${range}):\n${table(cold.tally.map(row))}\n`);
  out.write(
    `\nPer day (1 viewer, ${dayTicks} virtual minutes, ${result.method.dayScaling}):\n${table(dayTally.map(row))}\n`,
  );
  out.write(`\nViewers compared (${ticks} virtual minutes each):\n${table(comparison)}\n`);
  out.write(`\nGoals:\n${table(Object.entries(goals).map(([goal, value]) => ({ goal, value })))}\n`);
  out.write(`\nGrowth with the app (1 viewer, refresh every minute):\n${table(growth.rows)}\n`);
  out.write(`\nPer API per day:\n${table(growth.apis)}\n`);
  out.write(`\nWritten ${path}\n`);
  for (const r of runs)
    if (r.failed.length) out.write(`${r.viewers} viewers, failed requests: ${r.failed.join("; ")}\n`);
  if (comparison.some((c) => c.serverErrors > 0)) process.exitCode = 1;
}

function row(t: ApiTally): Record<string, string | number> {
  return {
    api: t.api,
    calls: t.calls,
    metricsRequested: t.metricsRequested,
    mbScanned: round(t.bytesScanned / 1e6, 2),
    usd: round(t.usd, 5),
  };
}

run("aws-calls", main);
