/**
 * The data layer behind the API: each panel is a source call behind the cache (TTL per source,
 * stale-while-revalidate, one flight per key), turned into a Panel<T>. A failing source only
 * marks its own panel; the others are unaffected.
 */
import type { AwsClients } from "../aws/clients.ts";
import { cacheKey } from "../cache/keys.ts";
import type { LogBinStore } from "../cache/log-bins.ts";
import { HourlyCap } from "../cache/rate-limit.ts";
import type { CachedError, CacheResult, SwrCache } from "../cache/swr-cache.ts";
import type { Config } from "../config.ts";
import { PriceBook } from "../pricing/prices.ts";
import type { DailyTokens } from "../pricing/reconcile.ts";
import { AccountsResolver } from "../sources/accounts-resolve.ts";
import { AccountId, BudgetsSource } from "../sources/budgets.ts";
import type { CostWindow } from "../sources/costs.ts";
import { SourceError } from "../sources/errors.ts";
import { LOGS_QUERY_CONCURRENCY, LogsSource } from "../sources/logs.ts";
import { QueryQueue } from "../sources/logs-insights.ts";
import { fetchedRange, fetchMetrics } from "../sources/metrics.ts";
import {
  addDays,
  explicitRange,
  isoDay,
  monthStart,
  nextMonthStart,
  PRESETS,
  presetRange,
  type TimeRange,
} from "../sources/range.ts";
import { fetchDailyTokens } from "../sources/tokens.ts";
import { type AttributionBy, AttributionPanel } from "./attribution-panel.ts";
import type {
  AttributionData,
  BudgetsData,
  CostsData,
  LogsData,
  MetricsData,
  OverviewData,
  Panel,
} from "./contract.ts";
import { CostsPanel } from "./costs-panel.ts";
import { Memo } from "./memo.ts";
import type { DataQuery, RangeQuery } from "./params.ts";

/** The costs panel's default view (its Bedrock services answer the attribution tag query's filter). */
const LOOKBACK: RangeQuery = { kind: "preset", preset: "7d" };

const DAY_MS = 86_400_000;

/** How long the per-day token counts (the cost estimate's input) stay fresh. */
const DAILY_TOKENS_TTL_MS = 900_000;

export type PanelName = "metrics" | "logs" | "costs" | "budgets";

export interface DashboardDeps {
  config: Config;
  clients: AwsClients;
  cache: SwrCache;
  now: () => Date;
  /** Logs Insights concurrency kept by the product (the account allows 30, dashboards included). */
  logsQueue?: QueryQueue;
  /** Closed Logs Insights bins, persisted (never re-queried); in memory when absent. */
  logBins?: LogBinStore;
}

/** Map any failure to what a panel shows: the AWS error and the permission when one is missing. */
export function describeError(err: unknown): CachedError {
  if (err instanceof SourceError) {
    return err.permission
      ? { code: err.code, message: err.message, permission: err.permission }
      : { code: err.code, message: err.message };
  }
  return { code: "InternalError", message: "The source failed unexpectedly; see the server log." };
}

/** Panels of the cache's reused fresh results (server/cache/swr-cache.ts): the same object back. */
const panels = new WeakMap<object, Panel<unknown>>();

export function toPanel<T>(result: CacheResult<T>): Panel<T> {
  const known = panels.get(result);
  if (known) return known as Panel<T>;
  const panel: Panel<T> = {
    data: result.value,
    asOf: result.fetchedAt === null ? null : new Date(result.fetchedAt).toISOString(),
    stale: result.stale,
    error: result.error,
  };
  panels.set(result, panel);
  return panel;
}

/** The metrics cache key and TTL of one query object (a memoised preset query is parsed once). */
interface MetricsKeys {
  key: string;
  previousKey: string;
  ttlMs: number;
}

export class Dashboard {
  readonly prices: PriceBook;
  private readonly logs: LogsSource;
  private readonly costs: CostsPanel;
  /** Spend per application profile, tag value, principal or request-metadata value (issue #18). */
  readonly attribution: AttributionPanel;
  private readonly budgets: BudgetsSource;
  /** aws.accounts resolved per request ("linked": discovered through OAM, cached six hours). */
  readonly accounts: AccountsResolver;
  /** Cost Explorer requests ($0.01 each) in the last hour, capped by costs.maxRequestsPerHour. */
  private readonly costCap: HourlyCap;
  private readonly metricsTtl = new Map<string, number>();
  /** Per query object: its metrics key and TTL, when the key does not move with the clock (a preset). */
  private readonly metricsKeys = new WeakMap<object, MetricsKeys>();
  /** Cache keys of the daily token sums by window and models (the same few on every request). */
  private readonly tokenKeys = new Map<string, string>();
  private readonly budgetsKey: string;
  /** Today's UTC day number and its YYYY-MM-DD. */
  private day = { number: Number.NaN, iso: "" };
  /** A preset's cost window, for the day it was computed on. */
  private readonly presetWindows = new Map<string, { days: string; window: CostWindow }>();
  /** The overview's KPIs, per combination of the panels they come from (server/api/overview.ts). */
  readonly overviewData = new Memo<OverviewData>();

  constructor(private readonly deps: DashboardDeps) {
    const { config, clients } = deps;
    this.prices = PriceBook.fromConfig(config);
    this.logs = new LogsSource(clients, config, deps.logsQueue ?? new QueryQueue(LOGS_QUERY_CONCURRENCY), {
      ...(deps.logBins ? { bins: deps.logBins } : {}),
      now: () => deps.now().getTime(),
    });
    // What the costs and attribution panels share: the cache, prices, token sums and the
    // Cost Explorer cap (one hourly budget of requests for both).
    const shared = {
      config,
      clients,
      cache: deps.cache,
      prices: this.prices,
      now: deps.now,
      dailyTokens: (window: CostWindow, force: boolean) => this.dailyTokens(window, [], force),
      capped: <T extends { requests: number }>(call: () => Promise<T>) => this.capped(call),
    };
    this.costs = new CostsPanel({
      ...shared,
      fetchWindow: (window, preset) => this.fetchWindow(window, preset),
    });
    this.attribution = new AttributionPanel({
      ...shared,
      bedrockServices: () => this.costs.bedrockServices(this.costWindow(LOOKBACK), this.today(), true),
      fetchWindow: (window) => this.fetchWindow(window),
    });
    const names = config.budgets.names ?? undefined;
    this.budgets = new BudgetsSource(
      clients.budgets(),
      new AccountId(clients.sts(), config.aws.accountId),
      names,
    );
    this.budgetsKey = cacheKey("budgets", { names: names ? [...names] : null });
    this.accounts = new AccountsResolver(config, clients, deps.cache);
    this.costCap = new HourlyCap(config.costs.maxRequestsPerHour, () => deps.now().getTime());
  }

  /**
   * The key of a range: a preset by name; an explicit range by its period-aligned bounds and
   * period, so `end=now` to the millisecond (or any time inside the same period) is one key and
   * costs what the aligned range would.
   */
  rangeKey(range: RangeQuery): Record<string, string | number> {
    if (range.kind === "preset") return { preset: range.preset };
    const r = this.resolve(range);
    return { start: r.start.toISOString(), end: r.end.toISOString(), period: r.periodSeconds };
  }

  now(): Date {
    return this.deps.now();
  }

  private ttl(panel: PanelName): number {
    return this.deps.config.cache.ttlSeconds[panel] * 1000;
  }

  /** Resolve a range query now (presets end now). */
  resolve(range: RangeQuery): TimeRange {
    const now = this.deps.now();
    return range.kind === "preset"
      ? presetRange(range.preset, now)
      : explicitRange(range.start, range.end, now);
  }

  /** The range of the same length just before `range` (for KPI comparisons). */
  previous(range: RangeQuery): RangeQuery {
    const r = this.resolve(range);
    const length = r.end.getTime() - r.start.getTime();
    return { kind: "explicit", start: new Date(r.start.getTime() - length), end: r.start };
  }

  metricsKey(q: Pick<DataQuery, "range" | "functions" | "models">): string {
    return cacheKey("metrics", {
      ...this.rangeKey(q.range),
      functions: [...q.functions].sort(),
      models: [...q.models].sort(),
    });
  }

  /**
   * The metrics panel. `previous` asks for the range of the same length just before (KPI
   * comparisons); its key stays relative to the preset so it is shared like the current one.
   */
  async metrics(
    q: Pick<DataQuery, "range" | "functions" | "models">,
    force = false,
    previous = false,
  ): Promise<Panel<MetricsData>> {
    const keys = this.metricsKeysOf(q);
    const key = previous ? keys.previousKey : keys.key;
    const fetch = async (): Promise<MetricsData> => {
      const accounts = await this.accounts.resolve();
      const data = await fetchMetrics(
        this.deps.clients,
        accounts.config,
        this.resolve(previous ? this.previous(q.range) : q.range),
        this.deps.now(),
        {
          functions: q.functions,
          models: q.models,
        },
        // The previous period feeds only the KPI deltas: only their series are bought.
        { kpiOnly: previous },
      );
      return accounts.error ? { ...data, accountsError: accounts.error.message } : data;
    };
    const base = keys.ttlMs;
    const ttl = previous ? base * 5 : base;
    return toPanel(await this.deps.cache.get(key, ttl, fetch, { force }));
  }

  /**
   * No new datapoint arrives faster than the period CloudWatch is asked for (1 min up to 12 h,
   * 5 min for 24 h, ...): refreshing faster would re-buy the same metrics (GetMetricData is
   * billed per metric requested). Ranges of 24 h and longer (trend views) refresh at most every
   * cache.ttlSeconds.metricsLongRange (10 min: two 5-minute points of the 24 h view). The
   * previous period only moves with the clock: five TTLs.
   * The period depends only on what the key holds (preset, or aligned range and period) and on
   * the configured series: computed once per key, not per request; a preset query's key once
   * per query object.
   */
  private metricsKeysOf(q: Pick<DataQuery, "range" | "functions" | "models">): MetricsKeys {
    const known = this.metricsKeys.get(q);
    if (known) return known;
    const key = this.metricsKey(q);
    let ttlMs = this.metricsTtl.get(key);
    if (ttlMs === undefined) {
      const filter = { functions: q.functions, models: q.models };
      const period = fetchedRange(
        this.deps.config,
        this.resolve(q.range),
        this.deps.now(),
        filter,
      ).periodSeconds;
      const r = this.resolve(q.range);
      const long = r.end.getTime() - r.start.getTime() >= DAY_MS - period * 1000;
      ttlMs = Math.max(
        this.ttl("metrics"),
        period * 1000,
        long ? this.deps.config.cache.ttlSeconds.metricsLongRange * 1000 : 0,
      );
      if (this.metricsTtl.size >= 1_000) this.metricsTtl.clear();
      this.metricsTtl.set(key, ttlMs);
    }
    const keys = { key, previousKey: `${key}:previous`, ttlMs };
    if (q.range.kind === "preset") this.metricsKeys.set(q, keys);
    return keys;
  }

  async logsPanel(q: Pick<DataQuery, "range" | "functions">, force = false): Promise<Panel<LogsData>> {
    const key = cacheKey("logs", { ...this.rangeKey(q.range), functions: [...q.functions].sort() });
    const fetch = async () =>
      this.logs.fetch(
        this.resolve(q.range),
        { functions: q.functions },
        (await this.accounts.resolve()).config,
      );
    return toPanel(await this.deps.cache.get(key, this.ttl("logs"), fetch, { force }));
  }

  /** Today (UTC, YYYY-MM-DD), formatted once a day rather than on every request. */
  today(): string {
    const day = Math.floor(this.deps.now().getTime() / DAY_MS);
    if (day !== this.day.number) this.day = { number: day, iso: isoDay(new Date(day * DAY_MS)) };
    return this.day.iso;
  }

  /**
   * Days covered by the range, but at least the configured look-back (the seed: Bedrock, last 7
   * days). A preset's window moves only with the UTC days of now and of its start (whole periods
   * divide a day, so the aligned start is on the same day as now minus the length): computed once
   * per preset and pair of days.
   */
  costWindow(range: RangeQuery): CostWindow {
    if (range.kind !== "preset") return this.computeCostWindow(range);
    const now = this.deps.now().getTime();
    const days = `${this.today()}|${Math.floor((now - PRESETS[range.preset] * 1000) / DAY_MS)}`;
    const known = this.presetWindows.get(range.preset);
    if (known?.days === days) return known.window;
    const window = this.computeCostWindow(range);
    this.presetWindows.set(range.preset, { days, window });
    return window;
  }

  private computeCostWindow(range: RangeQuery): CostWindow {
    const r = this.resolve(range);
    const today = this.today();
    const lookbackStart = addDays(today, -(this.deps.config.costs.lookbackDays - 1));
    const rangeStart = isoDay(r.start);
    // A preset ends now: its last day is today even at 00:00 sharp (so the window, and the Cost
    // Explorer query shape, change once a day, not twice).
    const endDay = isoDay(new Date(r.preset ? r.end.getTime() : r.end.getTime() - 1));
    return {
      start: [rangeStart, lookbackStart].sort()[0]!,
      end: addDays([endDay, today].sort()[0]!, 1),
    };
  }

  /**
   * The window Cost Explorer is asked for. A preset's window (the look-back, ending tomorrow) as
   * it is: a few days are one page of the daily SERVICE x USAGE_TYPE breakdown, and each page is
   * a $0.01 request (a whole month is two or more). A custom window widened to whole months
   * (ending tomorrow at the latest), so the thousands of day windows a viewer could pick share a
   * few cache keys; the panel shows only the days asked for.
   */
  fetchWindow(window: CostWindow, preset = false): CostWindow {
    if (preset) return window;
    const tomorrow = addDays(this.today(), 1);
    const end = nextMonthStart(addDays(window.end, -1));
    return { start: monthStart(window.start), end: end < tomorrow ? end : tomorrow };
  }

  /** One Cost Explorer call, refused (stale data or an error shown) past the hourly cap. */
  private async capped<T extends { requests: number }>(call: () => Promise<T>): Promise<T> {
    const wait = this.costCap.wait();
    if (wait > 0) {
      throw new SourceError(
        "GetCostAndUsage",
        "CostExplorerCapped",
        `Cost Explorer was asked ${this.deps.config.costs.maxRequestsPerHour} times in the last hour (costs.maxRequestsPerHour, $0.01 a request); the next request is allowed in ${Math.ceil(wait / 60_000)} min.`,
      );
    }
    const result = await call();
    this.costCap.record(result.requests);
    return result;
  }

  async costsPanel(q: Pick<DataQuery, "range" | "models">, force = false): Promise<Panel<CostsData>> {
    const window = this.costWindow(q.range);
    return this.costs.panel(window, this.today(), presetOf(q.range), force);
  }

  /** The Attribution panel for a view and range (days as the costs panel counts them). */
  async attributionPanel(
    by: AttributionBy,
    q: Pick<DataQuery, "range">,
    force = false,
  ): Promise<Panel<AttributionData>> {
    return this.attribution.panel(by, this.costWindow(q.range), presetOf(q.range), force);
  }

  /** CloudWatch token counts per model per day (the estimate's input), cached like the metrics. */
  dailyTokens(
    window: CostWindow,
    models: readonly string[],
    force = false,
  ): Promise<CacheResult<DailyTokens[]>> {
    const signature = `${window.start}|${window.end}|${models.join(",")}`;
    let key = this.tokenKeys.get(signature);
    if (key === undefined) {
      key = cacheKey("tokens", { ...window, models: [...models].sort() });
      if (this.tokenKeys.size >= 256) this.tokenKeys.clear();
      this.tokenKeys.set(signature, key);
    }
    const fetch = () =>
      fetchDailyTokens(this.deps.clients, this.deps.config, window, models.length ? models : undefined);
    // Daily totals for an estimate: a quarter of an hour is fresh enough, and 15x cheaper.
    return this.deps.cache.get<DailyTokens[]>(
      key,
      Math.max(this.ttl("metrics"), DAILY_TOKENS_TTL_MS),
      fetch,
      {
        force,
      },
    );
  }

  async budgetsPanel(force = false): Promise<Panel<BudgetsData>> {
    const result = await this.deps.cache.get(
      this.budgetsKey,
      this.ttl("budgets"),
      async () => ({ budgets: await this.budgets.fetch() }),
      { force },
    );
    return toPanel(result);
  }
}

/** A preset query's name (a preset range resolves to its own name), null for an explicit range. */
function presetOf(range: RangeQuery): string | null {
  return range.kind === "preset" ? range.preset : null;
}
