/**
 * InvokeModel (POST /model/{modelId}/invoke) and InvokeModelWithResponseStream
 * (POST /model/{modelId}/invoke-with-response-stream) with each family's native body. Same
 * model-ID rules, quotas, replies, latency and ground truth as Converse. The stream's events are
 * `chunk` events whose JSON payload is {"bytes": <base64 of a native chunk>}; the last chunk
 * carries `amazon-bedrock-invocationMetrics`. Response headers of InvokeModel:
 * X-Amzn-Bedrock-Invocation-Latency, -Input-Token-Count, -Output-Token-Count (AWS API reference).
 */
import { AwsError } from "../../core/errors.ts";
import type { SandboxRequest, SandboxResponse } from "../../core/types.ts";
import { type Admitted, admit, type BodyParser, recordOutcome, sleepUntil } from "./call.ts";
import { eventMessage, exceptionMessage } from "./eventstream.ts";
import {
  familyOf,
  type NativeResult,
  nativeResponse,
  parseNativeBody,
  streamDelta,
  streamEnd,
  streamStart,
} from "./invoke-formats.ts";
import { readRequestMetadata } from "./request.ts";
import type { BedrockState } from "./state.ts";
import { EXCEPTION_PAYLOADS, plannedFailure } from "./stream-failures.ts";
import { CHARS_PER_TOKEN } from "./text.ts";

function result(a: Admitted): NativeResult {
  return {
    family: familyOf(a.check.model),
    modelId: a.check.model.id,
    requestId: a.requestId,
    text: a.completion.text,
    stopReason: a.completion.stopReason,
    inputTokens: a.inputTokens,
    outputTokens: a.completion.outputTokens,
  };
}

export async function invokeModel(
  state: BedrockState,
  req: SandboxRequest,
  modelId: string,
): Promise<SandboxResponse> {
  const a = admit(state, "InvokeModel", req, modelId, withHeaderMetadata(req, parseNativeBody));
  await sleepUntil(a.t0, a.schedule.totalMs);
  const latencyMs = Math.round(performance.now() - a.t0);
  const r = result(a);
  recordOutcome(state, a, {
    status: "ok",
    outputTokens: r.outputTokens,
    latencyMs,
    stopReason: r.stopReason,
  });
  req.notes.outputTokens = r.outputTokens;
  return {
    status: 200,
    headers: {
      "content-type": "application/json",
      "x-amzn-requestid": a.requestId,
      "x-amzn-bedrock-invocation-latency": String(latencyMs),
      "x-amzn-bedrock-input-token-count": String(r.inputTokens),
      "x-amzn-bedrock-output-token-count": String(r.outputTokens),
    },
    body: JSON.stringify(nativeResponse(r)),
  };
}

const chunk = (value: unknown) =>
  eventMessage("chunk", { bytes: Buffer.from(JSON.stringify(value)).toString("base64") });

export function invokeModelStream(
  state: BedrockState,
  req: SandboxRequest,
  modelId: string,
): SandboxResponse {
  const a = admit(
    state,
    "InvokeModelWithResponseStream",
    req,
    modelId,
    withHeaderMetadata(req, parseNativeBody),
  );
  const failure = plannedFailure(state, a);
  const r = result(a);
  return {
    status: 200,
    headers: {
      "content-type": "application/vnd.amazon.eventstream",
      "x-amzn-requestid": a.requestId,
      "x-amzn-bedrock-content-type": "application/json",
    },
    stream: async (write, signal) => {
      let sent = 0;
      let chars = 0;
      let firstByteMs = 0;
      const tokensSent = () => Math.ceil(chars / CHARS_PER_TOKEN);
      const finish = (
        status: "ok" | "throttled" | "server_error" | "cancelled",
        extra: { errorCode?: string; errorMessage?: string },
      ) => {
        req.notes.outputTokens = tokensSent();
        recordOutcome(state, a, {
          status,
          outputTokens: status === "ok" ? r.outputTokens : tokensSent(),
          latencyMs: Math.round(performance.now() - a.t0),
          stopReason: status === "ok" ? r.stopReason : undefined,
          deltas: sent,
          ...extra,
        });
      };
      try {
        await sleepUntil(a.t0, a.schedule.at[0] ?? a.plan.ttftMs, signal);
        firstByteMs = Math.round(performance.now() - a.t0);
        for (const part of streamStart(r)) await write(chunk(part));
        for (let i = 0; i < a.chunks.length; i++) {
          await sleepUntil(a.t0, a.schedule.at[i]!, signal);
          if (failure && failure.index === i) break;
          chars += a.chunks[i]!.length;
          await write(chunk(streamDelta(r, a.chunks[i]!, i, tokensSent())));
          sent++;
        }
        if (failure) {
          await sleepUntil(a.t0, a.schedule.at[failure.index] ?? a.schedule.totalMs, signal);
          const payload = EXCEPTION_PAYLOADS[failure.type];
          await write(exceptionMessage(failure.type, payload));
          req.notes.streamException = failure.type;
          const status = failure.type === "throttlingException" ? "throttled" : "server_error";
          finish(status, { errorCode: failure.type, errorMessage: String(payload.message) });
          return;
        }
        const latencyMs = Math.round(performance.now() - a.t0);
        for (const part of streamEnd(r, latencyMs, firstByteMs)) await write(chunk(part));
        finish("ok", {});
      } catch {
        finish("cancelled", { errorCode: "ClientClosed" });
      }
    },
  };
}

/**
 * InvokeModel / InvokeModelWithResponseStream carry request metadata in the
 * `X-Amzn-Bedrock-Request-Metadata` header, a JSON object of strings (Converse has the
 * `requestMetadata` body member); it reaches the model invocation log only.
 */
function withHeaderMetadata(req: SandboxRequest, parse: BodyParser): BodyParser {
  return (body, model) => {
    const input = parse(body, model);
    const raw = req.headers["x-amzn-bedrock-request-metadata"];
    const header = Array.isArray(raw) ? raw[0] : raw;
    if (header === undefined || header === "") return input;
    let parsed: unknown;
    try {
      parsed = JSON.parse(header);
    } catch {
      throw new AwsError(
        "ValidationException",
        "The X-Amzn-Bedrock-Request-Metadata header must be a JSON object of string keys and values.",
        400,
      );
    }
    const metadata = readRequestMetadata(parsed);
    return metadata ? { ...input, requestMetadata: metadata } : input;
  };
}
