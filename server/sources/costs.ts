/**
 * Cost Explorer: which SERVICE values carry Bedrock spend (GetDimensionValues, once a day), the
 * daily cost by service and every Bedrock dollar by usage type (one GetCostAndUsage shape), and
 * the forecast over this month and the next (GetCostForecast, once a day). The client is always us-east-1.
 * Each request (each page) costs $0.01: the dashboard caches each call on Cost Explorer's own
 * cadence, measured from its last fetch (see server/api/costs-panel.ts).
 *
 * Every Bedrock dollar is kept: a usage type the parser reads goes to its model family, anything
 * else goes to the UNRECOGNISED group with its string and amount, so each day's per-model sum
 * equals the Bedrock total.
 */
import type {
  CostExplorerClient,
  Expression,
  GetCostAndUsageCommandInput,
  ResultByTime,
} from "@aws-sdk/client-cost-explorer";
import { GetCostAndUsageCommand, GetCostForecastCommand } from "@aws-sdk/client-cost-explorer";
import type { DailyCost, UnrecognisedUsage } from "../api/contract.ts";
import { isBedrockService, type ParsedUsageType, parseUsageType } from "../pricing/usage-types.ts";
import { awsCall, SourceError } from "./errors.ts";
import { addDays, monthStart as firstOfMonth } from "./range.ts";

/** The per-model group that holds Bedrock dollars whose usage type the parser does not know. */
export const UNRECOGNISED = "unrecognised usage types";
/** Used when Cost Explorer knows no Bedrock service yet (a new account). */
export const DEFAULT_BEDROCK_SERVICE = "Amazon Bedrock";

export interface CostWindow {
  /** First day, inclusive (YYYY-MM-DD). */
  start: string;
  /** Last day, exclusive (YYYY-MM-DD), as Cost Explorer takes it. */
  end: string;
}

export interface UsageRow {
  date: string;
  service: string;
  usageType: string;
  amountUsd: number;
  /** UsageQuantity as billed: thousands of tokens for first-party lines, tokens for Marketplace lines. */
  quantity: number;
  estimated: boolean;
  /** null: not a per-token model line the parser knows (listed as unrecognised). */
  parsed: ParsedUsageType | null;
}

export interface Monthly {
  /** The month whose month to date this answer holds (YYYY-MM-01, the month of the day it was fetched). */
  month: string;
  /** Services whose name contains "Bedrock" with cost in the period. */
  bedrockServices: string[];
  /** Month to date per service (every service of every account Cost Explorer answered for). */
  monthToDate: Record<string, number>;
  /**
   * With `byAccount`: the month to date per LINKED_ACCOUNT and service, and the account names
   * Cost Explorer gave (DimensionValueAttributes). Absent when the query was not grouped by account.
   */
  accounts?: Record<string, { name: string | null; monthToDate: Record<string, number> }>;
  requests: number;
}

export interface Breakdown {
  byService: DailyCost[];
  /** Every Bedrock usage-type line in the window (recognised or not). */
  usage: UsageRow[];
  /** The Bedrock services the query covered. */
  bedrockServices: string[];
  /**
   * The TimePeriod Cost Explorer was asked for (End exclusive, tomorrow at the latest when asked):
   * a day from `end` on is not in this answer yet, whatever it would say now.
   */
  period: CostWindow;
  requests: number;
}

/** One calendar month of a GetCostForecast answer (one ForecastResultsByTime entry). */
export interface ForecastMonth {
  /**
   * First day the entry covers: the day the forecast was made for the month it was made in (the
   * rest of that month), the 1st for a later month (the whole month).
   */
  start: string;
  /** First day after it (the 1st of the following month). */
  end: string;
  mean: number;
  low: number;
  high: number;
}

/** A forecast over this month and the next, made on `madeOn`, one entry per calendar month. */
export interface Forecast {
  madeOn: string;
  months: ForecastMonth[];
}

export function serviceFilter(services: readonly string[]): Expression | undefined {
  return services.length > 0 ? { Dimensions: { Key: "SERVICE", Values: [...services] } } : undefined;
}

const amountOf = (metrics: ResultByTime["Total"], name = "UnblendedCost"): number =>
  Number(metrics?.[name]?.Amount ?? 0);

/**
 * Which services a query covers: the configured list narrows; with none configured, the
 * discovered Bedrock services. Bedrock services are those named in the list, else the discovered ones.
 */
export function resolveServices(
  configured: readonly string[] | undefined,
  discovered: readonly string[],
): { shown: string[]; bedrock: string[] } {
  const found = discovered.length > 0 ? [...discovered] : [DEFAULT_BEDROCK_SERVICE];
  if (!configured || configured.length === 0) return { shown: found, bedrock: found };
  const named = configured.filter(isBedrockService);
  const bedrock = named.length > 0 ? named : found;
  return { shown: [...new Set([...configured, ...bedrock])], bedrock };
}

export class CostsSource {
  constructor(private readonly client: CostExplorerClient) {}

  /**
   * The month so far by service (GetCostAndUsage MONTHLY, grouped by SERVICE, every service: one
   * group per service, so one page): the month to date of each service and, from the same answer,
   * the services whose name contains "Bedrock" (Amazon Bedrock, Amazon Bedrock Service, and one
   * Marketplace service per third-party model such as "Claude Haiku 4.5 (Amazon Bedrock Edition)").
   * One request does what GetDimensionValues plus a month-to-date query would do in two.
   */
  async monthly(since: string, today: string, byAccount = false): Promise<Monthly> {
    const monthStart = firstOfMonth(today);
    const { results, pages, attributes } = await this.costAndUsage({
      TimePeriod: { Start: [since, monthStart].sort()[0]!, End: addDays(today, 1) },
      Granularity: "MONTHLY",
      Metrics: ["UnblendedCost"],
      GroupBy: [
        { Type: "DIMENSION", Key: "SERVICE" },
        ...(byAccount ? [{ Type: "DIMENSION" as const, Key: "LINKED_ACCOUNT" as const }] : []),
      ],
    });
    const bedrock = new Set<string>();
    const monthToDate: Record<string, number> = {};
    const accounts: NonNullable<Monthly["accounts"]> = {};
    for (const r of results) {
      const current = (r.TimePeriod?.Start ?? "") >= monthStart;
      for (const g of r.Groups ?? []) {
        const service = g.Keys?.[0] ?? "";
        const amount = amountOf(g.Metrics);
        if (isBedrockService(service) && amount !== 0) bedrock.add(service);
        if (current) monthToDate[service] = round((monthToDate[service] ?? 0) + amount);
        const account = byAccount ? g.Keys?.[1] : undefined;
        if (account === undefined) continue;
        const entry = accounts[account] ?? { name: attributes.get(account) ?? null, monthToDate: {} };
        if (current) entry.monthToDate[service] = round((entry.monthToDate[service] ?? 0) + amount);
        accounts[account] = entry;
      }
    }
    return {
      month: monthStart,
      bedrockServices: [...bedrock].sort(),
      monthToDate,
      ...(byAccount ? { accounts } : {}),
      requests: pages,
    };
  }

  /** All pages of one GetCostAndUsage query. */
  private async costAndUsage(
    input: GetCostAndUsageCommandInput,
  ): Promise<{ results: ResultByTime[]; pages: number; attributes: Map<string, string> }> {
    const results: ResultByTime[] = [];
    /** DimensionValueAttributes: a linked account's name is its `description`. */
    const attributes = new Map<string, string>();
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await awsCall("GetCostAndUsage", () =>
        this.client.send(
          new GetCostAndUsageCommand({ ...input, ...(token ? { NextPageToken: token } : {}) }),
        ),
      );
      pages += 1;
      results.push(...(page.ResultsByTime ?? []));
      for (const a of page.DimensionValueAttributes ?? []) {
        const name = a.Attributes?.description;
        if (a.Value && name) attributes.set(a.Value, name);
      }
      token = page.NextPageToken;
    } while (token);
    return { results, pages, attributes };
  }

  /**
   * One daily query over the window grouped by SERVICE and USAGE_TYPE, filtered to the shown
   * services: the daily cost by service and every Bedrock usage line come from it.
   */
  async breakdown(
    window: CostWindow,
    today: string,
    services: { shown: readonly string[]; bedrock: readonly string[] },
  ): Promise<Breakdown> {
    const tomorrow = addDays(today, 1);
    const filter = serviceFilter(services.shown);
    const period = { start: window.start, end: [window.end, tomorrow].sort()[0]! };
    const { results, pages } = await this.costAndUsage({
      TimePeriod: { Start: period.start, End: period.end },
      Granularity: "DAILY",
      Metrics: ["UnblendedCost", "UsageQuantity"],
      GroupBy: [
        { Type: "DIMENSION", Key: "SERVICE" },
        { Type: "DIMENSION", Key: "USAGE_TYPE" },
      ],
      ...(filter ? { Filter: filter } : {}),
    });
    const shown = (service: string) => services.shown.includes(service);
    const bedrock = (service: string) => services.bedrock.includes(service);
    const inWindow = (date: string) => date >= window.start && date < window.end;
    const days = new Map<string, DailyCost>();
    const usage: UsageRow[] = [];
    for (const r of results) {
      const date = r.TimePeriod?.Start ?? "";
      const estimated = r.Estimated ?? false;
      if (inWindow(date) && !days.has(date)) days.set(date, { date, groups: {}, total: 0, estimated });
      for (const g of r.Groups ?? []) {
        const [service = "Other", usageType = ""] = g.Keys ?? [];
        const amount = amountOf(g.Metrics);
        if (!shown(service)) continue;
        const day = days.get(date);
        if (day) {
          day.groups[service] = (day.groups[service] ?? 0) + amount;
          day.total += amount;
          day.estimated = day.estimated || estimated;
        }
        if (bedrock(service) && inWindow(date)) {
          usage.push({
            date,
            service,
            usageType,
            amountUsd: amount,
            quantity: amountOf(g.Metrics, "UsageQuantity"),
            estimated,
            parsed: parseUsageType(usageType, service),
          });
        }
      }
    }
    const byService = [...days.values()]
      .map((d) => ({
        ...d,
        total: round(d.total),
        groups: Object.fromEntries(Object.entries(d.groups).map(([k, v]) => [k, round(v)])),
      }))
      .sort((a, b) => a.date.localeCompare(b.date));
    return {
      byService,
      usage,
      bedrockServices: [...services.bedrock],
      period,
      requests: pages,
    };
  }

  /**
   * Forecast of the Bedrock services over the rest of this month and the whole of the next, in one
   * request (TimePeriod [today, 1st of the month after next), MONTHLY: Cost Explorer answers one
   * ForecastResultsByTime entry per calendar month, the first from today, plus Total), so the
   * answer stays usable across a month start. null when AWS has too little history.
   */
  async forecast(
    today: string,
    bedrockServices: readonly string[],
  ): Promise<{ forecast: Forecast | null; requests: number }> {
    const end = firstOfNextMonth(firstOfNextMonth(today));
    const filter = serviceFilter(bedrockServices);
    try {
      const out = await awsCall("GetCostForecast", () =>
        this.client.send(
          new GetCostForecastCommand({
            TimePeriod: { Start: today, End: end },
            Metric: "UNBLENDED_COST",
            Granularity: "MONTHLY",
            PredictionIntervalLevel: 80,
            ...(filter ? { Filter: filter } : {}),
          }),
        ),
      );
      const months: ForecastMonth[] = [];
      for (const r of out.ForecastResultsByTime ?? []) {
        const start = r.TimePeriod?.Start;
        if (!start) continue;
        const mean = Number(r.MeanValue ?? 0);
        months.push({
          start,
          end: r.TimePeriod?.End ?? firstOfNextMonth(start),
          mean: round(mean),
          low: round(Number(r.PredictionIntervalLowerBound ?? mean)),
          high: round(Number(r.PredictionIntervalUpperBound ?? mean)),
        });
      }
      // A single-entry answer without per-month values: the Total is the one period's mean.
      if (months.length === 0 && out.Total?.Amount !== undefined) {
        const mean = round(Number(out.Total.Amount));
        months.push({ start: today, end, mean, low: mean, high: mean });
      }
      months.sort((a, b) => a.start.localeCompare(b.start));
      return { forecast: { madeOn: today, months }, requests: 1 };
    } catch (err) {
      if (err instanceof SourceError && err.code === "DataUnavailableException")
        return { forecast: null, requests: 1 };
      throw err;
    }
  }
}

/** The entry of a forecast for the month `month` (YYYY-MM-01) begins in, or null. */
export function forecastFor(forecast: Forecast | null, month: string): ForecastMonth | null {
  const next = firstOfNextMonth(month);
  return forecast?.months.find((m) => m.start >= month && m.start < next) ?? null;
}

/** Bedrock cost per day per model family, the unrecognised lines in their own group; totals equal the Bedrock total. */
export function byModel(usage: readonly UsageRow[]): DailyCost[] {
  const days = new Map<string, DailyCost>();
  for (const row of usage) {
    const day = days.get(row.date) ?? { date: row.date, groups: {}, total: 0, estimated: row.estimated };
    const key = row.parsed?.family ?? UNRECOGNISED;
    day.groups[key] = (day.groups[key] ?? 0) + row.amountUsd;
    day.total += row.amountUsd;
    day.estimated = day.estimated || row.estimated;
    days.set(row.date, day);
  }
  return [...days.values()]
    .map((d) => ({
      ...d,
      total: round(d.total),
      groups: Object.fromEntries(Object.entries(d.groups).map(([k, v]) => [k, round(v)])),
    }))
    .sort((a, b) => a.date.localeCompare(b.date));
}

/** The unrecognised usage types with their amounts over the window (largest first). */
export function unrecognised(usage: readonly UsageRow[]): UnrecognisedUsage[] {
  const map = new Map<string, UnrecognisedUsage>();
  for (const row of usage) {
    if (row.parsed) continue;
    const key = `${row.service}|${row.usageType}`;
    const entry = map.get(key) ?? { service: row.service, usageType: row.usageType, amountUsd: 0, days: 0 };
    entry.amountUsd += row.amountUsd;
    entry.days += 1;
    map.set(key, entry);
  }
  return [...map.values()]
    .map((e) => ({ ...e, amountUsd: round(e.amountUsd) }))
    .filter((e) => e.amountUsd !== 0)
    .sort((a, b) => b.amountUsd - a.amountUsd);
}

export function firstOfNextMonth(day: string): string {
  const [y, m] = day.split("-").map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, "0")}-01`;
}

/** Money rounded to 1/10,000 of a dollar (sub-cent Bedrock amounts stay visible). */
export function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
