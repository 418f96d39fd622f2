/**
 * The Logs Insights queries of the logs panel, per log format. Text-format functions write
 * START/END/REPORT lines, whose fields Logs Insights discovers (@type, @duration, @initDuration,
 * @maxMemoryUsed and @memorySize in bytes); JSON-format functions write platform events whose
 * JSON keys it discovers (`type`, `record.metrics.durationMs`, memory in MB). Timeouts and
 * out-of-memory come from REPORT `Status` (`Status: timeout`, `Error Type: Runtime.OutOfMemory`)
 * and JSON `record.status` / `record.errorType`; failed inits from INIT_REPORT / platform.initReport.
 */
import type { LogFormat } from "../api/contract.ts";

const TEXT_ERROR_WORDS = "error|exception|task timed out|Status: timeout";
/** What the errors query (and the bins query's error count) takes for an error, per format. */
const TEXT_ERROR_FILTER = `@message like /(?i)(${TEXT_ERROR_WORDS})/`;
const JSON_ERROR_FILTER =
  'level = "ERROR" or level = "FATAL" or record.status in ["error", "timeout", "failure"]';

/** Seed 000, part 7: avg/min/max of @duration for REPORT lines by bin(5m) (shown as written for Text). */
export const DURATION_QUERY = `fields @timestamp, @duration
| filter @type = "REPORT"
| stats avg(@duration) as avg_duration, min(@duration) as min_duration, max(@duration) as max_duration, count(*) as invocations by bin(5m)`;

/** The seed's query for a JSON-format function: the same figures from platform.report events. */
export const JSON_DURATION_QUERY = `fields @timestamp, record.metrics.durationMs
| filter type = "platform.report"
| stats avg(record.metrics.durationMs) as avg_duration, min(record.metrics.durationMs) as min_duration, max(record.metrics.durationMs) as max_duration, count(*) as invocations by bin(5m)`;

export function durationQuery(format: LogFormat): string {
  return format === "JSON" ? JSON_DURATION_QUERY : DURATION_QUERY;
}

interface FormatFields {
  filter: string;
  kind: string;
  duration: string;
  init: string;
  billed: string;
  memorySize: string;
  memoryUsed: string;
  timeout: string;
  outOfMemory: string;
  initFailed: string;
  /** The errors query's filter. */
  errorFilter: string;
  /** Commands giving `errorMark` a value on exactly the events errorFilter matches. */
  errorMark: string;
}

const TEXT: FormatFields = {
  filter: '@type = "REPORT" or @message like /^INIT_REPORT/',
  kind: "@type",
  duration: "@duration",
  init: "@initDuration",
  billed: "@billedDuration",
  memorySize: "@memorySize",
  memoryUsed: "@maxMemoryUsed",
  timeout: 'strcontains(@message, "Status: timeout")',
  outOfMemory: 'strcontains(@message, "Runtime.OutOfMemory")',
  // INIT_REPORT lines only: Logs Insights may leave their @type empty, as it is on app lines.
  initFailed:
    'strcontains(@message, "INIT_REPORT") * (strcontains(@message, "Status: error") + strcontains(@message, "Status: timeout"))',
  errorFilter: TEXT_ERROR_FILTER,
  // A field present on exactly the events the errors query's filter matches.
  errorMark: `parse @message /(?i)(?<errorMark>${TEXT_ERROR_WORDS})/`,
};

const JSON_FIELDS: FormatFields = {
  filter: 'type = "platform.report" or type = "platform.initReport"',
  kind: "type",
  duration: "record.metrics.durationMs",
  init: "record.metrics.initDurationMs",
  billed: "record.metrics.billedDurationMs",
  memorySize: "record.metrics.memorySizeMB",
  memoryUsed: "record.metrics.maxMemoryUsedMB",
  timeout: 'strcontains(record.status, "timeout")',
  outOfMemory: 'strcontains(record.errorType, "Runtime.OutOfMemory")',
  initFailed: 'strcontains(record.status, "error") + strcontains(record.status, "timeout")',
  errorFilter: JSON_ERROR_FILTER,
  errorMark: `parse level /^(?<errorLevel>ERROR|FATAL)$/
| parse record.status /^(?<errorStatus>error|timeout|failure)$/
| fields coalesce(errorLevel, errorStatus) as errorMark`,
};

/**
 * One query per refresh for every REPORT figure, composable per 5-minute bin and per log group:
 * counts, sums, minima and maxima (never averages or percentiles, which do not add up). Rows come
 * per (bin, log group, event type): REPORT / platform.report rows carry the invocation figures,
 * INIT_REPORT / platform.initReport rows the failed inits. The same scan also counts, per row, the
 * events the errors query would return (`errors`): its filter joins the bins filter (bytes scanned
 * are the time range's, whatever the filter), and app lines it lets in group under an empty
 * @type / `type`, whose rows carry only that count.
 */
export function binsQuery(format: LogFormat): string {
  const f = format === "JSON" ? JSON_FIELDS : TEXT;
  return `filter ${f.filter} or ${f.errorFilter}
| ${f.errorMark}
| stats count(${f.billed}) as invocations, sum(${f.duration}) as sumDuration, min(${f.duration}) as minDuration, max(${f.duration}) as maxDuration, count(${f.init}) as coldStarts, sum(${f.init}) as sumInit, max(${f.init}) as maxInit, sum(${f.billed}) as sumBilled, max(${f.memorySize}) as memorySize, sum(${f.memoryUsed}) as sumMemoryUsed, max(${f.memoryUsed}) as maxMemoryUsed, sum(${f.timeout}) as timeouts, sum(${f.outOfMemory}) as outOfMemory, sum(${f.initFailed}) as initFailures, count(errorMark) as errors, count(*) as events by bin(5m), @log, ${f.kind}`;
}

/**
 * The bins query limited to events in [from, to) (epoch ms; `to` open-ended when absent), so
 * that queries meeting at a watermark never count an event twice: StartQuery's times are whole
 * seconds and its end is inclusive. `toMillis(@timestamp)` is Logs Insights' datetime function
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-operations-functions.html).
 */
export function boundedBinsQuery(format: LogFormat, from: number, to?: number): string {
  const bounds = [
    `toMillis(@timestamp) >= ${from}`,
    ...(to === undefined ? [] : [`toMillis(@timestamp) < ${to}`]),
  ];
  return `filter ${bounds.join(" and ")}\n| ${binsQuery(format)}`;
}

/** Memory fields are bytes (MB x 1,000,000) in Text REPORT lines, MB in JSON platform.report. */
export function memoryDivisor(format: LogFormat): number {
  return format === "JSON" ? 1 : 1_000_000;
}

/** Whether a row's event-type key is the invocation report. */
export function isReportKind(kind: string | undefined): boolean {
  return kind === "REPORT" || kind === "platform.report";
}

/**
 * Whether a row (not a report) may hold failed inits: JSON platform.initReport; in Text any other
 * row, INIT_REPORT lines having an empty or "INIT_REPORT" @type (the query counts those lines only).
 * Other rows are app lines let in by the errors filter, which carry only their error count.
 */
export function isInitKind(format: LogFormat, kind: string | undefined): boolean {
  return format === "JSON" ? kind === "platform.initReport" : !isReportKind(kind);
}

/** The 20 most recent errors: app errors, unhandled exceptions, timeouts, out-of-memory, failed inits. */
export const ERROR_QUERY = `fields @timestamp, @requestId, @message, @logStream, @log
| filter ${TEXT_ERROR_FILTER}
| sort @timestamp desc
| limit 20`;

export const JSON_ERROR_QUERY = `fields @timestamp, requestId, record.requestId, level, message, errorType, type, record.status, record.errorType, @logStream, @log
| filter ${JSON_ERROR_FILTER}
| sort @timestamp desc
| limit 20`;

export function errorQuery(format: LogFormat): string {
  return format === "JSON" ? JSON_ERROR_QUERY : ERROR_QUERY;
}

/** The errors query limited to events in [from, to) (epoch ms), as boundedBinsQuery. */
export function boundedErrorQuery(format: LogFormat, from: number, to: number): string {
  return `filter toMillis(@timestamp) >= ${from} and toMillis(@timestamp) < ${to}\n| ${errorQuery(format)}`;
}
