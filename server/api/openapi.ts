/** The API described as OpenAPI 3.1, served at /api/openapi.json. Schemas mirror server/api/contract.ts. */
import { VERSION } from "../version.ts";

const rangeParams = [
  {
    name: "range",
    in: "query",
    schema: { type: "string", enum: ["1h", "3h", "12h", "24h", "7d", "30d"] },
    description: "Preset range ending now (default 3h).",
  },
  {
    name: "start",
    in: "query",
    schema: { type: "string", format: "date-time" },
    description: "Range start, ISO 8601 (with end).",
  },
  {
    name: "end",
    in: "query",
    schema: { type: "string", format: "date-time" },
    description: "Range end, ISO 8601 (default now).",
  },
  {
    name: "model",
    in: "query",
    schema: { type: "string" },
    description: "Configured model ID(s), comma separated.",
  },
  {
    name: "function",
    in: "query",
    schema: { type: "string" },
    description: "Configured Lambda function name(s), comma separated.",
  },
  {
    name: "account",
    in: "query",
    schema: { type: "string", pattern: "^\\d{12}$" },
    description: "One configured account ID (aws.accounts): narrows the per-account views (`accounts`).",
  },
  {
    name: "region",
    in: "query",
    schema: { type: "string" },
    description: "One region the accounts are read in: narrows the per-account metrics rows.",
  },
];
const format = { name: "format", in: "query", schema: { type: "string", enum: ["json", "csv"] } };

const error = { $ref: "#/components/schemas/Error" };
const panel = (data: string) => ({
  type: "object",
  required: ["data", "asOf", "stale", "error"],
  properties: {
    data: { description: `${data} (server/api/contract.ts), null when the source never answered` },
    asOf: { type: ["string", "null"], format: "date-time" },
    stale: { type: "boolean" },
    error: { oneOf: [{ type: "null" }, { $ref: "#/components/schemas/PanelError" }] },
  },
});
const responses = (data: string, csv = false) => ({
  200: {
    description: `Panel<${data}>`,
    content: { "application/json": { schema: panel(data) }, ...(csv ? { "text/csv": {} } : {}) },
  },
  400: {
    description: "Bad parameter (named in the message)",
    content: { "application/json": { schema: error } },
  },
  401: { description: "Token required", content: { "application/json": { schema: error } } },
});
const get = (summary: string, data: string, params: unknown[], csv = false) => ({
  get: { summary, parameters: params, responses: responses(data, csv) },
});

export const OPENAPI = {
  openapi: "3.1.0",
  info: {
    title: "bedrock-ops API",
    version: VERSION,
    description: "Operations and cost dashboard for AWS Bedrock and Lambda.",
  },
  components: {
    securitySchemes: {
      bearer: { type: "http", scheme: "bearer" },
      cookie: { type: "apiKey", in: "cookie", name: "bedrock_ops_session" },
    },
    schemas: {
      Error: {
        type: "object",
        properties: {
          error: { type: "object", properties: { code: { type: "string" }, message: { type: "string" } } },
        },
      },
      PanelError: {
        type: "object",
        properties: { code: { type: "string" }, message: { type: "string" }, permission: { type: "string" } },
      },
    },
  },
  security: [{ bearer: [] }, { cookie: [] }],
  paths: {
    "/api/health": {
      get: {
        summary: "Status, mode (sandbox|aws), region, version, whether a token is required",
        security: [],
        responses: { 200: { description: "HealthResponse" } },
      },
    },
    "/api/login": {
      post: {
        summary: "Exchange {token} for an HttpOnly SameSite=Strict session cookie",
        security: [],
        responses: { 200: { description: "ok" }, 401: { description: "wrong token" } },
      },
    },
    "/api/logout": {
      post: { summary: "Clear the session cookie", responses: { 200: { description: "ok" } } },
    },
    "/api/overview": get(
      "KPIs: invocations, error rate, p90 latency, tokens, estimated cost, month to date, forecast, budget",
      "OverviewData",
      rangeParams,
    ),
    "/api/metrics": get(
      "Every Lambda and Bedrock series from one GetMetricData call per region per refresh (the per-minute quota series bought in the same call are served by /api/quotas, not here)",
      "MetricsData",
      [...rangeParams, format],
      true,
    ),
    "/api/logs": get(
      "Logs Insights: durations by 5 min, percentiles, cold starts, memory headroom, recent errors",
      "LogsData",
      [...rangeParams, format],
      true,
    ),
    "/api/costs": get(
      "Daily cost by service, Bedrock per model, month to date, forecast, estimated vs billed reconciliation",
      "CostsData",
      [...rangeParams, format],
      true,
    ),
    "/api/attribution": get(
      "Bedrock cost per application inference profile, cost-allocation tag value, IAM principal or requestMetadata value per day (billed and estimated, share of total), with the unattributed remainder; groups + remainder = the Bedrock total",
      "AttributionData",
      [
        {
          name: "by",
          in: "query",
          schema: { type: "string", pattern: "^(profile|principal|tag:.+|metadata:.+)$" },
          description:
            "profile (default), principal, tag:<key> (attribution.tagKeys) or metadata:<key> (attribution.metadataKeys).",
        },
        ...rangeParams,
        format,
      ],
      true,
    ),
    "/api/quotas": get(
      "Per model: applied TPM/RPM quotas (Service Quotas code and name), per-minute usage, peak, p95, headroom, throttles",
      "QuotasData",
      [...rangeParams, format],
      true,
    ),
    "/api/alarms": get(
      "The managed CloudWatch alarms (config.alarms.prefix) with state, reason and the last day of history",
      "AlarmsData",
      [format],
      true,
    ),
    "/api/quotas/metrics": get("Quota usage as Prometheus gauges", "text/plain", rangeParams),
    "/api/budgets": get(
      "Budgets with limit, actual, forecast, percent used and thresholds",
      "BudgetsData",
      [format],
      true,
    ),
    "/api/usage": get(
      "The dashboard's own AWS calls per API with estimated price",
      "UsageData",
      [format],
      true,
    ),
    "/api/refresh/{panel}": {
      post: {
        summary:
          "Refetch one panel now (rate-limited per panel: metrics 10 s, logs 60 s, costs 30 min, budgets 60 s)",
        parameters: [
          {
            name: "panel",
            in: "path",
            required: true,
            schema: { type: "string", enum: ["metrics", "logs", "costs", "budgets"] },
          },
          ...rangeParams,
        ],
        responses: {
          ...responses("the panel's data"),
          429: {
            description: "Rate limited (Retry-After)",
            content: { "application/json": { schema: error } },
          },
        },
      },
    },
    "/api/bench/runs": {
      get: {
        summary: "Benchmark runs, newest first (BenchRunSummary[])",
        parameters: [
          { name: "suite", in: "query", schema: { type: "string" } },
          { name: "limit", in: "query", schema: { type: "integer", minimum: 1 } },
        ],
        responses: { 200: { description: "BenchRunSummary[]" }, 400: { description: "Bad parameter" } },
      },
    },
    "/api/bench/runs/{id}": {
      get: {
        summary: "One benchmark run with per-model statistics (BenchRunDetail)",
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
        responses: { 200: { description: "BenchRunDetail" }, 404: { description: "No such run" } },
      },
    },
    "/api/bench/runs/{id}/export": {
      get: {
        summary: "Every request of a run, as JSON or CSV",
        parameters: [
          { name: "id", in: "path", required: true, schema: { type: "string" } },
          { name: "format", in: "query", schema: { type: "string", enum: ["json", "csv"] } },
        ],
        responses: { 200: { description: "The run's requests" }, 404: { description: "No such run" } },
      },
    },
    "/api/bench/schedules": {
      get: {
        summary: "Benchmark schedules, their next fire times and runs missed while the server was down",
        responses: { 200: { description: "BenchSchedulesData" } },
      },
    },
    "/api/openapi.json": {
      get: { summary: "This document", responses: { 200: { description: "OpenAPI 3.1" } } },
    },
    "/metrics": {
      get: {
        summary: "Prometheus text format: tokens, estimated cost, latency, budget used, own AWS spend",
        responses: { 200: { description: "text/plain; version=0.0.4" } },
      },
    },
  },
} as const;
