/**
 * Cost Explorer: daily cost by service, Bedrock cost per model from USAGE_TYPE groups, month to
 * date and the forecast to month end. The client is always us-east-1 (the factory sees to it).
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

  async dailyByService(window: CostWindow): Promise<DailyCost[]> {
    const filter = this.filter();
    const results = await this.costAndUsage({
      TimePeriod: { Start: window.start, End: window.end },
      Granularity: "DAILY",
      Metrics: ["UnblendedCost"],
      GroupBy: [{ Type: "DIMENSION", Key: "SERVICE" }],
      ...(filter ? { Filter: filter } : {}),
    });
    return mergeDays(
      results.map((r) => {
        const groups: Record<string, number> = {};
        for (const g of r.Groups ?? []) groups[g.Keys?.[0] ?? "Other"] = amountOf(g.Metrics);
        const total = r.Groups?.length ? sum(Object.values(groups)) : amountOf(r.Total);
        return {
          date: r.TimePeriod?.Start ?? "",
          groups,
          total: round(total),
          estimated: r.Estimated ?? false,
        };
      }),
    );
  }

  /** Bedrock usage by USAGE_TYPE, parsed into model family and token kind. */
  async bedrockUsage(window: CostWindow): Promise<UsageRow[]> {
    const bedrock = this.services.filter((s) => /bedrock/i.test(s));
    const results = await this.costAndUsage({
      TimePeriod: { Start: window.start, End: window.end },
      Granularity: "DAILY",
      Metrics: ["UnblendedCost", "UsageQuantity"],
      GroupBy: [{ Type: "DIMENSION", Key: "USAGE_TYPE" }],
      Filter: { Dimensions: { Key: "SERVICE", Values: bedrock.length > 0 ? bedrock : ["Amazon Bedrock"] } },
    });
    const rows: UsageRow[] = [];
    for (const r of results) {
      for (const g of r.Groups ?? []) {
        const usageType = g.Keys?.[0] ?? "";
        const parsed = parseUsageType(usageType);
        if (!parsed) continue;
        rows.push({
          date: r.TimePeriod?.Start ?? "",
          usageType,
          family: parsed.family,
          kind: parsed.kind,
          amountUsd: amountOf(g.Metrics),
          quantity: amountOf(g.Metrics, "UsageQuantity"),
          estimated: r.Estimated ?? false,
        });
      }
    }
    return rows;
  }

  async monthToDate(today: string): Promise<number> {
    const filter = this.filter();
    const results = await this.costAndUsage({
      TimePeriod: { Start: `${today.slice(0, 7)}-01`, End: addDays(today, 1) },
      Granularity: "MONTHLY",
      Metrics: ["UnblendedCost"],
      ...(filter ? { Filter: filter } : {}),
    });
    return round(sum(results.map((r) => amountOf(r.Total))));
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
    const [byService, usage, monthToDate, forecast] = await Promise.all([
      this.dailyByService(window),
      this.bedrockUsage(window),
      this.monthToDate(today),
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

function mergeDays(days: DailyCost[]): DailyCost[] {
  const out = new Map<string, DailyCost>();
  for (const d of days) {
    const have = out.get(d.date);
    if (!have) out.set(d.date, d);
    else {
      for (const [k, v] of Object.entries(d.groups)) have.groups[k] = round((have.groups[k] ?? 0) + v);
      have.total = round(have.total + d.total);
    }
  }
  return [...out.values()].sort((a, b) => a.date.localeCompare(b.date));
}

export function firstOfNextMonth(day: string): string {
  const [y, m] = day.split("-").map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, "0")}-01`;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** Money rounded to 1/10,000 of a dollar (sub-cent Bedrock amounts stay visible). */
export function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
