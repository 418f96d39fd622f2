/** StartQuery, GetQueryResults, StopQuery and DescribeQueries (Logs Insights). */
import { AwsError } from "../../core/errors.ts";
import type { JsonOperation, SandboxContext } from "../../core/types.ts";
import type { LogCatalog } from "./catalog.ts";
import { deliveredAt, groupEvents, type LogEvent } from "./events.ts";
import {
  decodeToken,
  encodeToken,
  groupNameOf,
  groupNotFound,
  invalidParameter,
  optionalNumber,
  optionalString,
  optionalStrings,
} from "./input.ts";
import { QueryCompileError } from "./insights/errors.ts";
import { type LogRecord, runQuery } from "./insights/evaluator.ts";
import { parseQuery } from "./insights/parser.ts";
import type { LogSource, QueryManager, QueryRecord } from "./queries.ts";

const CHUNK_MS = 3_600_000;
const MAX_QUERY_LENGTH = 10_000;

/** The opaque @ptr of an event (GetLogRecord's pointer): base64url of where the event lives. */
export function pointerOf(event: LogEvent): string {
  return Buffer.from(`${event.logGroupName}\n${event.logStreamName}\n${event.eventId}`).toString("base64url");
}

/** A log event as Logs Insights reads it; its pointer is built only when a result shows it. */
class EventRecord implements LogRecord {
  readonly timestamp: number;
  readonly message: string;
  readonly logStream: string;
  readonly log: string;
  readonly fields: Readonly<Record<string, string | number>>;

  constructor(
    private readonly event: LogEvent,
    accountId: string,
  ) {
    this.timestamp = event.timestamp;
    this.message = event.message;
    this.logStream = event.logStreamName;
    this.log = `${accountId}:${event.logGroupName}`;
    this.fields = event.fields;
  }

  get ingestionTime(): number {
    return this.event.ingestionTime;
  }

  get ptr(): string {
    return pointerOf(this.event);
  }
}

export function toRecord(event: LogEvent, accountId: string): LogRecord {
  return new EventRecord(event, accountId);
}

/** The workload behind an account's log groups: this account's, or a linked source account's. */
function workloadOf(ctx: SandboxContext, accountId: string) {
  return accountId === ctx.accountId
    ? ctx.workload
    : ctx.linkedAccounts.find((a) => a.id === accountId)?.workload;
}

/** Events of several groups (of one or several accounts) in [from, to], most recent first. */
function* newestFirst(
  ctx: SandboxContext,
  sources: readonly LogSource[],
  from: number,
  to: number,
): Generator<LogRecord> {
  const now = ctx.workload.now();
  const hi = Math.min(to + 1, now + 1);
  // Under late delivery, events written since the longest delay may not be ingested yet.
  const late = ctx.settings.logs?.lateDelivery;
  const unsure = late ? now - Math.max(late.delayMs, 1_000) : Number.POSITIVE_INFINITY;
  for (let end = hi; end > from; end -= CHUNK_MS) {
    const lo = Math.max(from, end - CHUNK_MS);
    const chunk = sources.flatMap((s) => {
      const workload = workloadOf(ctx, s.accountId);
      return workload
        ? groupEvents(workload, s.name, lo, end).map((event) => ({ event, accountId: s.accountId }))
        : [];
    });
    chunk.sort((a, b) => b.event.timestamp - a.event.timestamp);
    for (const { event, accountId } of chunk)
      if (!late || event.timestamp < unsure || deliveredAt(event, late) <= now)
        yield toRecord(event, accountId);
  }
}

export function evaluateQuery(ctx: SandboxContext, q: QueryRecord) {
  const options: { limit?: number } = {};
  if (q.limit !== undefined) options.limit = q.limit;
  return runQuery(q.query, newestFirst(ctx, q.sources, q.from, q.to), options);
}

const LOG_GROUP_ARN = /^arn:aws[a-z-]*:logs:([a-z0-9-]*):(\d{12}):log-group:([^:*]+)(:\*)?$/;

/**
 * A logGroupIdentifiers member: a log group name (this account) or a log group ARN, which a
 * monitoring account must use for a linked source account's group. An ARN of an account that is
 * neither this one nor linked to it names no group this caller can see.
 */
function sourceOfIdentifier(ctx: SandboxContext, catalog: LogCatalog, region: string, id: string): LogSource {
  if (!id.startsWith("arn:")) return { accountId: ctx.accountId, name: catalog.requireGroup(id) };
  const m = LOG_GROUP_ARN.exec(id);
  if (!m)
    throw invalidParameter(
      `${id} is not a log group ARN: use arn:aws:logs:<region>:<account-id>:log-group:<name>, without * at the end.`,
    );
  const [, arnRegion, accountId, name] = m as unknown as [string, string, string, string];
  if (arnRegion !== region)
    throw invalidParameter(`Log group ${id} is in Region ${arnRegion}; this query runs in ${region}.`);
  const workload = workloadOf(ctx, accountId);
  if (!workload || !catalog.groupNamesOf(workload).includes(name)) throw groupNotFound();
  return { accountId, name };
}

function malformed(error: QueryCompileError): AwsError {
  return new AwsError("MalformedQueryException", error.message, 400, undefined, {
    queryCompileError: {
      location: { startCharOffset: error.start, endCharOffset: error.end },
      message: error.message,
    },
  });
}

export function queryOperations(
  ctx: SandboxContext,
  catalog: LogCatalog,
  manager: QueryManager,
): Record<string, JsonOperation> {
  return {
    StartQuery(input, req) {
      const queryString = optionalString(input, "queryString");
      if (!queryString)
        throw invalidParameter(
          "queryString is required: pass a Logs Insights query such as 'fields @timestamp, @message'.",
        );
      if (queryString.length > MAX_QUERY_LENGTH)
        throw invalidParameter(
          `queryString is ${queryString.length} characters; the maximum is ${MAX_QUERY_LENGTH}.`,
        );
      const startTime = optionalNumber(input, "startTime", 0, Number.MAX_SAFE_INTEGER);
      const endTime = optionalNumber(input, "endTime", 0, Number.MAX_SAFE_INTEGER);
      if (startTime === undefined || endTime === undefined)
        throw invalidParameter("startTime and endTime are required, in seconds since the epoch.");
      if (endTime < startTime)
        throw invalidParameter(
          `endTime (${endTime}) is before startTime (${startTime}): pass an endTime at or after startTime.`,
        );
      const language = optionalString(input, "queryLanguage");
      if (language !== undefined && language !== "CWLI") {
        throw invalidParameter(
          `queryLanguage ${language} is not supported by this sandbox: use CWLI (the Logs Insights query language) or leave it out.`,
        );
      }
      const limit = optionalNumber(input, "limit", 1, 10_000);
      const single = optionalString(input, "logGroupName");
      const names = optionalStrings(input, "logGroupNames");
      const identifiers = optionalStrings(input, "logGroupIdentifiers");
      const given = [single, names, identifiers].filter((v) => v !== undefined).length;
      if (given !== 1)
        throw invalidParameter("Pass exactly one of logGroupName, logGroupNames or logGroupIdentifiers.");
      const count = single !== undefined ? 1 : (names ?? identifiers ?? []).length;
      if (count === 0 || count > 50)
        throw invalidParameter(`Query between 1 and 50 log groups; got ${count}.`);
      const sources: LogSource[] = identifiers
        ? identifiers.map((id) => sourceOfIdentifier(ctx, catalog, req.region, id))
        : (single !== undefined ? [single] : (names ?? []).map(groupNameOf)).map((g) => ({
            accountId: ctx.accountId,
            name: catalog.requireGroup(g),
          }));
      const logGroupNames = sources.map((s) => s.name);
      let query: ReturnType<typeof parseQuery>;
      try {
        query = parseQuery(queryString);
      } catch (err) {
        if (err instanceof QueryCompileError) throw malformed(err);
        throw err;
      }
      const spec: Parameters<QueryManager["start"]>[0] = {
        queryString,
        query,
        logGroupNames,
        sources,
        from: startTime * 1000,
        to: endTime * 1000,
        createTime: ctx.now(),
      };
      if (limit !== undefined) spec.limit = limit;
      return { queryId: manager.start(spec).queryId };
    },

    GetQueryResults(input, req) {
      const queryId = optionalString(input, "queryId");
      if (!queryId) throw invalidParameter("queryId is required: pass the queryId StartQuery returned.");
      const q = manager.get(queryId);
      if (!q) throw new AwsError("ResourceNotFoundException", `Query ${queryId} does not exist.`, 400);
      const output = q.output;
      const complete = q.status === "Complete" && output !== undefined;
      const share = complete ? 1 : q.status === "Running" ? manager.progress(q) : 0;
      const statistics = {
        recordsMatched: Math.floor((output?.recordsMatched ?? 0) * share),
        recordsScanned: Math.floor((output?.recordsScanned ?? 0) * share),
        bytesScanned: Math.floor((output?.bytesScanned ?? 0) * share),
      };
      if (complete && !q.billed) {
        q.billed = true;
        req.notes.bytesScanned = output.bytesScanned;
      }
      return { results: complete ? output.results : [], statistics, status: q.status };
    },

    StopQuery(input) {
      const queryId = optionalString(input, "queryId");
      if (!queryId) throw invalidParameter("queryId is required: pass the queryId StartQuery returned.");
      const stopped = manager.stop(queryId);
      if (stopped === undefined)
        throw new AwsError("ResourceNotFoundException", `Query ${queryId} does not exist.`, 400);
      return { success: stopped };
    },

    DescribeQueries(input) {
      const group = optionalString(input, "logGroupName");
      const status = optionalString(input, "status");
      const maxResults = optionalNumber(input, "maxResults", 1, 1000) ?? 1000;
      const after = decodeToken(
        optionalString(input, "nextToken"),
        (v): v is { offset: number } => typeof (v as { offset?: unknown })?.offset === "number",
      );
      const offset = after?.offset ?? 0;
      const all = manager
        .list()
        .filter((q) => (!group || q.logGroupNames.includes(group)) && (!status || q.status === status));
      const page = all.slice(offset, offset + maxResults);
      const queries = page.map((q) => {
        const info: Record<string, unknown> = {
          queryId: q.queryId,
          queryString: q.queryString,
          status: q.status,
          createTime: q.createTime,
          logGroupName: q.logGroupNames[0],
        };
        if (q.status === "Complete" && q.output) info.bytesScanned = q.output.bytesScanned;
        return info;
      });
      const out: Record<string, unknown> = { queries };
      if (offset + maxResults < all.length) out.nextToken = encodeToken({ offset: offset + maxResults });
      return out;
    },
  };
}
