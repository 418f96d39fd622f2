/**
 * The twin-monitoring CloudWatch dashboard body (seed 000, part 7, step 4) plus per-model latency
 * and token widgets. Shape: "Dashboard Body Structure and Syntax" (CloudWatch API reference):
 * {widgets: [{type: "metric", x, y, width, height, properties: {metrics, view, stat, period, region, title}}]}.
 */
import { bedrockRegion, type Config, invokeModelId, lambdaRegion } from "../config.ts";

export const DEFAULT_DASHBOARD_NAME = "twin-monitoring";
const NAME = /^[A-Za-z0-9_-]{1,255}$/;

/** A metric line: namespace, name, dimension pairs, then optional rendering options. */
type MetricLine = (string | { stat?: string; label?: string; period?: number })[];

export interface MetricWidget {
  type: "metric";
  x: number;
  y: number;
  width: number;
  height: number;
  properties: {
    title: string;
    metrics: MetricLine[];
    view: "timeSeries" | "singleValue";
    stat: string;
    period: number;
    region: string;
    stacked?: boolean;
    /** Horizontal lines, e.g. each model's applied TPM quota. */
    annotations?: { horizontal: Array<{ label: string; value: number }> };
  };
}

export interface DashboardBody {
  widgets: MetricWidget[];
}

/** Why a dashboard name is invalid (PutDashboard rule: letters, digits, - and _, up to 255), or undefined. */
export function dashboardNameProblem(name: string): string | undefined {
  return NAME.test(name) ? undefined : `--name: got "${name}"; use up to 255 letters, digits, - and _`;
}

const WIDTH = 12;
const HEIGHT = 6;

/** Applied TPM quota per model ID as invoked (from Service Quotas), drawn as lines on the quota widget. */
export type QuotaLines = ReadonlyArray<{ modelId: string; tpm: number; code: string }>;

export function buildDashboardBody(config: Config, quotas: QuotaLines = []): DashboardBody {
  const lr = lambdaRegion(config);
  const br = bedrockRegion(config);
  const fns = config.lambda.functions.map((f) => f.name);
  const models = config.bedrock.models.map((m) => ({
    id: invokeModelId(m),
    label: m.label ?? invokeModelId(m),
  }));
  const lambda = (metric: string) => fns.map((fn): MetricLine => ["AWS/Lambda", metric, "FunctionName", fn]);
  const specs: Omit<MetricWidget, "x" | "y" | "width" | "height">[] = [
    {
      type: "metric",
      properties: {
        title: "Lambda invocations",
        metrics: lambda("Invocations"),
        view: "timeSeries",
        stat: "Sum",
        period: 300,
        region: lr,
        stacked: false,
      },
    },
    {
      type: "metric",
      properties: {
        title: "Lambda duration (ms)",
        metrics: lambda("Duration"),
        view: "timeSeries",
        stat: "Average",
        period: 300,
        region: lr,
        stacked: false,
      },
    },
    {
      type: "metric",
      properties: {
        title: "Lambda errors (1 h)",
        metrics: lambda("Errors"),
        view: "singleValue",
        stat: "Sum",
        period: 3600,
        region: lr,
      },
    },
    {
      type: "metric",
      properties: {
        title: "Bedrock invocations",
        metrics: models.map(
          (m): MetricLine => ["AWS/Bedrock", "Invocations", "ModelId", m.id, { label: m.label }],
        ),
        view: "timeSeries",
        stat: "Sum",
        period: 300,
        region: br,
        stacked: false,
      },
    },
    {
      type: "metric",
      properties: {
        title: "Bedrock latency p50 / p90 (ms)",
        metrics: models.flatMap((m): MetricLine[] => [
          ["AWS/Bedrock", "InvocationLatency", "ModelId", m.id, { stat: "p50", label: `${m.label} p50` }],
          ["AWS/Bedrock", "InvocationLatency", "ModelId", m.id, { stat: "p90", label: `${m.label} p90` }],
        ]),
        view: "timeSeries",
        stat: "p50",
        period: 300,
        region: br,
        stacked: false,
      },
    },
    {
      type: "metric",
      properties: {
        title: "Bedrock tokens (input / output)",
        metrics: models.flatMap((m): MetricLine[] => [
          ["AWS/Bedrock", "InputTokenCount", "ModelId", m.id, { label: `${m.label} input` }],
          ["AWS/Bedrock", "OutputTokenCount", "ModelId", m.id, { label: `${m.label} output` }],
        ]),
        view: "timeSeries",
        stat: "Sum",
        period: 300,
        region: br,
        stacked: false,
      },
    },
    {
      type: "metric",
      properties: {
        title: "Bedrock TPM quota usage (tokens per minute; lines: applied quotas)",
        metrics: models.map(
          (m): MetricLine => ["AWS/Bedrock", "EstimatedTPMQuotaUsage", "ModelId", m.id, { label: m.label }],
        ),
        view: "timeSeries",
        stat: "Sum",
        period: 60,
        region: br,
        stacked: false,
        ...(quotas.length > 0
          ? {
              annotations: {
                horizontal: quotas.map((q) => ({
                  label: `${models.find((m) => m.id === q.modelId)?.label ?? q.modelId} TPM quota (${q.code})`,
                  value: q.tpm,
                })),
              },
            }
          : {}),
      },
    },
    {
      type: "metric",
      properties: {
        title: "Bedrock throttles per minute",
        metrics: models.map(
          (m): MetricLine => ["AWS/Bedrock", "InvocationThrottles", "ModelId", m.id, { label: m.label }],
        ),
        view: "timeSeries",
        stat: "Sum",
        period: 60,
        region: br,
        stacked: true,
      },
    },
  ];
  return {
    widgets: specs.map((w, i) => ({
      ...w,
      x: (i % 2) * WIDTH,
      y: Math.floor(i / 2) * HEIGHT,
      width: WIDTH,
      height: HEIGHT,
    })),
  };
}

export function dashboardConsoleUrl(region: string, name: string): string {
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards/dashboard/${encodeURIComponent(name)}`;
}
