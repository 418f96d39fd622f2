/**
 * CloudWatch Logs (awsJson1_1, `X-Amz-Target: Logs_20140328.<Operation>`): the Lambda log groups
 * of the workload, FilterLogEvents / GetLogEvents over their generated events, and Logs Insights
 * (StartQuery, GetQueryResults, StopQuery, DescribeQueries) with a real parser and evaluator.
 */
import type { JsonProvider, SandboxContext } from "../../core/types.ts";
import { LogCatalog } from "./catalog.ts";
import { eventOperations } from "./event-handlers.ts";
import { QueryManager } from "./queries.ts";
import { evaluateQuery, queryOperations } from "./query-handlers.ts";

export { groupEvents, type LogEvent, reportTimestamp } from "./events.ts";
export { type LogRecord, type QueryOutput, runQuery } from "./insights/evaluator.ts";
export { parseQuery } from "./insights/parser.ts";
export { LOGS_DEFAULTS } from "./queries.ts";

export function createLogsProvider(ctx: SandboxContext): JsonProvider {
  const catalog = new LogCatalog(ctx);
  const manager = new QueryManager(ctx.settings.logs, (q) => evaluateQuery(ctx, q), ctx.settings.logs?.clock);
  return {
    kind: "json",
    service: "logs",
    targetPrefix: "Logs_20140328",
    protocol: "1.1",
    operations: { ...eventOperations(ctx, catalog), ...queryOperations(ctx, catalog, manager) },
    reset: () => manager.reset(),
  };
}
