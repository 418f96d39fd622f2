/**
 * Cost Explorer: daily cost by service, Bedrock cost per model from USAGE_TYPE groups, month to
 * date (one GetCostAndUsage shape) and the forecast to month end (GetCostForecast). The client is always us-east-1 (the factory sees to it).
 * Each request (each page) costs $0.01, so the cache in front of this module matters.
 */
import type {
  CostExplorerClient,
  Expression,
  GetCostAndUsageCommandInput,
  ResultByTime,
} from "@aws-sdk/client-cost-explorer";
import { GetCostAndUsageCommand, GetCostForecastCommand } from "@aws-sdk/client-cost-explorer";
import type { DailyCost } from "../api/contract.ts";
import { parseUsageType, type TokenKind } from "../pricing/usage-types.ts";
import { awsCall, SourceError } from "./errors.ts";
import { addDays } from "./range.ts";

export interface CostWindow {
  /** First day, inclusive (YYYY-MM-DD). */
  start: string;
  /** Last day, exclusive (YYYY-MM-DD), as Cost Explorer takes it. */
  end: string;
}

export interface UsageRow {
  date: string;
  usageType: string;
  family: string;
  kind: TokenKind;
  amountUsd: number;
  /** Usage quantity as billed (tokens, or thousands of tokens for some usage types). */
  quantity: number;
  estimated: boolean;
}

export interface CostsResult {
  byService: DailyCost[];
  bedrockByModel: DailyCost[];
  usage: UsageRow[];
  monthToDate: number;
  forecast: { mean: number; low: number; high: number; end: string } | null;
  /** Cost Explorer requests made, pages included. */
  requests: number;
}

export function serviceFilter(services: readonly string[]): Expression | undefined {
  return services.length > 0 ? { Dimensions: { Key: "SERVICE", Values: [...services] } } : undefined;
}

const amountOf = (metrics: ResultByTime["Total"], name = "UnblendedCost"): number =>
  Number(metrics?.[name]?.Amount ?? 0);

export class CostsSource {
  private requests = 0;
  constructor(
    private readonly client: CostExplorerClient,
    /** Services to show (Cost Explorer SERVICE dimension values), e.g. ["Amazon Bedrock"]. */
    private readonly services: readonly string[],
  ) {}

  /** All pages of one GetCostAndUsage query. */
  private async costAndUsage(input: GetCostAndUsageCommandInput): Promise<ResultByTime[]> {
    const out: ResultByTime[] = [];
    let token: string | undefined;
    do {
      const page = await awsCall("GetCostAndUsage", () =>
        this.client.send(
          new GetCostAndUsageCommand({ ...input, ...(token ? { NextPageToken: token } : {}) }),
        ),
      );
      this.requests += 1;
      out.push(...(page.ResultsByTime ?? []));
      token = page.NextPageToken;
    } while (token);
    return out;
  }

  private filter(): Expression | undefined {
    return serviceFilter(this.services);
  }

  /**
   * One daily query grouped by SERVICE and USAGE_TYPE, from the 1st of the month (or the window's
   * start, if earlier) to tomorrow (or the window's end): the daily cost by service, the Bedrock
   * usage per model and the month to date all come from it, so a refresh buys one query shape
   * (its pages) instead of three.
   */
  async breakdown(
    window: CostWindow,
    today: string,
  ): Promise<{ byService: DailyCost[]; usage: UsageRow[]; monthToDate: number }> {
    const monthStart = `${today.slice(0, 7)}-01`;
    const tomorrow = addDays(today, 1);
    const configured = this.services;
    const named = configured.filter((x) => /bedrock/i.test(x));
    const bedrock = named.length > 0 ? named : ["Amazon Bedrock"];
    const filter =
      configured.length > 0 ? serviceFilter([...new Set([...configured, ...bedrock])]) : undefined;
    const results = await this.costAndUsage({
      TimePeriod: { Start: [window.start, monthStart].sort()[0]!, End: [window.end, tomorrow].sort()[1]! },
      Granularity: "DAILY",
      Metrics: ["UnblendedCost", "UsageQuantity"],
      GroupBy: [
        { Type: "DIMENSION", Key: "SERVICE" },
        { Type: "DIMENSION", Key: "USAGE_TYPE" },
      ],
      ...(filter ? { Filter: filter } : {}),
    });
    const shown = (service: string) => configured.length === 0 || configured.includes(service);
    const inWindow = (date: string) => date >= window.start && date < window.end;
    const days = new Map<string, DailyCost>();
    const usage: UsageRow[] = [];
    let monthToDate = 0;
    for (const r of results) {
      const date = r.TimePeriod?.Start ?? "";
      const estimated = r.Estimated ?? false;
      if (inWindow(date) && !days.has(date)) days.set(date, { date, groups: {}, total: 0, estimated });
      for (const g of r.Groups ?? []) {
        const [service = "Other", usageType = ""] = g.Keys ?? [];
        const amount = amountOf(g.Metrics);
        if (shown(service)) {
          if (date >= monthStart && date < tomorrow) monthToDate += amount;
          const day = days.get(date);
          if (day) {
            day.groups[service] = (day.groups[service] ?? 0) + amount;
            day.total += amount;
            day.estimated = day.estimated || estimated;
          }
        }
        const parsed = bedrock.includes(service) && inWindow(date) ? parseUsageType(usageType) : null;
        if (parsed) {
          usage.push({
            date,
            usageType,
            family: parsed.family,
            kind: parsed.kind,
            amountUsd: amount,
            quantity: amountOf(g.Metrics, "UsageQuantity"),
            estimated,
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
    return { byService, usage, monthToDate: round(monthToDate) };
  }

  /** Forecast from today to the end of the month; null when AWS has too little history. */
  async forecast(today: string): Promise<CostsResult["forecast"]> {
    const end = firstOfNextMonth(today);
    const filter = this.filter();
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
      this.requests += 1;
      const first = out.ForecastResultsByTime?.[0];
      const mean = Number(out.Total?.Amount ?? first?.MeanValue ?? 0);
      return {
        mean: round(mean),
        low: round(Number(first?.PredictionIntervalLowerBound ?? mean)),
        high: round(Number(first?.PredictionIntervalUpperBound ?? mean)),
        end,
      };
    } catch (err) {
      this.requests += 1;
      if (err instanceof SourceError && err.code === "DataUnavailableException") return null;
      throw err;
    }
  }

  async fetch(window: CostWindow, today: string): Promise<CostsResult> {
    this.requests = 0;
    const [{ byService, usage, monthToDate }, forecast] = await Promise.all([
      this.breakdown(window, today),
      this.forecast(today),
    ]);
    return {
      byService,
      bedrockByModel: byModel(usage),
      usage,
      monthToDate,
      forecast,
      requests: this.requests,
    };
  }
}

/** Bedrock cost per day per model family, from parsed usage rows. */
export function byModel(usage: readonly UsageRow[]): DailyCost[] {
  const days = new Map<string, DailyCost>();
  for (const row of usage) {
    const day = days.get(row.date) ?? { date: row.date, groups: {}, total: 0, estimated: row.estimated };
    day.groups[row.family] = round((day.groups[row.family] ?? 0) + row.amountUsd);
    day.total = round(day.total + row.amountUsd);
    day.estimated = day.estimated || row.estimated;
    days.set(row.date, day);
  }
  return [...days.values()].sort((a, b) => a.date.localeCompare(b.date));
}

export function firstOfNextMonth(day: string): string {
  const [y, m] = day.split("-").map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, "0")}-01`;
}

/** Money rounded to 1/10,000 of a dollar (sub-cent Bedrock amounts stay visible). */
export function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
