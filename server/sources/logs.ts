/**
 * The logs panel: for each configured function, in its own log format (Text or JSON, read per
 * function), the seed's duration chart by 5 minutes, cold starts and init time, memory headroom,
 * timeouts, out-of-memory and failed inits, billed duration with its INIT part, and the most
 * recent errors with request IDs, all from composable per-bin figures read incrementally
 * (logs-incremental.ts); percentiles over the range from AWS/Lambda Duration (no log scan).
 * Queries go through one shared queue so the product stays under the concurrency limit.
 */
import type { LogFormat, LogsData, LogsFunction } from "../api/contract.ts";
import type { AwsClients } from "../aws/clients.ts";
import { LogBinStore } from "../cache/log-bins.ts";
import { type Config, type FunctionConfig, lambdaRegion, logGroupOf } from "../config.ts";
import { accountsOfLogs, type LogUnit, logUnits } from "./accounts-logs.ts";
import { SourceError } from "./errors.ts";
import { type FunctionFormat, LambdaFormats } from "./lambda-formats.ts";
import {
  combinePercentiles,
  lambdaPercentiles,
  PercentilesMemo,
  type RangePercentiles,
} from "./lambda-percentiles.ts";
import {
  addBins,
  type BinStats,
  billingOf,
  coldStartsOf,
  durationBins,
  emptyBin,
  memoryOf,
  outcomesOf,
  sumBins,
} from "./logs-bins.ts";
import { IncrementalLogs, MAX_ERRORS } from "./logs-incremental.ts";
import { type InsightsOptions, QueryQueue } from "./logs-insights.ts";
import { batches } from "./logs-merge.ts";
import { durationQuery } from "./logs-queries.ts";
import type { TimeRange } from "./range.ts";

export {
  COLD_START_QUERY,
  DURATION_QUERY,
  ERROR_QUERY,
  MEMORY_QUERY,
  PERCENTILE_QUERY,
  parseColdStarts,
  parseDurations,
  parseErrors,
  parseMemory,
  parsePercentiles,
  toIso,
} from "./logs-parse.ts";

export interface LogsFilter {
  functions?: readonly string[];
}

/**
 * Logs Insights queries run at once: the queries of one logs refresh, far under the account's
 * limit of 30 concurrent queries (dashboards included).
 */
export const LOGS_QUERY_CONCURRENCY = 5;

export interface LogsSourceOptions {
  insights?: InsightsOptions;
  /** Where closed bins are kept (persisted when given a store); a fresh in-memory one otherwise. */
  bins?: LogBinStore;
  now?: () => number;
}

const round = (x: number) => Math.round(x * 100) / 100;

interface Resolved extends LogUnit {
  format: FunctionFormat;
}

export class LogsSource {
  private readonly incremental: IncrementalLogs;
  private readonly formats: LambdaFormats;
  private readonly now: () => number;
  /** AWS/Lambda Duration percentiles over the range, bought as the range moves (not every refresh). */
  private readonly percentiles: PercentilesMemo;

  constructor(
    private readonly clients: AwsClients,
    private readonly config: Config,
    queue = new QueryQueue(LOGS_QUERY_CONCURRENCY),
    options: LogsSourceOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.percentiles = new PercentilesMemo(lambdaPercentiles, config.cache.ttlSeconds.logs * 1000);
    const region = lambdaRegion(config);
    this.incremental = new IncrementalLogs(options.bins ?? new LogBinStore(), queue, options.insights);
    this.formats = new LambdaFormats(
      () => clients.lambda({ region }),
      () => clients.logs({ region }),
      this.now,
    );
  }

  logGroups(filter: LogsFilter = {}): string[] {
    return this.selected(filter).map(logGroupOf);
  }

  private selected(filter: LogsFilter): FunctionConfig[] {
    return this.config.lambda.functions.filter(
      (f) => !filter.functions?.length || filter.functions.includes(f.name),
    );
  }

  /**
   * `config`: the request's resolved accounts (aws.accounts "linked" discovered at the edge);
   * the source's own config otherwise.
   */
  async fetch(range: TimeRange, filter: LogsFilter = {}, config: Config = this.config): Promise<LogsData> {
    const region = lambdaRegion(this.config);
    const client = this.clients.logs({ region });
    const now = this.now();
    const settleMs = this.config.cache.logsSettleSeconds * 1000;
    // A function's format is read in this account (lambda:GetFunctionConfiguration); a linked
    // account's copy of it shares it unless the config says otherwise.
    const selected = this.selected(filter);
    const formats = new Map(
      await Promise.all(
        selected.map(
          async (fn) => [fn, await this.formats.formatOf(fn.name, logGroupOf(fn), fn.logFormat)] as const,
        ),
      ),
    );
    const resolved: Resolved[] = logUnits(config, selected, region).map((unit) => ({
      ...unit,
      format: formats.get(unit.fn)!,
    }));
    const notes: string[] = [];
    const percentiles = this.percentiles
      .get(
        (r) => this.clients.cloudwatch({ region: r }),
        region,
        resolved.filter((r) => !r.accountId).map((r) => r.fn.name),
        range,
        now,
      )
      .catch((err: unknown) => {
        notes.push(
          `Percentiles unavailable: AWS/Lambda Duration could not be read (${(err as Error).message}).`,
        );
        return new Map<string, RangePercentiles>();
      });
    const byFormat = new Map<LogFormat, Resolved[]>();
    for (const r of resolved)
      byFormat.set(r.format.logFormat, [...(byFormat.get(r.format.logFormat) ?? []), r]);
    const read = (format: LogFormat, groups: string[]) =>
      this.incremental.batch({
        client,
        region,
        format,
        groups,
        start: range.start,
        end: range.end,
        now,
        settleMs,
      });
    const outputs = (
      await Promise.all(
        [...byFormat].flatMap(([format, list]) =>
          batches(list.map((r) => r.group)).map((groups) =>
            read(format, groups).then(
              (out) => [out],
              (err: unknown) => perAccountAfterMissing(err, groups, (g) => read(format, g), notes),
            ),
          ),
        ),
      )
    ).flat();
    const perGroup = new Map<string, Map<number, BinStats>>();
    for (const out of outputs) for (const [group, bins] of out.bins) perGroup.set(group, bins);
    const pct = await percentiles;
    const combined = new Map<number, BinStats>();
    const functions: LogsFunction[] = resolved.map((r) => {
      const bins = perGroup.get(r.group) ?? new Map<number, BinStats>();
      for (const [t, b] of bins) combined.set(t, addBins(combined.get(t) ?? emptyBin(), b));
      const total = sumBins(bins.values());
      return {
        name: r.fn.name,
        ...(r.accountId ? { accountId: r.accountId } : {}),
        logGroup: r.name,
        logFormat: r.format.logFormat,
        formatSource: r.format.source,
        durationQuery: durationQuery(r.format.logFormat),
        invocations: total.invocations,
        avgDurationMs: total.invocations > 0 ? round(total.sumDuration / total.invocations) : null,
        // AWS/Lambda Duration percentiles are read in this account only.
        percentiles: r.accountId ? null : (pct.get(r.fn.name) ?? null),
        coldStarts: coldStartsOf(total),
        memory: memoryOf(total),
        outcomes: outcomesOf(total),
        billing: billingOf(total),
      };
    });
    const total = sumBins(combined.values());
    const recentErrors = outputs
      .flatMap((o) => o.errors)
      .sort((a, b) => b.timestamp.localeCompare(a.timestamp))
      .slice(0, MAX_ERRORS);
    const accounts = accountsOfLogs(config, functions, recentErrors);
    return {
      range: {
        start: range.start.toISOString(),
        end: range.end.toISOString(),
        preset: range.preset,
        periodSeconds: range.periodSeconds,
      },
      durations: durationBins(combined),
      percentiles: combinePercentiles(functions.map((f) => f.percentiles)),
      coldStarts: coldStartsOf(total),
      memory: memoryOf(total),
      recentErrors,
      bytesScanned: outputs.reduce((n, o) => n + o.bytesScanned, 0),
      outcomes: outcomesOf(total),
      functions,
      scan: {
        binsReused: outputs.reduce((n, o) => n + o.binsReused, 0),
        binsQueried: outputs.reduce((n, o) => n + o.binsQueried, 0),
        queries: outputs.reduce((n, o) => n + o.queries, 0),
        settleSeconds: this.config.cache.logsSettleSeconds,
      },
      notes,
      ...(accounts ? { accounts } : {}),
    };
  }
}

/**
 * A query naming a log group that is not there fails whole (ResourceNotFoundException): with
 * groups of several accounts (an account listed in aws.accounts but not linked, or without the
 * function), each account's groups are read on their own and the missing ones are named.
 */
async function perAccountAfterMissing<T>(
  err: unknown,
  groups: readonly string[],
  read: (groups: string[]) => Promise<T>,
  notes: string[],
): Promise<T[]> {
  const byAccount = new Map<string, string[]>();
  for (const g of groups) {
    const account = /^arn:[^:]+:logs:[^:]*:(\d{12}):/.exec(g)?.[1] ?? "";
    byAccount.set(account, [...(byAccount.get(account) ?? []), g]);
  }
  if (!(err instanceof SourceError) || err.code !== "ResourceNotFoundException" || byAccount.size < 2)
    throw err;
  const out: T[] = [];
  for (const [account, list] of byAccount) {
    try {
      out.push(await read(list));
    } catch (inner) {
      if (!(inner instanceof SourceError) || inner.code !== "ResourceNotFoundException") throw inner;
      notes.push(
        `Logs of ${account ? `account ${account}` : "this account"} not read: a log group does not exist or is not shared with this monitoring account (${list.join(", ")}).`,
      );
    }
  }
  return out;
}
