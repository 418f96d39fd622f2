/**
 * Deep links to the same view in the AWS console: CloudWatch metrics, Logs Insights,
 * Cost Explorer and Budgets. Pure string building, unit tested.
 *
 * The CloudWatch console keeps its state in the URL fragment in a rison-like notation:
 * objects `(key~value~...)`, arrays `(~a~b)`, strings `'text` with every character other than
 * letters, digits and `-._` written as `*XX` (hex); a top-level value is prefixed with `~`
 * (`#metricsV2:graph=~(...)`). Logs Insights additionally escapes the
 * `?`, `=` and `&` that follow `logs-insights` as `$3F`, `$3D`, `$26`.
 */

export type Value = string | number | boolean | Value[] | { [key: string]: Value };

export interface TimeWindow {
  /** ISO start and end; with `relativeSeconds`, a relative window ending now instead. */
  start: string;
  end: string;
  relativeSeconds: number | null;
}

function escapeString(text: string): string {
  let out = "";
  for (const ch of text) {
    if (/[A-Za-z0-9\-._]/.test(ch)) out += ch;
    else for (const byte of new TextEncoder().encode(ch)) out += `*${byte.toString(16).padStart(2, "0")}`;
  }
  return out;
}

/** Encodes a value in the console's notation. */
export function consoleEncode(value: Value): string {
  if (typeof value === "string") return `'${escapeString(value)}`;
  if (typeof value === "number") return String(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (Array.isArray(value)) return `(${value.map((v) => `~${consoleEncode(v)}`).join("")})`;
  return `(${Object.entries(value)
    .map(([k, v]) => `${k}~${consoleEncode(v)}`)
    .join("~")})`;
}

function consoleBase(region: string): string {
  return `https://${region}.console.aws.amazon.com`;
}

export interface MetricRef {
  namespace: string;
  metric: string;
  dimension: string;
  value: string;
  stat: string;
  /**
   * A linked source account's metric, graphed from the monitoring account: the metric's
   * `accountId` rendering option (the console's graph source, as AWS CDK renders a metric with
   * an account: aws-cdk-lib/aws-cloudwatch/lib/private/rendering.ts). Absent: this account.
   */
  accountId?: string;
}

/** CloudWatch metrics explorer (metricsV2) graphing the given metrics over the window. */
export function cloudWatchMetricsLink(
  region: string,
  metrics: MetricRef[],
  window: TimeWindow,
  period: number,
): string {
  const graph: Record<string, Value> = {
    metrics: metrics.map((m): Value[] => {
      const options: Record<string, Value> = { stat: m.stat };
      if (m.accountId) options.accountId = m.accountId;
      return [m.namespace, m.metric, m.dimension, m.value, options];
    }),
    view: "timeSeries",
    stacked: false,
    region,
    period,
    ...timeFields(window),
  };
  return `${consoleBase(region)}/cloudwatch/home?region=${region}#metricsV2:graph=~${consoleEncode(graph)}`;
}

function timeFields(window: TimeWindow): Record<string, Value> {
  if (window.relativeSeconds !== null)
    return { start: `-PT${Math.round(window.relativeSeconds / 60)}M`, end: "P0D" };
  return { start: window.start, end: window.end };
}

/**
 * Logs Insights has no documented console URL form that selects a linked source account's log
 * group: its links open the monitoring account's view with the group's name, and the page says so.
 */
export const LOGS_LINK_ACCOUNT_NOTE =
  "Logs Insights links open this monitoring account's view: select the source account's log group there (the console has no documented link form for it).";

/** Logs Insights with the query typed in and the log group selected. */
export function logsInsightsLink(
  region: string,
  logGroup: string,
  query: string,
  window: TimeWindow,
): string {
  const detail: Record<string, Value> =
    window.relativeSeconds !== null
      ? { end: 0, start: -window.relativeSeconds, timeType: "RELATIVE", unit: "seconds" }
      : { end: window.end, start: window.start, timeType: "ABSOLUTE", tz: "UTC" };
  detail.editorString = query;
  detail.source = [logGroup];
  const fragment = `logs-insights?queryDetail=~${consoleEncode(detail)}`
    .replaceAll("?", "$3F")
    .replaceAll("=", "$3D")
    .replaceAll("&", "$26");
  return `${consoleBase(region)}/cloudwatch/home?region=${region}#logsV2:${fragment}`;
}

/** Cost Explorer, daily, grouped by a dimension (SERVICE, USAGE_TYPE...), optionally filtered to one service. */
export function costExplorerLink(start: string, end: string, groupBy: string, service?: string): string {
  const q = new URLSearchParams({
    chartStyle: "STACK",
    costAggregate: "unBlendedCost",
    granularity: "Daily",
    groupBy: JSON.stringify([groupBy]),
    startDate: start.slice(0, 10),
    endDate: end.slice(0, 10),
  });
  if (service)
    q.set("filter", JSON.stringify([{ dimension: { id: "Service" }, values: [{ value: service }] }]));
  return `${consoleBase("us-east-1")}/costmanagement/home#/cost-explorer?${q.toString()}`;
}

export function budgetsLink(name?: string): string {
  const base = `${consoleBase("us-east-1")}/billing/home#/budgets`;
  return name ? `${base}/details?name=${encodeURIComponent(name)}` : base;
}

/** The seed's Logs Insights query (avg/min/max Lambda duration per 5 minutes). */
export const SEED_DURATION_QUERY = [
  "fields @timestamp, @duration",
  '| filter @type = "REPORT"',
  "| stats avg(@duration) as avg_duration, min(@duration) as min_duration, max(@duration) as max_duration by bin(5m)",
].join("\n");

export const ERRORS_QUERY = [
  "fields @timestamp, @requestId, @message, @logStream",
  "| filter @message like /(?i)(error|exception|task timed out)/",
  "| sort @timestamp desc",
  "| limit 50",
].join("\n");
