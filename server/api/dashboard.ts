/**
 * The data layer behind the API: each panel is a source call behind the cache (TTL per source,
 * stale-while-revalidate, one flight per key), turned into a Panel<T>. A failing source only
 * marks its own panel; the others are unaffected.
 */
import type { AwsClients } from "../aws/clients.ts";
import { cacheKey } from "../cache/keys.ts";
import type { LogBinStore } from "../cache/log-bins.ts";
import type { CachedError, CacheResult, SwrCache } from "../cache/swr-cache.ts";
import { bedrockRegion, type Config } from "../config.ts";
import { PriceBook } from "../pricing/prices.ts";
import { type DailyTokens, estimateDaily, reconcile } from "../pricing/reconcile.ts";
import { AccountId, BudgetsSource } from "../sources/budgets.ts";
import { type CostsResult, CostsSource, type CostWindow } from "../sources/costs.ts";
import { SourceError } from "../sources/errors.ts";
import { LOGS_QUERY_CONCURRENCY, LogsSource } from "../sources/logs.ts";
import { QueryQueue } from "../sources/logs-insights.ts";
import { fetchedRange, fetchMetrics } from "../sources/metrics.ts";
import { addDays, explicitRange, isoDay, presetRange, type TimeRange } from "../sources/range.ts";
import { fetchDailyTokens } from "../sources/tokens.ts";
import type { BudgetsData, CostsData, LogsData, MetricsData, Panel } from "./contract.ts";
import type { DataQuery, RangeQuery } from "./params.ts";

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

export function toPanel<T>(result: CacheResult<T>): Panel<T> {
  return {
    data: result.value,
    asOf: result.fetchedAt === null ? null : new Date(result.fetchedAt).toISOString(),
    stale: result.stale,
    error: result.error,
  };
}

function rangeKey(range: RangeQuery): Record<string, string> {
  return range.kind === "preset"
    ? { preset: range.preset }
    : { start: range.start.toISOString(), end: range.end.toISOString() };
}

export class Dashboard {
  readonly prices: PriceBook;
  private readonly logs: LogsSource;
  private readonly costs: CostsSource;
  private readonly budgets: BudgetsSource;

  constructor(private readonly deps: DashboardDeps) {
    const { config, clients } = deps;
    this.prices = PriceBook.fromConfig(config);
    this.logs = new LogsSource(clients, config, deps.logsQueue ?? new QueryQueue(LOGS_QUERY_CONCURRENCY), {
      ...(deps.logBins ? { bins: deps.logBins } : {}),
      now: () => deps.now().getTime(),
    });
    this.costs = new CostsSource(clients.costExplorer(), config.costs.services);
    const names = config.budgets.names ?? undefined;
    this.budgets = new BudgetsSource(
      clients.budgets(),
      new AccountId(clients.sts(), config.aws.accountId),
      names,
    );
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
      ...rangeKey(q.range),
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
    const key = previous ? `${this.metricsKey(q)}:previous` : this.metricsKey(q);
    const fetch = () =>
      fetchMetrics(
        this.deps.clients,
        this.deps.config,
        this.resolve(previous ? this.previous(q.range) : q.range),
        this.deps.now(),
        {
          functions: q.functions,
          models: q.models,
        },
      );
    // No new datapoint arrives faster than the period CloudWatch is asked for (1 min up to 12 h,
    // 5 min for 24 h, ...): refreshing faster would re-buy the same metrics (GetMetricData is
    // billed per metric requested). The previous period only moves with the clock: five TTLs.
    const filter = { functions: q.functions, models: q.models };
    const period = fetchedRange(
      this.deps.config,
      this.resolve(q.range),
      this.deps.now(),
      filter,
    ).periodSeconds;
    const base = Math.max(this.ttl("metrics"), period * 1000);
    const ttl = previous ? base * 5 : base;
    return toPanel(await this.deps.cache.get(key, ttl, fetch, { force }));
  }

  async logsPanel(q: Pick<DataQuery, "range" | "functions">, force = false): Promise<Panel<LogsData>> {
    const key = cacheKey("logs", { ...rangeKey(q.range), functions: [...q.functions].sort() });
    const fetch = () => this.logs.fetch(this.resolve(q.range), { functions: q.functions });
    return toPanel(await this.deps.cache.get(key, this.ttl("logs"), fetch, { force }));
  }

  /** Days covered by the range, but at least the configured look-back (the seed: Bedrock, last 7 days). */
  costWindow(range: RangeQuery): CostWindow {
    const r = this.resolve(range);
    const today = isoDay(this.deps.now());
    const lookbackStart = addDays(today, -(this.deps.config.costs.lookbackDays - 1));
    const rangeStart = isoDay(r.start);
    const endDay = isoDay(new Date(r.end.getTime() - 1));
    return {
      start: [rangeStart, lookbackStart].sort()[0]!,
      end: addDays([endDay, today].sort()[0]!, 1),
    };
  }

  async costsPanel(q: Pick<DataQuery, "range" | "models">, force = false): Promise<Panel<CostsData>> {
    const window = this.costWindow(q.range);
    const today = isoDay(this.deps.now());
    const ceKey = cacheKey("costs", { ...window, today, services: [...this.deps.config.costs.services] });
    const [ce, tokens] = await Promise.all([
      this.deps.cache.get<CostsResult>(ceKey, this.ttl("costs"), () => this.costs.fetch(window, today), {
        force,
      }),
      this.dailyTokens(window, q.models, force),
    ]);
    const panel = toPanel(ce);
    if (!ce.value) return { ...panel, data: null };
    const estimates = estimateDaily(tokens.value ?? [], this.prices, bedrockRegion(this.deps.config));
    const billed = ce.value.usage.map((u) => ({ date: u.date, family: u.family, amountUsd: u.amountUsd }));
    const range = this.resolve(q.range);
    const data: CostsData = {
      range: {
        start: `${window.start}T00:00:00.000Z`,
        end: `${window.end}T00:00:00.000Z`,
        preset: range.preset,
        periodSeconds: 86_400,
      },
      byService: ce.value.byService,
      bedrockByModel: ce.value.bedrockByModel,
      monthToDate: ce.value.monthToDate,
      forecast: ce.value.forecast,
      reconciliation: tokens.value ? reconcile(estimates, billed, today) : [],
      currency: "USD",
    };
    return { ...panel, data, stale: panel.stale || tokens.stale, error: panel.error ?? tokens.error };
  }

  /** CloudWatch token counts per model per day (the estimate's input), cached like the metrics. */
  dailyTokens(
    window: CostWindow,
    models: readonly string[],
    force = false,
  ): Promise<CacheResult<DailyTokens[]>> {
    const key = cacheKey("tokens", { ...window, models: [...models].sort() });
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
    const key = cacheKey("budgets", {
      names: this.deps.config.budgets.names ? [...this.deps.config.budgets.names] : null,
    });
    const result = await this.deps.cache.get(
      key,
      this.ttl("budgets"),
      async () => ({ budgets: await this.budgets.fetch() }),
      { force },
    );
    return toPanel(result);
  }
}
