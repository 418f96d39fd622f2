/**
 * Converse (POST /model/{modelId}/converse): waits the planned end-to-end latency, then answers
 * with the whole message. Response shape: ConverseResponse (output.message, stopReason, usage,
 * metrics.latencyMs), as in AWS's API reference example for Converse.
 */
import type { SandboxRequest, SandboxResponse } from "../../core/types.ts";
import { admit, recordOutcome, sleepUntil } from "./call.ts";
import type { BedrockState } from "./state.ts";

export async function converse(
  state: BedrockState,
  req: SandboxRequest,
  modelId: string,
): Promise<SandboxResponse> {
  const a = admit(state, "Converse", req, modelId);
  await sleepUntil(a.t0, a.schedule.totalMs);
  const latencyMs = Math.round(performance.now() - a.t0);
  const { text, stopReason, outputTokens } = a.completion;
  recordOutcome(state, a, { status: "ok", outputTokens, latencyMs, stopReason });
  req.notes.outputTokens = outputTokens;
  const body = {
    output: { message: { role: "assistant", content: [{ text }] } },
    stopReason,
    usage: { inputTokens: a.inputTokens, outputTokens, totalTokens: a.inputTokens + outputTokens },
    metrics: { latencyMs },
  };
  return {
    status: 200,
    headers: { "content-type": "application/json", "x-amzn-requestid": a.requestId },
    body: JSON.stringify(body),
  };
}
