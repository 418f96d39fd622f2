/**
 * One measured request. ConverseStream: time to first event, TTFT (first non-empty text delta),
 * inter-token latency ((last - first) / (outputTokens - 1)), end-to-end, and the server's
 * metrics.latencyMs. Converse: end-to-end and server latency only. Monotonic clock
 * (performance.now()); the client is created by the caller, outside the timed window.
 */
import {
  type BedrockRuntimeClient,
  ConverseCommand,
  type ConverseCommandInput,
  ConverseStreamCommand,
  type ConverseStreamOutput,
} from "@aws-sdk/client-bedrock-runtime";
import type { Suite, SuitePrompt } from "./suite.ts";
import type { BenchMode, Measurement, RequestStatus } from "./types.ts";

const THROTTLES = new Set([
  "ThrottlingException",
  "TooManyRequestsException",
  "ServiceQuotaExceededException",
]);

export function buildInput(modelId: string, suite: Suite, prompt: SuitePrompt): ConverseCommandInput {
  const turns = prompt.messages ?? [{ role: "user" as const, text: prompt.text ?? "" }];
  const input: ConverseCommandInput = {
    modelId,
    messages: turns.map((t) => ({ role: t.role, content: [{ text: t.text }] })),
    inferenceConfig: { ...suite.inferenceConfig },
  };
  if (suite.system) input.system = [{ text: suite.system }];
  return input;
}

interface ErrorLike {
  name?: string;
  message?: string;
  $metadata?: { requestId?: string };
}

/** Classify a failure: throttles apart from other errors, our timeout apart from Ctrl-C. */
export function classifyError(
  err: unknown,
  timedOut: boolean,
  cancelled: boolean,
): { status: RequestStatus; code: string } {
  const e = (err ?? {}) as ErrorLike;
  const name = e.name ?? "Error";
  if (cancelled) return { status: "cancelled", code: "AbortError" };
  if (timedOut) return { status: "timeout", code: "TimeoutError" };
  if (THROTTLES.has(name)) return { status: "throttled", code: name };
  if (name === "ModelTimeoutException") return { status: "timeout", code: name };
  return { status: "error", code: name };
}

function empty(): Measurement {
  return {
    status: "ok",
    errorCode: null,
    errorMessage: null,
    midStream: false,
    firstEventMs: null,
    ttftMs: null,
    endToEndMs: null,
    interTokenMs: null,
    serverLatencyMs: null,
    inputTokens: null,
    outputTokens: null,
    stopReason: null,
    requestId: null,
    text: "",
  };
}

/** An exception delivered as a stream event (when the SDK yields it rather than throwing). */
function streamException(event: ConverseStreamOutput): { name: string; message: string } | null {
  const keys = [
    ["throttlingException", "ThrottlingException"],
    ["modelStreamErrorException", "ModelStreamErrorException"],
    ["internalServerException", "InternalServerException"],
    ["serviceUnavailableException", "ServiceUnavailableException"],
    ["validationException", "ValidationException"],
  ] as const;
  const record = event as unknown as Record<string, { message?: string } | undefined>;
  for (const [key, name] of keys) {
    const value = record[key];
    if (value) return { name, message: value.message ?? name };
  }
  return null;
}

export interface MeasureOptions {
  mode: BenchMode;
  timeoutMs: number;
  /** The run's stop signal (Ctrl-C). */
  cancel?: AbortSignal | undefined;
}

export async function measureRequest(
  client: BedrockRuntimeClient,
  input: ConverseCommandInput,
  options: MeasureOptions,
): Promise<Measurement> {
  const m = empty();
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.cancel ? AbortSignal.any([timeout, options.cancel]) : timeout;
  const ms = (t: number) => Math.round((performance.now() - t) * 100) / 100;
  let opened = false;
  let firstText: number | null = null;
  let lastText: number | null = null;
  let sawMetadata = false;
  const t0 = performance.now();
  try {
    if (options.mode === "converse") {
      const res = await client.send(new ConverseCommand(input), { abortSignal: signal });
      m.endToEndMs = ms(t0);
      m.requestId = res.$metadata.requestId ?? null;
      m.text = (res.output?.message?.content ?? []).map((b) => b.text ?? "").join("");
      m.serverLatencyMs = res.metrics?.latencyMs ?? null;
      m.inputTokens = res.usage?.inputTokens ?? null;
      m.outputTokens = res.usage?.outputTokens ?? null;
      m.stopReason = res.stopReason ?? null;
      return m;
    }
    const res = await client.send(new ConverseStreamCommand(input), { abortSignal: signal });
    opened = true;
    m.requestId = res.$metadata.requestId ?? null;
    const parts: string[] = [];
    for await (const event of res.stream ?? []) {
      const now = performance.now();
      if (m.firstEventMs === null) m.firstEventMs = Math.round((now - t0) * 100) / 100;
      const failure = streamException(event);
      if (failure) throw Object.assign(new Error(failure.message), { name: failure.name });
      const text = event.contentBlockDelta?.delta?.text;
      if (text) {
        if (firstText === null) firstText = now;
        lastText = now;
        parts.push(text);
      }
      if (event.messageStop) m.stopReason = event.messageStop.stopReason ?? null;
      if (event.metadata) {
        sawMetadata = true;
        m.inputTokens = event.metadata.usage?.inputTokens ?? null;
        m.outputTokens = event.metadata.usage?.outputTokens ?? null;
        m.serverLatencyMs = event.metadata.metrics?.latencyMs ?? null;
      }
    }
    // The SDK ends the iteration quietly when the request is aborted: that is not a complete answer.
    if (signal.aborted)
      throw Object.assign(new Error("The request was aborted mid-stream"), { name: "AbortError" });
    if (!sawMetadata) {
      throw Object.assign(new Error("The stream ended without its metadata event (usage, metrics)"), {
        name: "IncompleteStreamError",
      });
    }
    m.endToEndMs = ms(t0);
    m.text = parts.join("");
    if (firstText !== null) m.ttftMs = Math.round((firstText - t0) * 100) / 100;
    if (firstText !== null && lastText !== null && m.outputTokens !== null && m.outputTokens > 1) {
      m.interTokenMs = Math.round(((lastText - firstText) / (m.outputTokens - 1)) * 1000) / 1000;
    }
    return m;
  } catch (err) {
    const { status, code } = classifyError(
      err,
      timeout.aborted,
      options.cancel?.aborted === true && !timeout.aborted,
    );
    const e = err as ErrorLike;
    m.status = status;
    m.errorCode = code;
    m.errorMessage = (e.message ?? String(err)).slice(0, 500);
    m.midStream = opened;
    m.requestId ??= e.$metadata?.requestId ?? null;
    m.endToEndMs = ms(t0);
    return m;
  }
}
