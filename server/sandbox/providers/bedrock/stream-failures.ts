/**
 * Mid-stream exceptions (settings.bedrock.streamExceptions): which streams fail, after which
 * delta, and the payload AWS sends for each modelled exception of the stream union
 * (ConverseStreamOutput / ResponseStream in @aws-sdk/client-bedrock-runtime schemas_0.js).
 */
import type { BedrockStreamExceptions } from "../../core/settings.ts";
import { hashString, uniform } from "../../workload/random.ts";
import type { Admitted } from "./call.ts";
import { MODEL_ERROR_MESSAGES } from "./model-ids.ts";
import type { BedrockState } from "./state.ts";
import { CHARS_PER_TOKEN } from "./text.ts";

export type StreamExceptionType = NonNullable<BedrockStreamExceptions["exception"]>;

/** Payloads as AWS sends each modelled stream exception (members: ConverseStreamOutput union). */
export const EXCEPTION_PAYLOADS: Record<StreamExceptionType, Record<string, unknown>> = {
  throttlingException: { message: MODEL_ERROR_MESSAGES.tooManyRequests },
  modelStreamErrorException: {
    message: "The model encountered an error while streaming its response.",
    originalStatusCode: 500,
    originalMessage: "Model stream interrupted",
  },
  serviceUnavailableException: { message: "Bedrock is unable to process your request." },
  internalServerException: { message: "The server encountered an internal error." },
};

export interface PlannedFailure {
  /** Index of the first delta not sent. */
  index: number;
  type: StreamExceptionType;
}

export function plannedFailure(state: BedrockState, a: Admitted): PlannedFailure | undefined {
  const cfg = state.settings.streamExceptions;
  if (!cfg || !(cfg.probability > 0)) return undefined;
  if (cfg.models && !cfg.models.includes(a.check.invokedId) && !cfg.models.includes(a.check.model.id))
    return undefined;
  if (uniform(state.seed, hashString(a.check.invokedId), a.callIndex, 0xe1) >= cfg.probability)
    return undefined;
  const after = cfg.afterTokens ?? Math.floor(a.completion.outputTokens / 2);
  let chars = 0;
  let index = a.chunks.length;
  for (let i = 0; i < a.chunks.length; i++) {
    if (Math.ceil(chars / CHARS_PER_TOKEN) >= after) {
      index = i;
      break;
    }
    chars += a.chunks[i]!.length;
  }
  return { index, type: cfg.exception ?? "throttlingException" };
}
