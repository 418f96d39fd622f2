/** DescribeLogGroups, DescribeLogStreams, FilterLogEvents and GetLogEvents. */
import { AwsError } from "../../core/errors.ts";
import type { JsonOperation, SandboxContext } from "../../core/types.ts";
import type { LogCatalog } from "./catalog.ts";
import { groupEvents, type LogEvent } from "./events.ts";
import { compileFilterPattern } from "./filter-pattern.ts";
import {
  decodeToken,
  encodeToken,
  groupNameOf,
  invalidParameter,
  optionalBoolean,
  optionalNumber,
  optionalString,
  optionalStrings,
} from "./input.ts";

const CHUNK_MS = 3_600_000;
/** FilterLogEvents and GetLogEvents return at most 1 MB of events per page, as AWS does. */
const MAX_PAGE_BYTES = 1_048_576;

type Position = { t: number; id: string };
const isPosition = (v: unknown): v is Position =>
  typeof (v as Position)?.t === "number" && typeof (v as Position)?.id === "string";
const isOffset = (v: unknown): v is { offset: number } =>
  typeof (v as { offset?: unknown })?.offset === "number";

function byTimeThenId(a: LogEvent, b: LogEvent): number {
  return a.timestamp - b.timestamp || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0);
}

function after(e: LogEvent, p: Position): boolean {
  return e.timestamp > p.t || (e.timestamp === p.t && e.eventId > p.id);
}

/** The one log group named by logGroupName or logGroupIdentifier. */
function oneGroup(input: Record<string, unknown>, catalog: LogCatalog): string {
  const name = optionalString(input, "logGroupName");
  const identifier = optionalString(input, "logGroupIdentifier");
  if ((name === undefined) === (identifier === undefined))
    throw invalidParameter("Pass exactly one of logGroupName or logGroupIdentifier.");
  return catalog.requireGroup(name ?? groupNameOf(identifier!));
}

export function eventOperations(ctx: SandboxContext, catalog: LogCatalog): Record<string, JsonOperation> {
  return {
    DescribeLogGroups(input) {
      const prefix = optionalString(input, "logGroupNamePrefix");
      const pattern = optionalString(input, "logGroupNamePattern");
      if (prefix !== undefined && pattern !== undefined)
        throw invalidParameter(
          "logGroupNamePrefix and logGroupNamePattern are mutually exclusive: pass one.",
        );
      const identifiers = optionalStrings(input, "logGroupIdentifiers")?.map(groupNameOf);
      const logGroupClass = optionalString(input, "logGroupClass");
      const limit = optionalNumber(input, "limit", 1, 50) ?? 50;
      const offset = decodeToken(optionalString(input, "nextToken"), isOffset)?.offset ?? 0;
      const names = catalog
        .groupNames()
        .filter((n) => prefix === undefined || n.startsWith(prefix))
        .filter((n) => pattern === undefined || n.toLowerCase().includes(pattern.toLowerCase()))
        .filter((n) => identifiers === undefined || identifiers.includes(n))
        .filter(() => logGroupClass === undefined || logGroupClass === "STANDARD");
      const page = names.slice(offset, offset + limit);
      const out: Record<string, unknown> = { logGroups: page.map((n) => catalog.describeGroup(n)) };
      if (offset + limit < names.length) out.nextToken = encodeToken({ offset: offset + limit });
      return out;
    },

    DescribeLogStreams(input) {
      const group = oneGroup(input, catalog);
      const prefix = optionalString(input, "logStreamNamePrefix");
      const orderBy = optionalString(input, "orderBy") ?? "LogStreamName";
      if (orderBy !== "LogStreamName" && orderBy !== "LastEventTime")
        throw invalidParameter(`orderBy must be LogStreamName or LastEventTime, got ${orderBy}.`);
      if (prefix !== undefined && orderBy === "LastEventTime")
        throw invalidParameter("Cannot order by LastEventTime with a logStreamNamePrefix.");
      const descending = optionalBoolean(input, "descending") ?? false;
      const limit = optionalNumber(input, "limit", 1, 50) ?? 50;
      const offset = decodeToken(optionalString(input, "nextToken"), isOffset)?.offset ?? 0;
      const streams = catalog
        .streams(group)
        .filter((s) => prefix === undefined || s.logStreamName.startsWith(prefix));
      streams.sort((a, b) =>
        orderBy === "LastEventTime"
          ? a.lastEventTimestamp - b.lastEventTimestamp
          : a.logStreamName < b.logStreamName
            ? -1
            : a.logStreamName > b.logStreamName
              ? 1
              : 0,
      );
      if (descending) streams.reverse();
      const out: Record<string, unknown> = { logStreams: streams.slice(offset, offset + limit) };
      if (offset + limit < streams.length) out.nextToken = encodeToken({ offset: offset + limit });
      return out;
    },

    FilterLogEvents(input) {
      const group = oneGroup(input, catalog);
      const streamNames = optionalStrings(input, "logStreamNames");
      const streamPrefix = optionalString(input, "logStreamNamePrefix");
      if (streamNames !== undefined && streamPrefix !== undefined)
        throw invalidParameter("logStreamNames and logStreamNamePrefix are mutually exclusive: pass one.");
      const w = ctx.workload;
      const from = Math.max(
        optionalNumber(input, "startTime", 0, Number.MAX_SAFE_INTEGER) ?? 0,
        w.historyStart(),
      );
      const to = Math.min(
        optionalNumber(input, "endTime", 0, Number.MAX_SAFE_INTEGER) ?? Number.MAX_SAFE_INTEGER,
        w.now(),
      );
      const limit = optionalNumber(input, "limit", 1, 10_000) ?? 10_000;
      const matches = compileFilterPattern(optionalString(input, "filterPattern"));
      const position = decodeToken(optionalString(input, "nextToken"), isPosition);
      const streamOk = (s: string) =>
        (streamNames === undefined || streamNames.includes(s)) &&
        (streamPrefix === undefined || s.startsWith(streamPrefix));
      const events: Array<Record<string, unknown>> = [];
      const searched = new Set<string>();
      let bytes = 0;
      let last: LogEvent | undefined;
      let full = false;
      for (let lo = position ? Math.max(from, position.t) : from; lo <= to && !full; lo += CHUNK_MS) {
        const chunk = groupEvents(w, group, lo, Math.min(lo + CHUNK_MS, to + 1)).sort(byTimeThenId);
        for (const e of chunk) {
          if (position && !after(e, position)) continue;
          if (!streamOk(e.logStreamName)) continue;
          searched.add(e.logStreamName);
          if (!matches(e.message)) continue;
          const size = Buffer.byteLength(e.message) + 26;
          if (events.length >= limit || bytes + size > MAX_PAGE_BYTES) {
            full = true;
            break;
          }
          bytes += size;
          events.push({
            logStreamName: e.logStreamName,
            timestamp: e.timestamp,
            message: e.message,
            ingestionTime: e.ingestionTime,
            eventId: e.eventId,
          });
          last = e;
        }
      }
      const out: Record<string, unknown> = {
        events,
        searchedLogStreams: [...searched]
          .sort()
          .map((logStreamName) => ({ logStreamName, searchedCompletely: !full })),
      };
      if (full && last) out.nextToken = encodeToken({ t: last.timestamp, id: last.eventId });
      return out;
    },

    GetLogEvents(input) {
      const group = oneGroup(input, catalog);
      const stream = optionalString(input, "logStreamName");
      if (!stream)
        throw invalidParameter("logStreamName is required: pass a name DescribeLogStreams returned.");
      const span = catalog.streamSpan(group, stream);
      if (!span)
        throw new AwsError("ResourceNotFoundException", "The specified log stream does not exist.", 400);
      const from = Math.max(span.from, optionalNumber(input, "startTime", 0, Number.MAX_SAFE_INTEGER) ?? 0);
      const to = Math.min(
        span.to,
        optionalNumber(input, "endTime", 0, Number.MAX_SAFE_INTEGER) ?? Number.MAX_SAFE_INTEGER,
      );
      const limit = optionalNumber(input, "limit", 1, 10_000) ?? 10_000;
      const token = optionalString(input, "nextToken");
      const all = groupEvents(ctx.workload, group, from, to)
        .filter((e) => e.logStreamName === stream)
        .sort(byTimeThenId);
      let page: LogEvent[];
      const m = token === undefined ? null : /^([fb])\/(\d{56})$/.exec(token);
      if (token !== undefined && !m)
        throw invalidParameter(
          `The nextToken "${token.slice(0, 60)}" is invalid: pass nextForwardToken or nextBackwardToken unchanged.`,
        );
      if (m?.[1] === "f") page = all.filter((e) => e.eventId > m[2]!).slice(0, limit);
      else if (m?.[1] === "b") page = all.filter((e) => e.eventId < m[2]!).slice(-limit);
      else
        page = (optionalBoolean(input, "startFromHead") ?? false) ? all.slice(0, limit) : all.slice(-limit);
      const first = page[0]?.eventId ?? m?.[2] ?? "0".repeat(56);
      const lastId = page[page.length - 1]?.eventId ?? m?.[2] ?? "0".repeat(56);
      return {
        events: page.map((e) => ({
          timestamp: e.timestamp,
          message: e.message,
          ingestionTime: e.ingestionTime,
        })),
        nextForwardToken: `f/${lastId}`,
        nextBackwardToken: `b/${first}`,
      };
    },
  };
}
