/**
 * How many tokens of the TPM quota a call burns, as AWS's `EstimatedTPMQuotaUsage` metric counts
 * them: input tokens + cache-write input tokens + output tokens x the model's output burndown rate
 * (cache reads do not count). The burndown rate is 5 for the Anthropic Claude 3.7 Sonnet and
 * Claude 4-family models and 1 for every other model.
 * Sources: Bedrock user guide "How tokens are counted in Amazon Bedrock"
 * (docs.aws.amazon.com/bedrock/latest/userguide/quotas-token-burndown.html); AWS ML blog "Improve
 * operational visibility for inference workloads on Amazon Bedrock with new CloudWatch metrics for
 * TTFT and Estimated Quota Consumption" (March 2026).
 */
import { findModel } from "./catalog.ts";
import { splitProfileId } from "./model-ids.ts";

const FIVE_X = /anthropic\.claude-(3-7-sonnet|sonnet-4|opus-4|haiku-4)/;

/** Output-token burndown rate of a model ID (base or profile ID). */
export function outputBurndownRate(modelId: string): number {
  return FIVE_X.test(splitProfileId(modelId).baseId) ? 5 : 1;
}

export interface QuotaTokens {
  inputTokens: number;
  outputTokens: number;
  cacheWriteInputTokens?: number;
}

/** EstimatedTPMQuotaUsage of one successful call. */
export function estimatedQuotaTokens(modelId: string, call: QuotaTokens): number {
  return (
    call.inputTokens + (call.cacheWriteInputTokens ?? 0) + call.outputTokens * outputBurndownRate(modelId)
  );
}

/** Whether the model ID names a model its provider marked Legacy (LegacyModelInvocations). */
export function isLegacyModel(modelId: string): boolean {
  return findModel(splitProfileId(modelId).baseId)?.legacy === true;
}
