/**
 * ConverseStream (POST /model/{modelId}/converse-stream): an `application/vnd.amazon.eventstream`
 * response with, in order, messageStart, contentBlockDelta x N, contentBlockStop, messageStop and
 * metadata (usage, metrics.latencyMs) last. Text blocks have no contentBlockStart event, as on
 * AWS. messageStart is sent at once; the first delta at the planned TTFT, later ones at the
 * model's tokens per second. When settings.bedrock.streamExceptions says so, a modelled exception
 * (`:message-type exception`) replaces the rest of the stream, as AWS sends them mid-stream.
 * Event shapes: ConverseStreamOutput in @aws-sdk/client-bedrock-runtime schemas_0.js.
 */
import type { SandboxRequest, SandboxResponse } from "../../core/types.ts";
import { admit, recordOutcome, sleepUntil } from "./call.ts";
import { eventMessage, exceptionMessage } from "./eventstream.ts";
import type { BedrockState } from "./state.ts";
import { EXCEPTION_PAYLOADS, plannedFailure } from "./stream-failures.ts";
import { CHARS_PER_TOKEN } from "./text.ts";

export function converseStream(state: BedrockState, req: SandboxRequest, modelId: string): SandboxResponse {
  const a = admit(state, "ConverseStream", req, modelId);
  const failure = plannedFailure(state, a);
  return {
    status: 200,
    headers: { "content-type": "application/vnd.amazon.eventstream", "x-amzn-requestid": a.requestId },
    stream: async (write, signal) => {
      let sent = 0;
      let chars = 0;
      const tokensSent = () => Math.ceil(chars / CHARS_PER_TOKEN);
      try {
        await write(eventMessage("messageStart", { role: "assistant" }));
        const stopAt = failure ? failure.index : a.chunks.length;
        let i = 0;
        while (i < stopAt) {
          await sleepUntil(a.t0, a.schedule.at[i]!, signal);
          // Deltas already due (a late timer, a busy loop) go out together in one write.
          const elapsed = performance.now() - a.t0;
          const frames: Buffer[] = [];
          do {
            frames.push(
              eventMessage("contentBlockDelta", { delta: { text: a.chunks[i] }, contentBlockIndex: 0 }),
            );
            chars += a.chunks[i]!.length;
            i++;
          } while (i < stopAt && a.schedule.at[i]! <= elapsed);
          await write(frames.length === 1 ? frames[0]! : Buffer.concat(frames));
          sent += frames.length;
        }
        if (failure) {
          await sleepUntil(a.t0, a.schedule.at[failure.index] ?? a.schedule.totalMs, signal);
          const payload = EXCEPTION_PAYLOADS[failure.type];
          await write(exceptionMessage(failure.type, payload));
          req.notes.streamException = failure.type;
          req.notes.outputTokens = tokensSent();
          recordOutcome(state, a, {
            status: failure.type === "throttlingException" ? "throttled" : "server_error",
            outputTokens: tokensSent(),
            latencyMs: Math.round(performance.now() - a.t0),
            errorCode: failure.type,
            errorMessage: String(payload.message),
            deltas: sent,
          });
          return;
        }
        const { stopReason, outputTokens } = a.completion;
        await write(eventMessage("contentBlockStop", { contentBlockIndex: 0 }));
        await write(eventMessage("messageStop", { stopReason }));
        const latencyMs = Math.round(performance.now() - a.t0);
        const usage = { inputTokens: a.inputTokens, outputTokens, totalTokens: a.inputTokens + outputTokens };
        await write(eventMessage("metadata", { usage, metrics: { latencyMs } }));
        req.notes.outputTokens = outputTokens;
        recordOutcome(state, a, { status: "ok", outputTokens, latencyMs, stopReason, deltas: sent });
      } catch {
        // The client went away mid-stream: bill what was generated, as Bedrock does.
        req.notes.outputTokens = tokensSent();
        recordOutcome(state, a, {
          status: "cancelled",
          outputTokens: tokensSent(),
          latencyMs: Math.round(performance.now() - a.t0),
          errorCode: "ClientClosed",
          deltas: sent,
        });
      }
    },
  };
}
