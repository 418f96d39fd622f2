/**
 * Model invocation log records (Bedrock model invocation logging to CloudWatch Logs), one per
 * successful Bedrock call of the workload and of the sandbox's live Bedrock, in the log group the
 * logging configuration names (server/sandbox/workload/invocation-logging.ts), stream
 * `aws/bedrock/modelinvocations`. Throttled and failed calls write no record (and count no
 * tokens in AWS/Bedrock), so the records' token counts add up to the metrics exactly.
 *
 * Record schema (`schemaType: "ModelInvocationLog"`, `schemaVersion: "1.0"`) from AWS's published
 * examples and real records: test/fixtures/bedrock/invocation-logs/ (sources in each file).
 * `modelId` is what the caller passed (an application profile's ARN, a `us.`/`global.` profile ID
 * or a base model ID); `inferenceRegion` names the Region a cross-Region profile served the call
 * in. Text delivery is off in the sandbox's logging configuration, so records carry no
 * inputBodyJson / outputBodyJson. The event's timestamp is when the call finished; the record's
 * `timestamp` is when it started (ISO 8601, seconds).
 */

import { attributionOf } from "../../workload/attribution.ts";
import { INVOCATION_LOG_STREAM, invocationLogGroupOf } from "../../workload/invocation-logging.ts";
import type { BedrockCall, Workload } from "../../workload/model.ts";
import { hash32, hashString } from "../../workload/random.ts";
import { applicationProfileOf, profileArn, scenarioOf } from "../../workload/scenario.ts";
import { PROFILE_REGIONS } from "../bedrock/catalog.ts";
import type { LogEvent } from "./events.ts";
import { flattenJson, type JsonObject } from "./lines-json.ts";

/** The longest a call runs (request to last token); records up to this far back are looked for. */
const MAX_CALL_MS = 5 * 60_000;
const SANDBOX_ACCOUNT = "123456789012";

export function isInvocationLogGroup(workload: Workload, name: string): boolean {
  return invocationLogGroupOf(workload) === name;
}

/** The model ID as the caller passed it: application profiles are invoked by their ARN. */
function invokedModelId(workload: Workload, call: BedrockCall): string {
  const app = applicationProfileOf(scenarioOf(workload), call.modelId);
  return app ? profileArn(call.region, SANDBOX_ACCOUNT, app.id) : call.modelId;
}

function inferenceRegion(call: BedrockCall, requestId: string): string | undefined {
  const prefix = /^(us|eu|apac|global|jp|au|ca|us-gov)\./.exec(call.modelId)?.[1];
  if (!prefix) return undefined;
  const geo = PROFILE_REGIONS[prefix as keyof typeof PROFILE_REGIONS];
  if (!geo) return undefined;
  const destinations = geo.destinations;
  return destinations[hash32(hashString(requestId), 0x1e9) % destinations.length] ?? call.region;
}

/** The record Bedrock writes for one call. */
export function invocationRecord(workload: Workload, call: BedrockCall): JsonObject {
  const who = attributionOf(call, workload.seed);
  const input: JsonObject = { inputContentType: "application/json", inputTokenCount: call.inputTokens };
  // Converse records carry both cache counts, 0 when nothing was cached (the Nova Lite fixture).
  if (call.operation !== "InvokeModel" || call.cacheReadTokens !== undefined)
    input.cacheReadInputTokenCount = call.cacheReadTokens ?? 0;
  if (call.operation !== "InvokeModel" || call.cacheWriteTokens !== undefined)
    input.cacheWriteInputTokenCount = call.cacheWriteTokens ?? 0;
  const record: JsonObject = {
    schemaType: "ModelInvocationLog",
    schemaVersion: "1.0",
    timestamp: `${new Date(Math.floor(call.time / 1000) * 1000).toISOString().slice(0, 19)}Z`,
    accountId: SANDBOX_ACCOUNT,
    identity: { arn: who.principal.arn(SANDBOX_ACCOUNT) },
    region: call.region,
    requestId: who.requestId,
    operation: call.operation,
    modelId: invokedModelId(workload, call),
    input,
    output: { outputContentType: "application/json", outputTokenCount: call.outputTokens },
  };
  const served = inferenceRegion(call, who.requestId);
  if (served) record.inferenceRegion = served;
  if (who.requestMetadata) record.requestMetadata = { ...who.requestMetadata };
  return record;
}

/** Every call with a record: successful calls of every model ID with traffic. */
export function loggedCalls(workload: Workload, from: number, to: number): BedrockCall[] {
  const out: BedrockCall[] = [];
  for (const calls of workload.bedrockCallsByModel(from, to).values())
    for (const call of calls) if (call.status === "ok") out.push(call);
  return out;
}

/** Records whose events fall in [from, to) and not after now, in time order. */
export function invocationLogEvents(
  workload: Workload,
  logGroupName: string,
  from: number,
  to: number,
): LogEvent[] {
  const hi = Math.min(to, workload.now() + 1);
  if (hi <= from) return [];
  const out: LogEvent[] = [];
  for (const call of loggedCalls(workload, from - MAX_CALL_MS, hi)) {
    const t = Math.round(call.time + call.latencyMs);
    if (t < from || t >= hi) continue;
    const record = invocationRecord(workload, call);
    const seed = hashString(String(record.requestId));
    out.push({
      logGroupName,
      logStreamName: INVOCATION_LOG_STREAM,
      timestamp: t,
      ingestionTime: t + 200 + (hash32(seed, 0x1e9) % 900),
      message: JSON.stringify(record),
      eventId: `${String(t).padStart(16, "0")}${[1, 2, 3, 4].map((j) => String(hash32(seed, j)).padStart(10, "0")).join("")}`,
      fields: flattenJson(record),
    });
  }
  return out.sort((a, b) => a.timestamp - b.timestamp || a.eventId.localeCompare(b.eventId));
}
