/**
 * Doctor, pure: the row of a minimal Converse call per configured model, recognising Bedrock's
 * on-demand-not-supported, access-denied, unknown-ID and throttling errors and saying what to do.
 */
import { isAccessDenied } from "./aws-errors.ts";
import type { CheckRow, Outcome } from "./doctor-checks.ts";
import {
  accessRegions,
  profilePrefixForRegion,
  splitModelId,
  suggestProfileId,
} from "./inference-profiles.ts";
import { nearestModelId } from "./model-catalog.ts";

export interface ConverseResult {
  inputTokens: number;
  outputTokens: number;
  latencyMs: number;
  costUsd?: number;
}

const ON_DEMAND = /on-demand throughput isn['\u2019]t supported|inference profile/i;
const INVALID_ID = /model identifier is invalid|model.*(not found|does not exist)|unknown model/i;

/** Decide the row of a minimal Converse call to `modelId` from `region`. */
export function modelRow(modelId: string, region: string, outcome: Outcome<ConverseResult>): CheckRow {
  const id = `model:${modelId}`;
  const title = `Model ${modelId}`;
  if (outcome.ok) {
    const { inputTokens, outputTokens, latencyMs, costUsd } = outcome.value;
    const cost = costUsd === undefined ? "cost unknown (no price)" : `cost $${costUsd.toFixed(8)}`;
    return {
      id,
      status: "pass",
      title,
      detail: `Converse answered in ${latencyMs} ms, ${inputTokens}+${outputTokens} tokens, ${cost}`,
    };
  }
  const { name, message } = outcome.error;
  const detail = `${name}: ${message}`;
  const { prefix } = splitModelId(modelId);
  if (name === "ValidationException" && ON_DEMAND.test(message) && !prefix) {
    const profileId = suggestProfileId(modelId, region);
    return {
      id,
      status: "fail",
      title,
      detail,
      fix: `Invoke it through an inference profile: use ${profileId} (set "profile": "${profileId.split(".")[0]}" on this model in config.json) and grant access in ${accessRegions(profileId, region).join(", ")}`,
    };
  }
  if (isAccessDenied(outcome.error)) {
    const regions = accessRegions(modelId, region);
    const where = prefix
      ? `every region of the ${prefix}. profile: ${regions.join(", ")}`
      : regions.join(", ");
    return {
      id,
      status: "fail",
      title,
      detail,
      fix: `Request model access in the Bedrock console (Model access) in ${where}, and allow bedrock:InvokeModel on the model's ARNs (bedrock-ops iam-policy)`,
    };
  }
  if (/Throttl|TooManyRequests/i.test(name) || outcome.error.status === 429) {
    return {
      id,
      status: "warn",
      title,
      detail,
      fix: "Throttled: the ID works but the quota is exhausted right now; retry later or request a quota increase",
    };
  }
  if ((name === "ValidationException" && INVALID_ID.test(message)) || name === "ResourceNotFoundException") {
    const regionPrefix = profilePrefixForRegion(region);
    if (prefix && prefix !== regionPrefix && prefix !== "global") {
      const profileId = suggestProfileId(modelId, region);
      return {
        id,
        status: "fail",
        title,
        detail,
        fix: `The ${prefix}. profile cannot be called from ${region}: use ${profileId} (access needed in ${accessRegions(profileId, region).join(", ")})`,
      };
    }
    const nearest = nearestModelId(modelId);
    const suggestion = nearest
      ? `did you mean ${nearest}?`
      : "check the ID in the Bedrock console's model catalog";
    return { id, status: "fail", title, detail, fix: `Unknown or unavailable model ID: ${suggestion}` };
  }
  return {
    id,
    status: "fail",
    title,
    detail,
    fix: "Unexpected error; run again with the AWS CLI (aws bedrock-runtime converse) to see more",
  };
}
