/**
 * The model families' native InvokeModel bodies, read into the same conversation Converse uses,
 * and their native responses and stream chunks. Shapes from AWS's "Inference request parameters
 * and response fields for foundation models" pages: Amazon Nova (messages-v1), Anthropic Claude
 * Messages API (bedrock-2023-05-31), Meta Llama (prompt / generation).
 */
import { AwsError } from "../../core/errors.ts";
import type { CatalogModel } from "./catalog.ts";
import { type ConverseInput, parseConverseBody } from "./request.ts";
import type { StopReason } from "./text.ts";

export type Family = "nova" | "anthropic" | "llama";

export function familyOf(model: CatalogModel): Family {
  if (model.id.startsWith("anthropic.")) return "anthropic";
  if (model.id.startsWith("meta.")) return "llama";
  return "nova";
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function malformed(detail: string): AwsError {
  return new AwsError(
    "ValidationException",
    `Malformed input request: ${detail}, please reformat your input and try again.`,
    400,
  );
}

/** A stand-in conversation for an unresolved model ID: the model-ID error is raised next. */
const UNRESOLVED: ConverseInput = {
  system: [],
  messages: [{ role: "user", text: "", extraTokens: 0 }],
  stopSequences: [],
};

/** Reads a native InvokeModel body (BodyParser for call.ts). */
export function parseNativeBody(body: Buffer, model: CatalogModel | undefined): ConverseInput {
  if (!model) return UNRESOLVED;
  let raw: unknown;
  try {
    raw = JSON.parse(body.toString("utf8"));
  } catch {
    throw malformed("#: expected a JSON object");
  }
  if (!isObj(raw)) throw malformed("#: expected type: JSONObject, found: JSONArray");
  const family = familyOf(model);
  const converse =
    family === "anthropic" ? fromAnthropic(raw) : family === "llama" ? fromLlama(raw) : fromNova(raw);
  return parseConverseBody(Buffer.from(JSON.stringify(converse)));
}

function fromNova(raw: Obj): Obj {
  if (!Array.isArray(raw.messages)) throw malformed("#: required key [messages] not found");
  const config = isObj(raw.inferenceConfig) ? raw.inferenceConfig : {};
  const inferenceConfig: Obj = {
    maxTokens: config.maxTokens ?? config.max_new_tokens,
    temperature: config.temperature,
    topP: config.topP ?? config.top_p,
    stopSequences: config.stopSequences ?? config.stop_sequences,
  };
  return { system: raw.system, messages: raw.messages, inferenceConfig };
}

function fromAnthropic(raw: Obj): Obj {
  const missing = ["anthropic_version", "max_tokens", "messages"].filter((k) => raw[k] === undefined);
  if (missing.length > 0) throw malformed(missing.map((k) => `#: required key [${k}] not found`).join(""));
  if (!Array.isArray(raw.messages)) throw malformed("#/messages: expected type: JSONArray");
  const blocks = (content: unknown): Obj[] => {
    if (typeof content === "string") return [{ text: content }];
    if (!Array.isArray(content)) return [];
    return content.map((b) => {
      if (isObj(b) && b.type === "text") return { text: b.text };
      return isObj(b) && b.type === "image" ? { image: b } : { document: b };
    });
  };
  const system =
    typeof raw.system === "string"
      ? [{ text: raw.system }]
      : Array.isArray(raw.system)
        ? blocks(raw.system)
        : undefined;
  return {
    system,
    messages: raw.messages.map((m) => (isObj(m) ? { role: m.role, content: blocks(m.content) } : m)),
    inferenceConfig: {
      maxTokens: raw.max_tokens,
      temperature: raw.temperature,
      topP: raw.top_p,
      stopSequences: raw.stop_sequences,
    },
  };
}

function fromLlama(raw: Obj): Obj {
  if (typeof raw.prompt !== "string") throw malformed("#: required key [prompt] not found");
  return {
    messages: [{ role: "user", content: [{ text: raw.prompt }] }],
    inferenceConfig: { maxTokens: raw.max_gen_len, temperature: raw.temperature, topP: raw.top_p },
  };
}

export interface NativeResult {
  family: Family;
  modelId: string;
  requestId: string;
  text: string;
  stopReason: StopReason;
  inputTokens: number;
  outputTokens: number;
}

const ANTHROPIC_STOP: Record<StopReason, string> = {
  end_turn: "end_turn",
  max_tokens: "max_tokens",
  stop_sequence: "stop_sequence",
};

/** The whole native response body of InvokeModel. */
export function nativeResponse(r: NativeResult): Obj {
  if (r.family === "anthropic") {
    return {
      id: `msg_bdrk_${r.requestId.replace(/-/g, "").slice(0, 24)}`,
      type: "message",
      role: "assistant",
      model: r.modelId.replace(/^anthropic\./, "").replace(/-v\d+:\d+$/, ""),
      content: [{ type: "text", text: r.text }],
      stop_reason: ANTHROPIC_STOP[r.stopReason],
      stop_sequence: null,
      usage: { input_tokens: r.inputTokens, output_tokens: r.outputTokens },
    };
  }
  if (r.family === "llama") {
    return {
      generation: r.text,
      prompt_token_count: r.inputTokens,
      generation_token_count: r.outputTokens,
      stop_reason: r.stopReason === "max_tokens" ? "length" : "stop",
    };
  }
  return {
    output: { message: { content: [{ text: r.text }], role: "assistant" } },
    stopReason: r.stopReason,
    usage: {
      inputTokens: r.inputTokens,
      outputTokens: r.outputTokens,
      totalTokens: r.inputTokens + r.outputTokens,
      cacheReadInputTokenCount: 0,
      cacheWriteInputTokenCount: 0,
    },
  };
}

/** Native stream chunks before the first text, for one text delta, and after the last. */
export function streamStart(r: NativeResult): Obj[] {
  if (r.family === "anthropic") {
    const message = nativeResponse({ ...r, text: "" });
    return [
      {
        type: "message_start",
        message: {
          ...message,
          content: [],
          stop_reason: null,
          usage: { input_tokens: r.inputTokens, output_tokens: 1 },
        },
      },
      { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
    ];
  }
  if (r.family === "llama") return [];
  return [{ messageStart: { role: "assistant" } }];
}

export function streamDelta(r: NativeResult, text: string, index: number, tokensSoFar: number): Obj {
  if (r.family === "anthropic")
    return { type: "content_block_delta", index: 0, delta: { type: "text_delta", text } };
  if (r.family === "llama") {
    return {
      generation: text,
      prompt_token_count: index === 0 ? r.inputTokens : null,
      generation_token_count: tokensSoFar,
      stop_reason: null,
    };
  }
  return { contentBlockDelta: { delta: { text }, contentBlockIndex: 0 } };
}

export function streamEnd(r: NativeResult, latencyMs: number, firstByteMs: number): Obj[] {
  const metrics = {
    "amazon-bedrock-invocationMetrics": {
      inputTokenCount: r.inputTokens,
      outputTokenCount: r.outputTokens,
      invocationLatency: latencyMs,
      firstByteLatency: firstByteMs,
    },
  };
  if (r.family === "anthropic") {
    return [
      { type: "content_block_stop", index: 0 },
      {
        type: "message_delta",
        delta: { stop_reason: ANTHROPIC_STOP[r.stopReason], stop_sequence: null },
        usage: { output_tokens: r.outputTokens },
      },
      { type: "message_stop", ...metrics },
    ];
  }
  if (r.family === "llama") {
    const stop = r.stopReason === "max_tokens" ? "length" : "stop";
    return [
      {
        generation: "",
        prompt_token_count: null,
        generation_token_count: r.outputTokens,
        stop_reason: stop,
        ...metrics,
      },
    ];
  }
  return [
    { contentBlockStop: { contentBlockIndex: 0 } },
    { messageStop: { stopReason: r.stopReason } },
    {
      metadata: {
        usage: { inputTokens: r.inputTokens, outputTokens: r.outputTokens },
        metrics: {},
        trace: {},
      },
      ...metrics,
    },
  ];
}
