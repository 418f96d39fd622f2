/**
 * The metrics the sandbox publishes from its workload, as AWS names them:
 * AWS/Lambda (dimension FunctionName, and the no-dimension account aggregate) and
 * AWS/Bedrock (dimension ModelId, and the no-dimension aggregate).
 * Sources: Lambda "Types of metrics for Lambda functions"; Bedrock "Monitor bedrock-runtime
 * inference using CloudWatch metrics" (Invocations = requests accepted for processing,
 * including ones that later failed with a client or server error, excluding throttles).
 */
import type { Workload } from "../../workload/model.ts";
import { MINUTE } from "../../workload/model.ts";
import { isLegacyModel } from "../bedrock/burndown.ts";
import type { Samples } from "./stats.ts";
import {
  type BedrockMinute,
  emptyBedrock,
  type LambdaMinute,
  type WorkloadMinutes,
} from "./workload-minutes.ts";

export interface Dimension {
  Name: string;
  Value: string;
}

export interface MetricId {
  Namespace: string;
  MetricName: string;
  Dimensions: Dimension[];
}

/** A resolved time series: adds its samples with timestamps in [from, to) to the period buckets. */
export interface SeriesSource {
  /** The unit the data was published with (the first datum's, for custom metrics). */
  unit: string;
  collect(
    from: number,
    to: number,
    unit: string | undefined,
    bucketOf: (t: number) => Samples | undefined,
  ): void;
}

type LambdaDef = { unit: string; add: (r: LambdaMinute, s: Samples) => void };
type BedrockDef = { unit: string; add: (r: BedrockMinute, s: Samples) => void };

const countOf = (s: Samples, ones: number, zeros: number) => {
  s.add(1, ones);
  s.add(0, zeros);
};
const each = (s: Samples, values: number[]) => {
  for (const v of values) s.add(v);
};

/** Count metrics carry one sample per event: 1 for a hit, 0 for the rest, so Sum is the count. */
export const LAMBDA_METRICS: Record<string, LambdaDef> = {
  Invocations: { unit: "Count", add: (r, s) => s.add(1, r.invocations) },
  Errors: { unit: "Count", add: (r, s) => countOf(s, r.errors, r.invocations - r.errors) },
  Throttles: { unit: "Count", add: (r, s) => countOf(s, r.throttles, r.invocations) },
  Duration: { unit: "Milliseconds", add: (r, s) => each(s, r.durations) },
  ConcurrentExecutions: {
    unit: "Count",
    add: (r, s) => (r.concurrency > 0 ? s.add(r.concurrency) : undefined),
  },
};

export const BEDROCK_METRICS: Record<string, BedrockDef> = {
  Invocations: { unit: "Count", add: (r, s) => s.add(1, r.accepted) },
  InvocationLatency: { unit: "Milliseconds", add: (r, s) => each(s, r.latencies) },
  InputTokenCount: { unit: "Count", add: (r, s) => each(s, r.inputTokens) },
  OutputTokenCount: { unit: "Count", add: (r, s) => each(s, r.outputTokens) },
  InvocationThrottles: { unit: "Count", add: (r, s) => countOf(s, r.throttles, r.accepted) },
  InvocationClientErrors: {
    unit: "Count",
    add: (r, s) => countOf(s, r.clientErrors, r.accepted - r.clientErrors),
  },
  InvocationServerErrors: {
    unit: "Count",
    add: (r, s) => countOf(s, r.serverErrors, r.accepted - r.serverErrors),
  },
  TimeToFirstToken: { unit: "Milliseconds", add: (r, s) => each(s, r.ttft) },
  CacheReadInputTokenCount: { unit: "Count", add: (r, s) => each(s, r.cacheReadTokens) },
  CacheWriteInputTokenCount: { unit: "Count", add: (r, s) => each(s, r.cacheWriteTokens) },
  EstimatedTPMQuotaUsage: { unit: "Count", add: (r, s) => each(s, r.quotaTokens) },
  LegacyModelInvocations: { unit: "Count", add: (r, s) => (r.legacy > 0 ? s.add(1, r.legacy) : undefined) },
};

function minutes(from: number, to: number, visit: (m: number) => void): void {
  for (let m = Math.floor(from / MINUTE) * MINUTE; m < to; m += MINUTE) if (m >= from) visit(m);
}

function combineLambda(records: LambdaMinute[]): LambdaMinute {
  if (records.length === 1) return records[0]!;
  const out: LambdaMinute = { invocations: 0, errors: 0, throttles: 0, concurrency: 0, durations: [] };
  for (const r of records) {
    out.invocations += r.invocations;
    out.errors += r.errors;
    out.throttles += r.throttles;
    out.concurrency += r.concurrency;
    out.durations.push(...r.durations);
  }
  return out;
}

function combineBedrock(records: BedrockMinute[]): BedrockMinute {
  if (records.length === 1) return records[0]!;
  const out = emptyBedrock();
  for (const r of records) {
    out.accepted += r.accepted;
    out.throttles += r.throttles;
    out.clientErrors += r.clientErrors;
    out.serverErrors += r.serverErrors;
    out.latencies.push(...r.latencies);
    out.inputTokens.push(...r.inputTokens);
    out.outputTokens.push(...r.outputTokens);
    out.ttft.push(...r.ttft);
    out.cacheReadTokens.push(...r.cacheReadTokens);
    out.cacheWriteTokens.push(...r.cacheWriteTokens);
    out.quotaTokens.push(...r.quotaTokens);
    out.legacy += r.legacy;
  }
  return out;
}

/** The workload series a metric names, or undefined (AWS answers unknown metrics with no data). */
export function workloadSeries(
  workload: Workload,
  data: WorkloadMinutes,
  metric: MetricId,
): SeriesSource | undefined {
  const dims = metric.Dimensions;
  if (metric.Namespace === "AWS/Lambda") {
    const def = LAMBDA_METRICS[metric.MetricName];
    if (!def) return undefined;
    let fns: string[];
    if (dims.length === 0) fns = [...workload.functions];
    else if (
      dims.length === 1 &&
      dims[0]!.Name === "FunctionName" &&
      workload.functions.includes(dims[0]!.Value)
    )
      fns = [dims[0]!.Value];
    else return undefined;
    return {
      unit: def.unit,
      collect(from, to, unit, bucketOf) {
        if (unit !== undefined && unit !== def.unit) return;
        minutes(from, to, (m) => {
          const bucket = bucketOf(m);
          if (bucket)
            def.add(
              fns.length === 1 ? data.lambda(fns[0]!, m) : combineLambda(fns.map((fn) => data.lambda(fn, m))),
              bucket,
            );
        });
      },
    };
  }
  if (metric.Namespace === "AWS/Bedrock") {
    const def = BEDROCK_METRICS[metric.MetricName];
    if (!def) return undefined;
    let models: string[];
    if (dims.length === 0) models = workload.modelIds();
    else if (dims.length === 1 && dims[0]!.Name === "ModelId" && workload.modelIds().includes(dims[0]!.Value))
      models = [dims[0]!.Value];
    else return undefined;
    return {
      unit: def.unit,
      collect(from, to, unit, bucketOf) {
        if (unit !== undefined && unit !== def.unit) return;
        const live = models.map((id) => data.liveByMinute(id));
        minutes(from, to, (m) => {
          const bucket = bucketOf(m);
          if (!bucket) return;
          def.add(
            models.length === 1
              ? data.bedrock(models[0]!, m, live[0])
              : combineBedrock(models.map((id, i) => data.bedrock(id, m, live[i]))),
            bucket,
          );
        });
      },
    };
  }
  return undefined;
}

/** Every workload metric ListMetrics reports (metrics with data), in a stable order. */
export function workloadCatalog(workload: Workload): MetricId[] {
  const out: MetricId[] = [];
  for (const name of Object.keys(LAMBDA_METRICS)) {
    for (const fn of workload.functions)
      out.push({
        Namespace: "AWS/Lambda",
        MetricName: name,
        Dimensions: [{ Name: "FunctionName", Value: fn }],
      });
    out.push({ Namespace: "AWS/Lambda", MetricName: name, Dimensions: [] });
  }
  // The workload's own calls stream (seed 001), so every configured model has TimeToFirstToken.
  const streamed = new Set([
    ...workload.models,
    ...workload
      .liveCalls()
      .filter((c) => c.operation === "ConverseStream")
      .map((c) => c.modelId),
  ]);
  for (const name of Object.keys(BEDROCK_METRICS)) {
    const models = workload
      .modelIds()
      .filter((id) => name !== "TimeToFirstToken" || streamed.has(id))
      .filter((id) => name !== "LegacyModelInvocations" || isLegacyModel(id));
    for (const id of models)
      out.push({ Namespace: "AWS/Bedrock", MetricName: name, Dimensions: [{ Name: "ModelId", Value: id }] });
    if (models.length > 0) out.push({ Namespace: "AWS/Bedrock", MetricName: name, Dimensions: [] });
  }
  return out;
}
