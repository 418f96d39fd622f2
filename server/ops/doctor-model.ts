/**
 * Doctor, pure: the row of a minimal Converse call per configured model, recognising Bedrock's
 * on-demand-not-supported, Legacy (15- and 30-day), end-of-life, access-denied (IAM with the exact
 * action, AWS Marketplace permissions, INVALID_PAYMENT_INSTRUMENT), unknown-ID and throttling
 * errors and saying what to do. Model access is enabled by default since 2025, so an access
 * denial is never answered with "request model access in the console".
 * Real error texts: test/fixtures/bedrock/errors-2026.json (with sources).
 */
import { isAccessDenied } from "./aws-errors.ts";
import type { CheckRow, Outcome } from "./doctor-checks.ts";
import {
  accessRegions,
  profilePrefixForRegion,
  splitModelId,
  suggestProfileId,
} from "./inference-profiles.ts";
import { nearestModelId, novaReplacement } from "./model-catalog.ts";

export interface ConverseResult {
  inputTokens: number;
  outputTokens: number;
  latencyMs: number;
  costUsd?: number;
}

const ON_DEMAND = /on-demand throughput isn['\u2019]t supported|inference profile/i;
const INVALID_ID = /model identifier is invalid|model.*(not found|does not exist)|unknown model/i;
const LEGACY =
  /marked by provider as Legacy and you have not been actively using the model in the last (\d+) days/i;
const END_OF_LIFE = /reached the end of its life/i;
const PAYMENT = /INVALID_PAYMENT_INSTRUMENT/;
const MARKETPLACE = /aws-marketplace:/i;
const IAM_ACTION = /not authorized to perform:? ([a-z0-9-]+:[A-Za-z0-9]+)(?: on resource:? (\S+))?/;

/** "switch to us.amazon.nova-pro-v1:0 (Nova Pro)" in the caller's form (profile kept when one was used). */
function replacementAdvice(modelId: string, region: string): string {
  const nova = novaReplacement(modelId);
  if (!nova) return "switch to an active model (see the model lifecycle page of the Bedrock user guide)";
  const { prefix } = splitModelId(modelId);
  const id = prefix ? suggestProfileId(nova, region) : nova;
  return `switch to ${id}, the active Amazon Nova model of the same tier (set it in config.json bedrock.models)`;
}

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
  if (END_OF_LIFE.test(message))
    return {
      id,
      status: "fail",
      title,
      detail,
      fix: `This model version is past its end of life and no longer answers in any account: ${replacementAdvice(modelId, region)}`,
    };
  const legacy = LEGACY.exec(message);
  if (legacy)
    return {
      id,
      status: "fail",
      title,
      detail,
      fix: `The provider marked this model Legacy and this account has not used it in the last ${legacy[1]} days, so it stays closed to it (no access request reopens it): ${replacementAdvice(modelId, region)}`,
    };
  if (isAccessDenied(outcome.error)) {
    if (PAYMENT.test(message))
      return {
        id,
        status: "fail",
        title,
        detail,
        fix: "The account has no valid payment method for the AWS Marketplace subscription this model needs: add or fix a card in Billing and Cost Management > Payment preferences, then retry after a few minutes (model access itself is on by default)",
      };
    if (MARKETPLACE.test(message))
      return {
        id,
        status: "fail",
        title,
        detail,
        fix: "The first call to a third-party model subscribes the account through AWS Marketplace: allow aws-marketplace:ViewSubscriptions and aws-marketplace:Subscribe (Resource *) for the calling role once, then retry after 15 minutes",
      };
    const iam = IAM_ACTION.exec(message);
    const resource = iam?.[2]?.replace(/[.,;]$/, "");
    const regions = accessRegions(modelId, region);
    const arns = prefix
      ? `the inference profile arn:aws:bedrock:${region}:<account>:inference-profile/${modelId} and arn:aws:bedrock:*::foundation-model/${splitModelId(modelId).baseId} in ${regions.join(", ")}`
      : `arn:aws:bedrock:${region}::foundation-model/${modelId}`;
    if (iam)
      return {
        id,
        status: "fail",
        title,
        detail,
        fix: `IAM: allow ${iam[1]} on ${resource ?? arns}${resource && prefix ? ` (and on ${arns}: a profile call is authorised on every Region it routes to)` : ""} for the calling identity (bedrock-ops iam-policy prints the statement)`,
      };
    return {
      id,
      status: "fail",
      title,
      detail,
      fix: `Access denied, and model access is on by default: check IAM (bedrock:InvokeModel and bedrock:InvokeModelWithResponseStream on ${arns}; bedrock-ops iam-policy), AWS Marketplace permissions for third-party models (aws-marketplace:ViewSubscriptions, aws-marketplace:Subscribe), and the account's payment method`,
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
