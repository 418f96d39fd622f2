/**
 * The costs panel: Cost Explorer on AWS's cadence, the estimate over all four token types, the
 * per-model bill with its unrecognised group, the reconciliation with causes, cache economics and
 * the price table's coverage.
 *
 * Cadence (Cost Explorer refreshes its data up to three times a day and bills $0.01 a request,
 * each page counted), each interval measured from the answer's own fetch, not the UTC calendar:
 * the daily breakdown over the window at most once per 24 h / costs.refreshesPerDay (default 2;
 * one page for the default 7-day window, which a preset asks for as it is, not widened to the
 * month), the forecast and the monthly SERVICE query (month to date + which services carry
 * Bedrock spend) once per 24 h. The keys hold what is asked (window shape, services), not the
 * day or the month: a new UTC day costs nothing (Cost Explorer has nothing for it until its next
 * data refresh, hours later; until the next fetch the day shows as not yet in Cost Explorer), and
 * neither does a new month: the forecast covers this month and the next in one request, and the
 * new month's month to date comes from whichever answer is newer and holds it (the breakdown's
 * rows once its window reaches the 1st), else it shows as not yet in Cost Explorer. With
 * aws.accounts the per-account view comes only from the monthly query, whose key then keeps the
 * month (one refetch at a month start). Defaults: 2 + 1 + 1 = 4 requests in any 24 h for one
 * range, a cold start included, across a month start too. A manual refresh re-runs the breakdown only
 * (rate limited by the refresh route and costs.maxRequestsPerHour).
 * Source of the cadence: https://docs.aws.amazon.com/cost-management/latest/userguide/ce-api-best-practices.html
 * (billing data updated up to three times a day; each paginated request billed; cache the answers).
 */
import type { AwsClients } from "../aws/clients.ts";
import { cacheKey } from "../cache/keys.ts";
import type { CachedError, CacheResult, SwrCache } from "../cache/swr-cache.ts";
import { accountList, bedrockRegion, type Config } from "../config.ts";
import type { PriceBook } from "../pricing/prices.ts";
import {
  cacheEconomics,
  type DailyEstimate,
  type DailyTokens,
  estimateDaily,
  reconcile,
} from "../pricing/reconcile.ts";
import { isApplicationProfile } from "../pricing/usage-types.ts";
import {
  type Breakdown,
  byModel,
  CostsSource,
  type CostWindow,
  type Forecast,
  forecastFor,
  type Monthly,
  resolveServices,
  round,
  unrecognised,
} from "../sources/costs.ts";
import { type AccountCostsView, accountCosts } from "../sources/costs-accounts.ts";
import { InferenceProfiles, type ResolvedProfile } from "../sources/inference-profiles.ts";
import { addDays, monthStart } from "../sources/range.ts";
import type { CostsData, DailyCost, Panel, PriceCoverage } from "./contract.ts";
import { Memo } from "./memo.ts";

const DAY_MS = 86_400_000;
const PROFILE_TTL_MS = 6 * 3_600_000;
const NO_PROFILES: ResolvedProfile[] = [];
const NO_ROWS: DailyTokens[] = [];

/**
 * How long a Cost Explorer answer stays fresh: `perDay` fetches in 24 h, measured from the answer's
 * own fetch (not from 00:00 UTC), so a cold start just before midnight does not pay twice.
 */
export function cadenceMs(perDay: number): number {
  return DAY_MS / perDay;
}

/** Whole days from `start` to `end` (YYYY-MM-DD, end exclusive). */
function daysBetween(start: string, end: string): number {
  return Math.round((Date.parse(end) - Date.parse(start)) / DAY_MS);
}

/**
 * A Cost Explorer window as a cache key holds it: what is asked, not the day it is asked on. A
 * window that reaches today is "to date" (its End is tomorrow whenever it is fetched), and a
 * preset's also starts relative to today, so it is its length. The fetch asks for the window of
 * the day it runs; the panel shows what that answer covers (`Breakdown.period`).
 */
export function windowShape(
  fetched: CostWindow,
  today: string,
  preset: boolean,
): { [k: string]: string | number } {
  const toDate = fetched.end >= addDays(today, 1);
  if (preset && toDate) return { days: daysBetween(fetched.start, fetched.end), end: "to date" };
  return { start: fetched.start, end: toDate ? "to date" : fetched.end };
}

/**
 * The first month of the monthly SERVICE query: every month the window reaches at any time this
 * month (a preset slides a day at a time), so the query's key changes only with the month.
 */
export function monthlySince(fetched: CostWindow, today: string, preset: boolean): string {
  const month = monthStart(today);
  const earliest = preset ? addDays(month, 1 - daysBetween(fetched.start, fetched.end)) : fetched.start;
  return monthStart([earliest, month].sort()[0]!);
}

/**
 * The monthly query's key without the month: a preset by how many months back its first month
 * lies (the same for every preset under a month, so the attribution panel shares it), an
 * explicit window by its first month (fixed whatever the day).
 */
export function monthlyShape(
  fetched: CostWindow,
  today: string,
  preset: boolean,
): { [k: string]: string | number } {
  const since = monthlySince(fetched, today, preset);
  if (!preset) return { since };
  const [y, m] = monthStart(today).split("-").map(Number) as [number, number];
  const [sy, sm] = since.split("-").map(Number) as [number, number];
  return { monthsBack: (y - sy) * 12 + (m - sm) };
}

/** Bedrock month to date of `month` from the breakdown's rows, or null if its answer does not hold the whole month so far. */
export function breakdownMonthToDate(breakdown: Breakdown, month: string): number | null {
  if (breakdown.period.start > month || breakdown.period.end <= month) return null;
  return round(breakdown.usage.reduce((n, r) => (r.date >= month ? n + r.amountUsd : n), 0));
}

export interface MonthToDate {
  usd: number | null;
  from?: "monthly query" | "daily breakdown";
  note?: string;
}

/**
 * This month's Bedrock month to date from whichever answer is newer and holds the month so far:
 * the monthly query (fetched this month) or the daily breakdown (its period reaches from the 1st
 * or earlier into the month). Neither: null with the reason, never last month's figure.
 */
export function monthToDateOf(
  month: string,
  bedrock: readonly string[],
  monthly: { value: Monthly | null; fetchedAt: number | null },
  breakdown: { value: Breakdown | null; fetchedAt: number | null },
): MonthToDate {
  const candidates: Array<{ usd: number; at: number; from: "monthly query" | "daily breakdown" }> = [];
  const m = monthly.value;
  if (m && m.month === month)
    candidates.push({
      usd: round(bedrock.reduce((n, s) => n + (m.monthToDate[s] ?? 0), 0)),
      at: monthly.fetchedAt ?? 0,
      from: "monthly query",
    });
  const fromRows = breakdown.value ? breakdownMonthToDate(breakdown.value, month) : null;
  if (fromRows !== null)
    candidates.push({ usd: fromRows, at: breakdown.fetchedAt ?? 0, from: "daily breakdown" });
  // Newest first; on a tie the monthly query (it holds every day of the month whatever the window).
  const best = candidates.sort((a, b) => b.at - a.at)[0];
  if (best) return { usd: best.usd, from: best.from };
  if (!m) return { usd: null };
  return {
    usd: null,
    note: `${month.slice(0, 7)} is not yet in Cost Explorer's answers in use: the month to date was last fetched in ${m.month.slice(0, 7)}, before this month began, and the daily breakdown does not hold this month's first day yet. Both are asked again on their cadence (within 24 h); the estimate from token counts is shown meanwhile.`,
  };
}

/** The panel's forecast: the current month's entry, and the month-end total it implies. */
export function forecastView(
  forecast: Forecast | null,
  month: string,
  monthToDate: number | null,
): CostsData["forecast"] {
  const entry = forecastFor(forecast, month);
  if (!forecast || !entry) return null;
  const wholeMonth = entry.start === month;
  const base = wholeMonth ? 0 : monthToDate;
  return {
    ...entry,
    madeOn: forecast.madeOn,
    wholeMonth,
    projected:
      base === null
        ? null
        : { mean: round(base + entry.mean), low: round(base + entry.low), high: round(base + entry.high) },
  };
}

/** The days of [start, end) outside the answer's period: not in Cost Explorer's answer yet. */
function uncovered(window: CostWindow, period: CostWindow): string[] {
  const out: string[] = [];
  for (let d = window.start; d < window.end; d = addDays(d, 1))
    if (d < period.start || d >= period.end) out.push(d);
  return out;
}

interface PanelKeys {
  signature: string;
  monthlyValue: Monthly | null;
  services: { shown: string[]; bedrock: string[] };
  costs: string;
  forecast: string;
}

export interface CostsPanelDeps {
  config: Config;
  clients: AwsClients;
  cache: SwrCache;
  prices: PriceBook;
  now: () => Date;
  dailyTokens: (window: CostWindow, force: boolean) => Promise<CacheResult<DailyTokens[]>>;
  /** The window Cost Explorer is asked for (whole months, so day windows share cache keys). */
  fetchWindow: (window: CostWindow, preset: boolean) => CostWindow;
  /** Runs one paid Cost Explorer call under the hourly cap. */
  capped: <T extends { requests: number }>(call: () => Promise<T>) => Promise<T>;
}

export class CostsPanel {
  private readonly source: CostsSource;
  private readonly profiles: InferenceProfiles;
  /** Panel data per combination of its inputs: same inputs, same object (and so same bytes and ETag). */
  private readonly memo = new Memo<CostsData>();
  /** The cache keys of the last window asked for (every request of a view asks for the same). */
  private lastKeys: PanelKeys | null = null;
  /** The monthly query's key per shape (and month, with accounts configured). */
  private lastMonthly: { input: string; key: string; since: string } | null = null;
  /** Application inference profile IDs among the token rows, per rows object. */
  private readonly profileIds = new WeakMap<object, { ids: string[]; key: string }>();
  /** The window shape's key per fetched window, day and preset flag. */
  private readonly windowKeys = new Map<string, string>();

  constructor(private readonly deps: CostsPanelDeps) {
    this.source = new CostsSource(deps.clients.costExplorer());
    this.profiles = new InferenceProfiles(deps.clients, bedrockRegion(deps.config));
  }

  /** Breakdown fetches per 24 h: costs.refreshesPerDay, fewer if cache.ttlSeconds.costs is longer. */
  private perDay(): number {
    const c = this.deps.config.costs;
    return Math.max(
      1,
      Math.min(c.refreshesPerDay, Math.floor(86_400 / this.deps.config.cache.ttlSeconds.costs)),
    );
  }

  private byAccount(): boolean {
    return this.deps.config.aws.accounts !== undefined;
  }

  /**
   * Month to date by service and the Bedrock services it shows (once per 24 h from its fetch; the
   * key holds no month, except with accounts configured: the per-account view has no other source).
   */
  private async monthly(fetched: CostWindow, today: string, preset: boolean): Promise<CacheResult<Monthly>> {
    // With accounts configured the same query is also grouped by LINKED_ACCOUNT (GroupBy takes 2 keys).
    const byAccount = this.byAccount();
    // Every request of a view asks with the same inputs: the key is worked out once per inputs.
    const input = `${fetched.start}|${fetched.end}|${today}|${preset}`;
    let last = this.lastMonthly;
    if (last?.input !== input) {
      const shape = monthlyShape(fetched, today, preset);
      const parts = { ...shape, ...(byAccount ? { byAccount: true, month: monthStart(today) } : {}) };
      // The fetch asks for the months of the day it runs.
      last = { input, key: cacheKey("ce-monthly", parts), since: monthlySince(fetched, today, preset) };
      this.lastMonthly = last;
    }
    const { since } = last;
    return this.deps.cache.get<Monthly>(last.key, cadenceMs(1), () =>
      this.deps.capped(() => this.source.monthly(since, today, byAccount)),
    );
  }

  /** The key of a window's shape, worked out once per inputs (each request of a view asks the same). */
  private windowKey(fetched: CostWindow, today: string, preset: boolean): string {
    const input = `${fetched.start}|${fetched.end}|${today}|${preset}`;
    let key = this.windowKeys.get(input);
    if (key === undefined) {
      key = cacheKey("window", windowShape(fetched, today, preset));
      if (this.windowKeys.size >= 64) this.windowKeys.clear();
      this.windowKeys.set(input, key);
    }
    return key;
  }

  /** The services and cache keys of a window, computed once while the same window is asked for. */
  private keysOf(shape: string, monthly: Monthly | null): PanelKeys {
    const signature = shape;
    const last = this.lastKeys;
    if (last?.signature === signature && last.monthlyValue === monthly) return last;
    const services = resolveServices(this.deps.config.costs.services, monthly?.bedrockServices ?? []);
    const keys: PanelKeys = {
      signature,
      monthlyValue: monthly,
      services,
      costs: cacheKey("costs", { window: shape, shown: services.shown, bedrock: services.bedrock }),
      // The forecast runs from the day it is fetched over this month and the next: once per 24 h.
      forecast: cacheKey("ce-forecast", { months: 2, bedrock: services.bedrock }),
    };
    this.lastKeys = keys;
    return keys;
  }

  /**
   * The Bedrock services a window's queries cover, from the monthly query alone (the attribution
   * panel's filter): the same key as the costs panel's, so no request of its own in a day it is viewed.
   */
  async bedrockServices(
    window: CostWindow,
    today: string,
    preset: boolean,
  ): Promise<{ services: string[] | null; error: CachedError | null }> {
    const fetched = this.deps.fetchWindow(window, preset);
    const monthly = await this.monthly(fetched, today, preset);
    if (!monthly.value) return { services: null, error: monthly.error };
    const { bedrock } = resolveServices(this.deps.config.costs.services, monthly.value.bedrockServices);
    return { services: bedrock, error: monthly.error };
  }

  async panel(
    window: CostWindow,
    today: string,
    preset: string | null,
    force: boolean,
  ): Promise<Panel<CostsData>> {
    const { cache } = this.deps;
    const isPreset = preset !== null;
    const fetched = this.deps.fetchWindow(window, isPreset);
    const monthly = await this.monthly(fetched, today, isPreset);
    // The breakdown and the forecast are asked for the Bedrock services the monthly answer names:
    // while it is still under way (the wait ran out), asking them now would buy them for a guess
    // (the default service) and again, under other keys, once it lands.
    if (!monthly.value && monthly.error?.code === "SourceTimeout")
      return { data: null, asOf: null, stale: false, error: monthly.error };
    const keys = this.keysOf(this.windowKey(fetched, today, isPreset), monthly.value);
    const services = keys.services;
    // Each fetch asks for the window of the day it runs (the keys do not hold the day).
    const [ce, forecast, tokens] = await Promise.all([
      cache.get<Breakdown>(
        keys.costs,
        cadenceMs(this.perDay()),
        () => this.deps.capped(() => this.source.breakdown(fetched, today, services)),
        { force },
      ),
      cache.get<{ forecast: Forecast | null }>(keys.forecast, cadenceMs(1), () =>
        this.deps.capped(() => this.source.forecast(today, services.bedrock)),
      ),
      this.deps.dailyTokens(fetched, force),
    ]);
    const panel: Panel<CostsData> = {
      data: null,
      asOf: ce.fetchedAt === null ? null : new Date(ce.fetchedAt).toISOString(),
      stale: ce.stale || tokens.stale || forecast.stale,
      error: ce.error ?? monthly.error ?? forecast.error ?? tokens.error,
    };
    const breakdown = ce.value;
    if (!breakdown) return panel;
    const profiles = await this.resolveProfiles(tokens.value ?? NO_ROWS);
    const month = monthStart(today);
    const mtd = monthToDateOf(month, services.bedrock, monthly, ce);
    // Built only when one of the memo's inputs changed (a repeat request is a lookup).
    const build = () => {
      const forecastShown = forecastView(forecast.value?.forecast ?? null, month, mtd.usd);
      const accounts = monthly.value
        ? accountCosts(monthly.value, accountList(this.deps.config), services.bedrock)
        : null;
      return this.data(
        window,
        today,
        preset,
        breakdown,
        tokens.value,
        forecastShown,
        profiles,
        mtd,
        accounts,
      );
    };
    const data = this.memo.get(
      [
        breakdown,
        tokens.value,
        forecast.value,
        profiles,
        window.start,
        window.end,
        today,
        preset,
        mtd.usd,
        mtd.from,
        forecast.value,
        // The per-account view derives from the cached monthly answer (same object, same view).
        monthly.value,
      ],
      build,
    );
    return { ...panel, data };
  }

  /** The panel's data for the shown window, from the fetched (month-aligned) Cost Explorer rows. */
  private data(
    window: CostWindow,
    today: string,
    preset: string | null,
    breakdown: Breakdown,
    tokenRows: DailyTokens[] | null,
    forecast: CostsData["forecast"],
    resolved: readonly ResolvedProfile[],
    monthToDate: MonthToDate,
    accounts: AccountCostsView | null,
  ): CostsData {
    const region = bedrockRegion(this.deps.config);
    const shown = (row: { date: string }) => row.date >= window.start && row.date < window.end;
    const rows = (tokenRows ?? []).filter(shown);
    const usage = breakdown.usage.filter(shown);
    // An answer fetched before a day began does not hold it: that day is "not yet in Cost
    // Explorer" (the estimate stands alone), never a billed $0.
    const notYet = uncovered(window, breakdown.period);
    const profiles = new Map(resolved.map((p) => [p.id, p]));
    const resolve = (id: string) => profiles.get(id)?.model ?? null;
    const estimates = estimateDaily(rows, this.deps.prices, region, resolve);
    return {
      range: {
        start: `${window.start}T00:00:00.000Z`,
        end: `${window.end}T00:00:00.000Z`,
        preset,
        periodSeconds: 86_400,
      },
      byService: breakdown.byService.filter(shown),
      bedrockByModel: byModel(usage),
      monthToDate: monthToDate.usd,
      ...(monthToDate.from ? { monthToDateFrom: monthToDate.from } : {}),
      ...(monthToDate.note ? { monthToDateNote: monthToDate.note } : {}),
      forecast,
      reconciliation: tokenRows
        ? reconcile(estimates, usage, today, this.deps.prices, region, breakdown.period.end)
        : [],
      currency: "USD",
      bedrockServices: breakdown.bedrockServices,
      unrecognised: unrecognised(usage),
      estimateByModel: estimateByModel(estimates),
      cacheEconomics: cacheEconomics(estimates, this.deps.prices, region, resolve),
      prices: coverage(this.deps.prices, region, estimates, profiles),
      ...(notYet.length > 0 ? { notInCostExplorer: notYet } : {}),
      ...(accounts
        ? {
            accounts: accounts.accounts,
            accountsView: accounts.view,
            ...(accounts.note ? { accountsNote: accounts.note } : {}),
          }
        : {}),
    };
  }

  /** Resolve every application inference profile among the model IDs (cached for hours). */
  private async resolveProfiles(rows: readonly DailyTokens[]): Promise<ResolvedProfile[]> {
    let known = this.profileIds.get(rows);
    if (!known) {
      const found = [...new Set(rows.map((r) => r.modelId).filter(isApplicationProfile))].sort();
      known = { ids: found, key: cacheKey("inference-profiles", { ids: found }) };
      this.profileIds.set(rows, known);
    }
    const { ids, key } = known;
    if (ids.length === 0) return NO_PROFILES;
    const result = await this.deps.cache.get<ResolvedProfile[]>(key, PROFILE_TTL_MS, () =>
      this.profiles.resolve(ids),
    );
    return result.value ?? NO_PROFILES;
  }
}

/** The estimate per family per day (priced rows only). */
export function estimateByModel(estimates: readonly DailyEstimate[]): DailyCost[] {
  const days = new Map<string, DailyCost>();
  for (const e of estimates) {
    if (e.estimatedUsd === null) continue;
    const day = days.get(e.date) ?? { date: e.date, groups: {}, total: 0, estimated: true };
    day.groups[e.family] = round((day.groups[e.family] ?? 0) + e.estimatedUsd);
    day.total = round(day.total + e.estimatedUsd);
    days.set(e.date, day);
  }
  return [...days.values()].sort((a, b) => a.date.localeCompare(b.date));
}

function coverage(
  prices: PriceBook,
  region: string,
  estimates: readonly DailyEstimate[],
  profiles: ReadonlyMap<string, ResolvedProfile>,
): PriceCoverage {
  const unpriced = new Map<string, string>();
  for (const e of estimates) if (e.estimatedUsd === null) unpriced.set(e.modelId, e.unpriced ?? "no price");
  const c = prices.coverage();
  return {
    region,
    regions: c.regions,
    asOf: c.asOf,
    source: c.source,
    unpriced: [...unpriced].map(([model, reason]) => ({ model, reason })),
    profiles: [...profiles.values()].map((p) => ({
      id: p.id,
      model: p.model,
      ...(p.error ? { error: p.error } : {}),
    })),
  };
}
