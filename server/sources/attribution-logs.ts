/**
 * Tokens per request-metadata value (or per IAM principal) and model from Bedrock model invocation
 * logs in CloudWatch Logs, one UTC day per Logs Insights query. Each record (schemaType
 * ModelInvocationLog) carries `modelId` as the caller passed it, `identity.arn`, `requestMetadata`
 * (Converse/ConverseStream) and `input.inputTokenCount`, `output.outputTokenCount`,
 * `input.cacheReadInputTokenCount`, `input.cacheWriteInputTokenCount`.
 *
 * Two queries per day: the day's totals by model, and the same sums by the chosen field and model.
 * Calls without the field are the day's totals minus the named groups — whatever Logs Insights
 * does with records that lack a grouping field, the remainder is counted once and never hidden.
 * The caller keeps closed days (ended longer ago than the settling delay) and re-reads only today.
 */
import type { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import type { InsightsOptions, InsightsResult, QueryQueue } from "./logs-insights.ts";
import { runInsightsQuery } from "./logs-insights.ts";

/** What a day's records are grouped by: a requestMetadata key, the caller's IAM principal, or nothing. */
export type LogGrouping = { kind: "metadata"; key: string } | { kind: "principal" } | { kind: "total" };

export interface LogTokenRow {
  /** The metadata value or principal ARN; "" in a total row. */
  group: string;
  modelId: string;
  calls: number;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/** The Logs Insights field a grouping reads. Metadata keys are plain names (config validates them). */
export function groupField(grouping: LogGrouping): string | null {
  if (grouping.kind === "metadata") return `requestMetadata.${grouping.key}`;
  if (grouping.kind === "principal") return "identity.arn";
  return null;
}

const SUMS = [
  "count(*) as calls",
  "sum(input.inputTokenCount) as inputTokens",
  "sum(output.outputTokenCount) as outputTokens",
  "sum(input.cacheReadInputTokenCount) as cacheReadTokens",
  "sum(input.cacheWriteInputTokenCount) as cacheWriteTokens",
].join(", ");

export function attributionQuery(grouping: LogGrouping): string {
  const field = groupField(grouping);
  const lines = ['filter schemaType = "ModelInvocationLog"'];
  if (field) lines.push(`filter ispresent(${field})`);
  lines.push(`stats ${SUMS} by ${field ? `${field}, ` : ""}modelId`);
  return lines.join("\n| ");
}

/** Logs Insights prints numbers as text ("15.0", "1.28E8"); a missing sum is 0. */
const num = (v: string | undefined): number => {
  const n = Number(v ?? 0);
  return Number.isFinite(n) ? n : 0;
};

export function parseAttributionRows(result: InsightsResult, grouping: LogGrouping): LogTokenRow[] {
  const field = groupField(grouping);
  return result.rows
    .filter((r) => r.modelId !== undefined)
    .map((r) => ({
      group: field ? (r[field] ?? "") : "",
      modelId: r.modelId ?? "",
      calls: num(r.calls),
      input: num(r.inputTokens),
      output: num(r.outputTokens),
      cacheRead: num(r.cacheReadTokens),
      cacheWrite: num(r.cacheWriteTokens),
    }));
}

export interface DayQuery {
  client: CloudWatchLogsClient;
  queue: QueryQueue;
  logGroup: string;
  /** YYYY-MM-DD (UTC). */
  day: string;
  /** End of the read: the end of the day, or now for today. */
  end: Date;
  grouping: LogGrouping;
  options?: InsightsOptions;
}

/** One day of the invocation log group, summed by the grouping and model. */
export async function readAttributionDay(
  q: DayQuery,
): Promise<{ rows: LogTokenRow[]; bytesScanned: number }> {
  const result = await q.queue.run(() =>
    runInsightsQuery(
      q.client,
      {
        logGroups: [q.logGroup],
        queryString: attributionQuery(q.grouping),
        start: new Date(`${q.day}T00:00:00Z`),
        end: q.end,
        limit: 10_000,
      },
      q.options ?? {},
    ),
  );
  return {
    rows: parseAttributionRows(result, q.grouping),
    bytesScanned: result.statistics.bytesScanned ?? 0,
  };
}
