/**
 * The costs panel: Cost Explorer on AWS's cadence, the estimate over all four token types, the
 * per-model bill with its unrecognised group, the reconciliation with causes, cache economics and
 * the price table's coverage.
 *
 * Cadence (Cost Explorer refreshes its data up to three times a day and bills $0.01 a request,
 * each page counted): the daily breakdown over the window at most once per refresh slot (config
 * costs.refreshesPerDay, default 2; one page for the default 7-day window), the forecast and the
 * monthly SERVICE query (month to date + which services carry Bedrock spend) once per UTC day.
 * Defaults: 2 + 1 + 1 = 4 requests a day for one range. A manual refresh re-runs the breakdown
 * only (rate limited by the refresh route).
 */
import type { AwsClients } from "../aws/clients.ts";
import { cacheKey } from "../cache/keys.ts";
import type { CacheResult, SwrCache } from "../cache/swr-cache.ts";
import { bedrockRegion, type Config } from "../config.ts";
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
import { InferenceProfiles, type ResolvedProfile } from "../sources/inference-profiles.ts";
import type { CostsData, DailyCost, Panel, PriceCoverage } from "./contract.ts";

const DAY_MS = 86_400_000;
const PROFILE_TTL_MS = 6 * 3_600_000;

/** Milliseconds for which a value fetched in the current slot stays fresh (slots of 24 h / perDay, from 00:00 UTC). */
export function slotTtl(now: number, perDay: number): number {
  const slot = DAY_MS / perDay;
  return now - Math.floor(now / slot) * slot + 1;
}

export interface CostsPanelDeps {
  config: Config;
  clients: AwsClients;
  cache: SwrCache;
  prices: PriceBook;
  now: () => Date;
  dailyTokens: (window: CostWindow, force: boolean) => Promise<CacheResult<DailyTokens[]>>;
}

export class CostsPanel {
  private readonly source: CostsSource;
  private readonly profiles: InferenceProfiles;

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

  /** Month to date by service and the Bedrock services it shows (once a day). */
  private async monthly(today: string, since: string): Promise<CacheResult<Monthly>> {
    const now = this.deps.now().getTime();
    return this.deps.cache.get<Monthly>(cacheKey("ce-monthly", { today, since }), slotTtl(now, 1), () =>
      this.source.monthly(since, today),
    );
  }

  async panel(
    window: CostWindow,
    today: string,
    preset: string | null,
    force: boolean,
  ): Promise<Panel<CostsData>> {
    const { config, cache, now } = this.deps;
    const t = now().getTime();
    const monthStart = `${today.slice(0, 7)}-01`;
    const since = [window.start, monthStart].sort()[0]!;
    const monthly = await this.monthly(today, since);
    const services = resolveServices(config.costs.services, monthly.value?.bedrockServices ?? []);
    const [ce, forecast, tokens] = await Promise.all([
      cache.get<Breakdown>(
        cacheKey("costs", { ...window, today, shown: services.shown, bedrock: services.bedrock }),
        slotTtl(t, this.perDay()),
        () => this.source.breakdown(window, today, services),
        { force },
      ),
      cache.get<{ forecast: Forecast | null }>(
        cacheKey("ce-forecast", { today, bedrock: services.bedrock }),
        slotTtl(t, 1),
        () => this.source.forecast(today, services.bedrock),
      ),
      this.deps.dailyTokens(window, force),
    ]);
    const panel: Panel<CostsData> = {
      data: null,
      asOf: ce.fetchedAt === null ? null : new Date(ce.fetchedAt).toISOString(),
      stale: ce.stale || tokens.stale || forecast.stale,
      error: ce.error ?? monthly.error ?? forecast.error ?? tokens.error,
    };
    if (!ce.value) return panel;
    const region = bedrockRegion(config);
    const rows = tokens.value ?? [];
    const profiles = await this.resolveProfiles(rows);
    const resolve = (id: string) => profiles.get(id)?.model ?? null;
    const estimates = estimateDaily(rows, this.deps.prices, region, resolve);
    const data: CostsData = {
      range: {
        start: `${window.start}T00:00:00.000Z`,
        end: `${window.end}T00:00:00.000Z`,
        preset,
        periodSeconds: 86_400,
      },
      byService: ce.value.byService,
      bedrockByModel: byModel(ce.value.usage),
      monthToDate: round(services.bedrock.reduce((n, s) => n + (monthly.value?.monthToDate[s] ?? 0), 0)),
      forecast: forecast.value?.forecast ?? null,
      reconciliation: tokens.value
        ? reconcile(estimates, ce.value.usage, today, this.deps.prices, region)
        : [],
      currency: "USD",
      bedrockServices: ce.value.bedrockServices,
      unrecognised: unrecognised(ce.value.usage),
      estimateByModel: estimateByModel(estimates),
      cacheEconomics: cacheEconomics(estimates, this.deps.prices, region, resolve),
      prices: coverage(this.deps.prices, region, estimates, profiles),
    };
    return { ...panel, data };
  }

  /** Resolve every application inference profile among the model IDs (cached for hours). */
  private async resolveProfiles(rows: readonly DailyTokens[]): Promise<Map<string, ResolvedProfile>> {
    const ids = [...new Set(rows.map((r) => r.modelId).filter(isApplicationProfile))].sort();
    if (ids.length === 0) return new Map();
    const result = await this.deps.cache.get<ResolvedProfile[]>(
      cacheKey("inference-profiles", { ids }),
      PROFILE_TTL_MS,
      () => this.profiles.resolve(ids),
    );
    return new Map((result.value ?? []).map((p) => [p.id, p]));
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
