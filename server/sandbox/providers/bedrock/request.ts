/**
 * Parses and validates a Converse / ConverseStream request body the way Bedrock Runtime does:
 * Smithy constraint errors first ("1 validation error detected: Value 'x' at 'path' failed to
 * satisfy constraint: ..."), then the conversation rules (first message from the user, roles
 * alternating, no empty content or blank text). Shapes: ConverseRequest in
 * @aws-sdk/client-bedrock-runtime (dist-es/schemas/schemas_0.js); messages quoted from AWS
 * responses in public issue threads (microsoft/semantic-kernel#10281, ShishirPatil/gorilla#881).
 */
import { AwsError } from "../../core/errors.ts";
import { countTokens } from "./text.ts";

export interface ParsedMessage {
  role: "user" | "assistant";
  text: string;
  /** Tokens of non-text blocks (images, documents, tool use/results). */
  extraTokens: number;
}

export interface ConverseInput {
  system: string[];
  messages: ParsedMessage[];
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stopSequences: string[];
  /** Converse `requestMetadata` (recorded in model invocation logs only). */
  requestMetadata?: Record<string, string>;
}

/** Fixed token costs of non-text content (the sandbox does not look inside media). */
const IMAGE_TOKENS = 1000;
const VIDEO_TOKENS = 2000;

const CONTENT_KINDS = new Set([
  "text",
  "image",
  "document",
  "video",
  "audio",
  "toolUse",
  "toolResult",
  "guardContent",
  "cachePoint",
  "reasoningContent",
  "citationsContent",
  "searchResult",
]);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function javaNumber(v: number, float: boolean): string {
  return float && Number.isInteger(v) ? v.toFixed(1) : String(v);
}

function constraint(value: string, path: string, rule: string): string {
  return `Value '${value}' at '${path}' failed to satisfy constraint: ${rule}`;
}

function constraintError(errors: string[]): AwsError {
  const count =
    errors.length === 1 ? "1 validation error detected" : `${errors.length} validation errors detected`;
  return new AwsError("ValidationException", `${count}: ${errors.join("; ")}`, 400);
}

const malformed = () =>
  new AwsError(
    "ValidationException",
    "Malformed input request, please reformat your input and try again.",
    400,
  );

export function parseConverseBody(body: Buffer): ConverseInput {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.length === 0 ? "{}" : body.toString("utf8"));
  } catch {
    throw malformed();
  }
  if (!isObj(parsed)) throw malformed();
  const errors: string[] = [];
  const input: ConverseInput = { system: [], messages: [], stopSequences: [] };

  if (parsed.system !== undefined) {
    if (!Array.isArray(parsed.system)) throw malformed();
    for (const block of parsed.system) {
      if (isObj(block) && typeof block.text === "string") input.system.push(block.text);
    }
  }

  const rawMessages = parsed.messages === undefined ? [] : parsed.messages;
  if (!Array.isArray(rawMessages)) throw malformed();
  rawMessages.forEach((raw, i) => {
    if (!isObj(raw)) throw malformed();
    const role = raw.role;
    if (role !== "user" && role !== "assistant") {
      errors.push(
        constraint(
          String(role ?? "null"),
          `messages.${i + 1}.member.role`,
          "Member must satisfy enum value set: [user, assistant]",
        ),
      );
    }
    input.messages.push({
      role: role === "assistant" ? "assistant" : "user",
      ...parseContent(raw.content, i),
    });
  });

  const config = parsed.inferenceConfig;
  if (config !== undefined) {
    if (!isObj(config)) throw malformed();
    input.maxTokens = intField(config.maxTokens, "inferenceConfig.maxTokens", 1, undefined, errors);
    input.temperature = floatField(config.temperature, "inferenceConfig.temperature", 0, 1, errors);
    input.topP = floatField(config.topP, "inferenceConfig.topP", 0, 1, errors);
    if (config.stopSequences !== undefined) {
      if (!Array.isArray(config.stopSequences)) throw malformed();
      input.stopSequences = config.stopSequences.filter(
        (s): s is string => typeof s === "string" && s.length > 0,
      );
    }
  }
  if (parsed.requestMetadata !== undefined) {
    const metadata = readRequestMetadata(parsed.requestMetadata, errors);
    if (metadata) input.requestMetadata = metadata;
  }
  if (errors.length > 0) throw constraintError(errors);
  checkConversation(input.messages);
  return input;
}

/**
 * Converse RequestMetadata (API reference): at most 16 entries; keys 1-256 and values 0-256
 * characters of `[a-zA-Z0-9\s:_@$#=/+,-.]`.
 */
const METADATA_CHARS = /^[a-zA-Z0-9\s:_@$#=/+,\-.]*$/;

export function readRequestMetadata(raw: unknown, errors?: string[]): Record<string, string> | undefined {
  if (errors === undefined) {
    const collected: string[] = [];
    const out = readRequestMetadata(raw, collected);
    if (collected.length > 0) throw constraintError(collected);
    return out;
  }
  if (!isObj(raw)) throw malformed();
  const entries = Object.entries(raw);
  if (entries.length > 16) {
    errors.push(constraint("map", "requestMetadata", "Member must have length less than or equal to 16"));
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const [key, value] of entries) {
    if (typeof value !== "string") throw malformed();
    if (key.length < 1 || key.length > 256 || !METADATA_CHARS.test(key))
      errors.push(
        constraint(
          key,
          "requestMetadata",
          "Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z0-9\\s:_@$#=/+,-.]{1,256}]",
        ),
      );
    else if (value.length > 256 || !METADATA_CHARS.test(value))
      errors.push(
        constraint(
          value,
          `requestMetadata.${key}`,
          "Member must satisfy regular expression pattern: [a-zA-Z0-9\\s:_@$#=/+,-.]{0,256}",
        ),
      );
    else out[key] = value;
  }
  return out;
}

function parseContent(content: unknown, i: number): { text: string; extraTokens: number } {
  if (!Array.isArray(content) || content.length === 0) {
    throw new AwsError(
      "ValidationException",
      `The content field in the Message object at messages.${i} is empty. Add a ContentBlock object to the content field and try again.`,
      400,
    );
  }
  const texts: string[] = [];
  let extraTokens = 0;
  content.forEach((block, j) => {
    if (!isObj(block)) throw malformed();
    const kind = Object.keys(block).find((k) => CONTENT_KINDS.has(k));
    if (!kind) throw malformed();
    if (kind === "text") {
      const text = block.text;
      if (typeof text !== "string" || text.trim().length === 0) {
        throw new AwsError(
          "ValidationException",
          `The text field in the ContentBlock object at messages.${i}.content.${j} is blank. Add text to the text field, and try again.`,
          400,
        );
      }
      texts.push(text);
    } else if (kind === "image") extraTokens += IMAGE_TOKENS;
    else if (kind === "video") extraTokens += VIDEO_TOKENS;
    else if (kind !== "cachePoint") extraTokens += countTokens(JSON.stringify(block[kind]));
  });
  return { text: texts.join("\n"), extraTokens };
}

function checkConversation(messages: ParsedMessage[]): void {
  if (messages.length === 0 || messages[0]!.role !== "user") {
    throw new AwsError(
      "ValidationException",
      "A conversation must start with a user message. Try again with a conversation that starts with a user message.",
      400,
    );
  }
  for (let i = 1; i < messages.length; i++) {
    if (messages[i]!.role === messages[i - 1]!.role) {
      throw new AwsError(
        "ValidationException",
        "A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.",
        400,
      );
    }
  }
}

function intField(
  v: unknown,
  path: string,
  min: number,
  max: number | undefined,
  errors: string[],
): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v)) throw malformed();
  if (v < min)
    errors.push(constraint(String(v), path, `Member must have value greater than or equal to ${min}`));
  if (max !== undefined && v > max)
    errors.push(constraint(String(v), path, `Member must have value less than or equal to ${max}`));
  return v;
}

function floatField(
  v: unknown,
  path: string,
  min: number,
  max: number,
  errors: string[],
): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v)) throw malformed();
  if (v < min)
    errors.push(
      constraint(javaNumber(v, true), path, `Member must have value greater than or equal to ${min}`),
    );
  if (v > max)
    errors.push(constraint(javaNumber(v, true), path, `Member must have value less than or equal to ${max}`));
  return v;
}

/** Tokens the request consumes as input: system + every message, 4 characters a token. */
export function inputTokens(input: ConverseInput): number {
  const system = input.system.reduce((sum, s) => sum + countTokens(s), 0);
  return system + input.messages.reduce((sum, m) => sum + countTokens(m.text) + m.extraTokens, 0);
}

/** The text the model answers (the last user turn) and the whole conversation (for the seed). */
export function promptOf(input: ConverseInput): { prompt: string; conversation: string } {
  const lastUser = [...input.messages].reverse().find((m) => m.role === "user");
  const conversation = [...input.system, ...input.messages.map((m) => `${m.role}: ${m.text}`)].join("\n");
  return { prompt: [lastUser?.text ?? "", ...input.system].join("\n"), conversation };
}

/** The model's maxTokens limit, as Bedrock words the error. */
export function checkMaxTokens(maxTokens: number | undefined, limit: number): void {
  if (maxTokens !== undefined && maxTokens > limit) {
    throw new AwsError(
      "ValidationException",
      `The maximum tokens you requested exceeds the model limit of ${limit}. Try again with a maximum tokens value that is lower than ${limit}.`,
      400,
    );
  }
}
