/**
 * The own-spend ledger: every AWS call the server makes, counted per API with its estimated
 * price. Installed once, as SDK middleware on every client a factory hands out
 * (instrumentClients), so no source has to remember to count.
 *
 * Prices (https://aws.amazon.com/cloudwatch/pricing/, https://aws.amazon.com/aws-cost-management/pricing/):
 * Cost Explorer API $0.01 per request (each page); GetMetricData $0.01 per 1,000 metrics
 * requested; the other billed CloudWatch requests (ListMetrics, GetMetricStatistics, PutMetricData,
 * and the dashboard calls) $0.01 per 1,000 requests; Logs Insights $0.005 per GB scanned. The other
 * calls used here are not billed per request (DescribeAlarms and DescribeAlarmHistory, Budgets'
 * Describe calls, Service Quotas, the Bedrock control plane, STS).
 */
import type {
  DeserializeHandler,
  DeserializeHandlerArguments,
  HandlerExecutionContext,
  MetadataBearer,
} from "@smithy/types";
import type { UsageData } from "../api/contract.ts";
import type { AwsClients, ClientOptions } from "../aws/clients.ts";
import type { CacheStore } from "./store.ts";

export const COST_EXPLORER_PER_REQUEST = 0.01;
export const GET_METRIC_DATA_PER_1000_METRICS = 0.01;
export const LOGS_INSIGHTS_PER_GB = 0.005;
export const CLOUDWATCH_PER_1000_REQUESTS = 0.01;

/** CloudWatch requests billed per request (the pricing page's "API requests" line). */
const CLOUDWATCH_BILLED_REQUESTS: ReadonlySet<string> = new Set([
  "cloudwatch:GetMetricStatistics",
  "cloudwatch:ListMetrics",
  "cloudwatch:PutMetricData",
  "cloudwatch:GetDashboard",
  "cloudwatch:ListDashboards",
  "cloudwatch:PutDashboard",
  "cloudwatch:DeleteDashboards",
]);

export interface CallRecord {
  /** e.g. "cloudwatch:GetMetricData". */
  api: string;
  usd: number;
}

const SERVICE_OF: Record<string, string> = {
  CloudWatchClient: "cloudwatch",
  CloudWatchLogsClient: "logs",
  CostExplorerClient: "ce",
  BudgetsClient: "budgets",
  BedrockRuntimeClient: "bedrock",
  STSClient: "sts",
};

interface InputShape {
  MetricDataQueries?: ReadonlyArray<{ MetricStat?: unknown; Expression?: string }>;
}
interface OutputShape {
  queryId?: string;
  status?: string;
  statistics?: { bytesScanned?: number };
}

/** Estimated price of one call from its input (Logs Insights scans are priced by recordScan). */
export function priceOf(api: string, input: InputShape): number {
  if (api.startsWith("ce:")) return COST_EXPLORER_PER_REQUEST;
  if (api === "cloudwatch:GetMetricData") {
    const metrics = (input.MetricDataQueries ?? []).filter((q) => q.MetricStat).length;
    return (metrics / 1000) * GET_METRIC_DATA_PER_1000_METRICS;
  }
  if (CLOUDWATCH_BILLED_REQUESTS.has(api)) return CLOUDWATCH_PER_1000_REQUESTS / 1000;
  return 0;
}

export class SpendLedger {
  private readonly counts = new Map<
    string,
    { count: number; usd: number; todayCount: number; todayUsd: number; day: string }
  >();
  /** Last bytesScanned seen per Logs Insights query (GetQueryResults reports a running total). */
  private readonly scanned = new Map<string, number>();
  readonly since: string;
  /** Bumped on every recorded call: an unchanged ledger answers the same snapshot object. */
  private changes = 0;

  constructor(
    private readonly now: () => number,
    private readonly store?: CacheStore,
  ) {
    this.since = new Date(now()).toISOString();
  }

  private today(): string {
    return new Date(this.now()).toISOString().slice(0, 10);
  }

  record(api: string, usd: number): void {
    const day = this.today();
    const c = this.counts.get(api) ?? { count: 0, usd: 0, todayCount: 0, todayUsd: 0, day };
    if (c.day !== day) Object.assign(c, { todayCount: 0, todayUsd: 0, day });
    c.count += 1;
    c.usd += usd;
    c.todayCount += 1;
    c.todayUsd += usd;
    this.counts.set(api, c);
    this.changes += 1;
    // Best effort (the store may be closing at shutdown): the in-memory counts still hold.
    void this.store?.addSpend(day, api, 1, usd).catch(() => undefined);
  }

  /** Logs Insights bytes scanned: priced on the increase of a query's running total. */
  recordScan(queryId: string, bytesScanned: number, done: boolean): number {
    const previous = this.scanned.get(queryId) ?? 0;
    const delta = Math.max(0, bytesScanned - previous);
    if (done) this.scanned.delete(queryId);
    else this.scanned.set(queryId, bytesScanned);
    return (delta / 1e9) * LOGS_INSIGHTS_PER_GB;
  }

  /** How many calls have been recorded (a version: equal versions, equal snapshots within a day). */
  get version(): number {
    return this.changes;
  }

  /** Calls so far for one API (tests and the overview). */
  count(api: string): number {
    return this.counts.get(api)?.count ?? 0;
  }

  snapshot(): UsageData {
    const day = this.today();
    const calls = [...this.counts.entries()]
      .map(([api, c]) => ({ api, count: c.count, estimatedUsd: roundUsd(c.usd) }))
      .sort((a, b) => a.api.localeCompare(b.api));
    let today = 0;
    for (const c of this.counts.values()) if (c.day === day) today += c.todayUsd;
    return {
      since: this.since,
      calls,
      totalUsdToday: roundUsd(today),
      totalUsd: roundUsd([...this.counts.values()].reduce((s, c) => s + c.usd, 0)),
    };
  }

  /** Middleware recording each attempt (after retries are split out: one record per HTTP request). */
  middleware() {
    return <I extends object, O extends MetadataBearer>(
      next: DeserializeHandler<I, O>,
      context: HandlerExecutionContext,
    ) =>
      async (args: DeserializeHandlerArguments<I>) => {
        const service =
          SERVICE_OF[context.clientName ?? ""] ??
          (context.clientName ?? "aws").replace(/Client$/, "").toLowerCase();
        const operation = (context.commandName ?? "Unknown").replace(/Command$/, "");
        const api = `${service}:${operation}`;
        try {
          const result = await next(args);
          const output = result.output as OutputShape;
          let usd = priceOf(api, args.input as InputShape);
          if (api === "logs:GetQueryResults" && output.statistics?.bytesScanned !== undefined) {
            const queryId = (args.input as { queryId?: string }).queryId ?? "";
            usd += this.recordScan(
              queryId,
              output.statistics.bytesScanned,
              output.status !== "Running" && output.status !== "Scheduled",
            );
          }
          this.record(api, usd);
          return result;
        } catch (err) {
          this.record(api, service === "ce" ? COST_EXPLORER_PER_REQUEST : 0);
          throw err;
        }
      };
  }
}

interface Instrumentable {
  middlewareStack: {
    add(
      mw: unknown,
      options: { step: "deserialize"; priority: "high"; name: string; override?: boolean },
    ): void;
  };
}

/**
 * Wrap a client factory so every client it returns records its calls in the ledger. The one
 * place spend is counted; clients are memoised by the factory, so each is instrumented once.
 */
export function instrumentClients(clients: AwsClients, ledger: SpendLedger): AwsClients {
  const done = new WeakSet<object>();
  const mw = ledger.middleware();
  const wrap =
    <A extends unknown[], C extends object>(make: (...a: A) => C) =>
    (...a: A): C => {
      const client = make(...a);
      if (!done.has(client)) {
        (client as unknown as Instrumentable).middlewareStack.add(mw, {
          step: "deserialize",
          priority: "high",
          name: "bedrockOpsSpendLedger",
          override: true,
        });
        done.add(client);
      }
      return client;
    };
  return {
    settings: clients.settings,
    cloudwatch: wrap((o?: ClientOptions) => clients.cloudwatch(o)),
    logs: wrap((o?: ClientOptions) => clients.logs(o)),
    costExplorer: wrap((o?: ClientOptions) => clients.costExplorer(o)),
    budgets: wrap((o?: ClientOptions) => clients.budgets(o)),
    bedrock: wrap((o?: ClientOptions) => clients.bedrock(o)),
    bedrockControl: wrap((o?: ClientOptions) => clients.bedrockControl(o)),
    sts: wrap((o?: ClientOptions) => clients.sts(o)),
    serviceQuotas: wrap((o?: ClientOptions) => clients.serviceQuotas(o)),
    sns: wrap((o?: ClientOptions) => clients.sns(o)),
    lambda: wrap((o?: ClientOptions) => clients.lambda(o)),
    oam: wrap((o?: ClientOptions) => clients.oam(o)),
    destroy: () => clients.destroy(),
  };
}

function roundUsd(x: number): number {
  return Math.round(x * 100_000_000) / 100_000_000;
}
