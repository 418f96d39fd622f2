/**
 * The costs panel: Cost Explorer on AWS's cadence, the estimate over all four token types, the
 * per-model bill with its unrecognised group, the reconciliation with causes, cache economics and
 * the price table's coverage.
 *
 * Cadence (Cost Explorer refreshes its data up to three times a day and bills $0.01 a request,
 * each page counted): the daily breakdown over the window at most once per refresh slot (config
 * costs.refreshesPerDay, default 2; one page for the default 7-day window, which a preset asks
 * for as it is, not widened to the month), the forecast and the
 * monthly SERVICE query (month to date + which services carry Bedrock spend) once per UTC day.
 * Defaults: 2 + 1 + 1 = 4 requests a day for one range. A manual refresh re-runs the breakdown
 * only (rate limited by the refresh route).
 */
import type { AwsClients } from "../aws/clients.ts";
import { cacheKey } from "../cache/keys.ts";
import type { CacheResult, SwrCache } from "../cache/swr-cache.ts";
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
  type Monthly,
  resolveServices,
  round,
  unrecognised,
} from "../sources/costs.ts";
import { type AccountCostsView, accountCosts } from "../sources/costs-accounts.ts";
import { InferenceProfiles, type ResolvedProfile } from "../sources/inference-profiles.ts";
import { monthStart } from "../sources/range.ts";
import type { CostsData, DailyCost, Panel, PriceCoverage } from "./contract.ts";
import { Memo } from "./memo.ts";

const DAY_MS = 86_400_000;
const PROFILE_TTL_MS = 6 * 3_600_000;
const NO_PROFILES: ResolvedProfile[] = [];
const NO_ROWS: DailyTokens[] = [];

/** Milliseconds for which a value fetched in the current slot stays fresh (slots of 24 h / perDay, from 00:00 UTC). */
export function slotTtl(now: number, perDay: number): number {
  const slot = DAY_MS / perDay;
  return now - Math.floor(now / slot) * slot + 1;
}

interface PanelKeys {
  today: string;
  since: string;
  start: string;
  end: string;
  monthlyValue: Monthly | null;
  monthly: string;
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
  /** Application inference profile IDs among the token rows, per rows object. */
  private readonly profileIds = new WeakMap<object, string[]>();

  constructor(private readonly deps: CostsPanelDeps) {
    this.source = new CostsSource(deps.clients.costExplorer());
    this.profiles = new InferenceProfiles(deps.clients, bedrockRegion(deps.config));
  }

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

  private monthlyKey(today: string, since: string): string {
    return cacheKey("ce-monthly", { today, since, ...(this.byAccount() ? { byAccount: true } : {}) });
  }

  /** Month to date by service and the Bedrock services it shows (once a day). */
  private async monthly(today: string, since: string): Promise<CacheResult<Monthly>> {
    const now = this.deps.now().getTime();
    // With accounts configured the same query is also grouped by LINKED_ACCOUNT (GroupBy takes 2 keys).
    const byAccount = this.byAccount();
    const last = this.lastKeys;
    const key = last?.today === today && last.since === since ? last.monthly : this.monthlyKey(today, since);
    return this.deps.cache.get<Monthly>(key, slotTtl(now, 1), () =>
      this.deps.capped(() => this.source.monthly(since, today, byAccount)),
    );
  }

  /** The services and cache keys of a window, computed once while the same window is asked for. */
  private keysOf(fetched: CostWindow, today: string, since: string, monthly: Monthly | null): PanelKeys {
    const last = this.lastKeys;
    if (
      last?.today === today &&
      last.since === since &&
      last.start === fetched.start &&
      last.end === fetched.end &&
      last.monthlyValue === monthly
    )
      return last;
    const services = resolveServices(this.deps.config.costs.services, monthly?.bedrockServices ?? []);
    const keys: PanelKeys = {
      today,
      since,
      start: fetched.start,
      end: fetched.end,
      monthlyValue: monthly,
      monthly: this.monthlyKey(today, since),
      services,
      costs: cacheKey("costs", { ...fetched, today, shown: services.shown, bedrock: services.bedrock }),
      forecast: cacheKey("ce-forecast", { today, bedrock: services.bedrock }),
    };
    this.lastKeys = keys;
    return keys;
  }

  async panel(
    window: CostWindow,
    today: string,
    preset: string | null,
    force: boolean,
  ): Promise<Panel<CostsData>> {
    const { cache, now } = this.deps;
    const t = now().getTime();
    const fetched = this.deps.fetchWindow(window, preset !== null);
    // From the fetched window's first month: every window inside the same months shares one query.
    const since = [fetched.start, monthStart(today)].sort()[0]!;
    const monthly = await this.monthly(today, since);
    const keys = this.keysOf(fetched, today, since, monthly.value);
    const services = keys.services;
    const [ce, forecast, tokens] = await Promise.all([
      cache.get<Breakdown>(
        keys.costs,
        slotTtl(t, this.perDay()),
        () => this.deps.capped(() => this.source.breakdown(fetched, today, services)),
        { force },
      ),
      cache.get<{ forecast: Forecast | null }>(keys.forecast, slotTtl(t, 1), () =>
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
    const monthToDate = round(services.bedrock.reduce((n, s) => n + (monthly.value?.monthToDate[s] ?? 0), 0));
    const accounts = monthly.value
      ? accountCosts(monthly.value, accountList(this.deps.config), services.bedrock)
      : null;
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
        monthToDate,
        // The per-account view derives from the cached monthly answer (same object, same view).
        monthly.value,
      ],
      () =>
        this.data(
          window,
          today,
          preset,
          breakdown,
          tokens.value,
          forecast.value?.forecast ?? null,
          profiles,
          monthToDate,
          accounts,
        ),
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
    forecast: Forecast | null,
    resolved: readonly ResolvedProfile[],
    monthToDate: number,
    accounts: AccountCostsView | null,
  ): CostsData {
    const region = bedrockRegion(this.deps.config);
    const shown = (row: { date: string }) => row.date >= window.start && row.date < window.end;
    const rows = (tokenRows ?? []).filter(shown);
    const usage = breakdown.usage.filter(shown);
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
      monthToDate,
      forecast,
      reconciliation: tokenRows ? reconcile(estimates, usage, today, this.deps.prices, region) : [],
      currency: "USD",
      bedrockServices: breakdown.bedrockServices,
      unrecognised: unrecognised(usage),
      estimateByModel: estimateByModel(estimates),
      cacheEconomics: cacheEconomics(estimates, this.deps.prices, region, resolve),
      prices: coverage(this.deps.prices, region, estimates, profiles),
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
    let ids = this.profileIds.get(rows);
    if (!ids) {
      ids = [...new Set(rows.map((r) => r.modelId).filter(isApplicationProfile))].sort();
      this.profileIds.set(rows, ids);
    }
    if (ids.length === 0) return NO_PROFILES;
    const result = await this.deps.cache.get<ResolvedProfile[]>(
      cacheKey("inference-profiles", { ids }),
      PROFILE_TTL_MS,
      () => this.profiles.resolve(ids),
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
