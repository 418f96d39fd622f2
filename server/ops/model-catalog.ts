/**
 * Known Bedrock base model IDs, for "did you mean" suggestions when a model ID is unknown.
 * Source: "Supported foundation models in Amazon Bedrock" (Bedrock user guide, model ID column).
 */
import { splitModelId } from "./inference-profiles.ts";

export const MODEL_CATALOG: readonly string[] = [
  "amazon.nova-micro-v1:0",
  "amazon.nova-lite-v1:0",
  "amazon.nova-pro-v1:0",
  "amazon.nova-premier-v1:0",
  "amazon.nova-sonic-v1:0",
  "amazon.nova-canvas-v1:0",
  "amazon.nova-reel-v1:0",
  "amazon.titan-text-express-v1",
  "amazon.titan-text-lite-v1",
  "amazon.titan-text-premier-v1:0",
  "amazon.titan-embed-text-v2:0",
  "anthropic.claude-3-haiku-20240307-v1:0",
  "anthropic.claude-3-5-haiku-20241022-v1:0",
  "anthropic.claude-3-5-sonnet-20240620-v1:0",
  "anthropic.claude-3-5-sonnet-20241022-v2:0",
  "anthropic.claude-3-7-sonnet-20250219-v1:0",
  "anthropic.claude-sonnet-4-20250514-v1:0",
  "anthropic.claude-opus-4-20250514-v1:0",
  "meta.llama3-8b-instruct-v1:0",
  "meta.llama3-70b-instruct-v1:0",
  "meta.llama3-1-8b-instruct-v1:0",
  "meta.llama3-1-70b-instruct-v1:0",
  "meta.llama3-2-1b-instruct-v1:0",
  "meta.llama3-2-3b-instruct-v1:0",
  "meta.llama3-3-70b-instruct-v1:0",
  "mistral.mistral-7b-instruct-v0:2",
  "mistral.mixtral-8x7b-instruct-v0:1",
  "mistral.mistral-large-2402-v1:0",
  "mistral.mistral-small-2402-v1:0",
  "cohere.command-r-v1:0",
  "cohere.command-r-plus-v1:0",
  "ai21.jamba-1-5-mini-v1:0",
  "ai21.jamba-1-5-large-v1:0",
  "deepseek.r1-v1:0",
];

/** Levenshtein distance (insert, delete, substitute each cost 1). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The catalog ID closest to `modelId` (its profile prefix kept), or undefined when nothing is
 * reasonably close (more than a third of the ID would have to change).
 */
export function nearestModelId(
  modelId: string,
  catalog: readonly string[] = MODEL_CATALOG,
): string | undefined {
  const { prefix, baseId } = splitModelId(modelId);
  let best: { id: string; distance: number } | undefined;
  for (const candidate of catalog) {
    const distance = editDistance(baseId.toLowerCase(), candidate);
    if (!best || distance < best.distance) best = { id: candidate, distance };
  }
  if (!best || best.distance === 0 || best.distance > Math.max(3, Math.ceil(baseId.length / 3)))
    return undefined;
  return prefix ? `${prefix}.${best.id}` : best.id;
}

/**
 * The active Amazon Nova model to move to from a Legacy or end-of-life model, by tier (small and
 * fast -> Micro/Lite, general -> Lite, large -> Pro). Undefined when no Nova model fits (embeddings,
 * images). Nova Premier, past its end of life, moves to Nova Pro.
 */
const NOVA_REPLACEMENTS: ReadonlyArray<[RegExp, string]> = [
  [/^amazon\.nova-premier/, "amazon.nova-pro-v1:0"],
  [/^anthropic\.claude-(instant|3-haiku|3-5-haiku)/, "amazon.nova-lite-v1:0"],
  [/^anthropic\.claude-(v2|3-sonnet|3-5-sonnet|3-7-sonnet|sonnet-4|3-opus|opus-4)/, "amazon.nova-pro-v1:0"],
  [/^amazon\.titan-text-(lite|express)/, "amazon.nova-micro-v1:0"],
  [/^amazon\.titan-text-premier/, "amazon.nova-lite-v1:0"],
  [/^(meta\.llama|mistral\.|cohere\.command|ai21\.)/, "amazon.nova-lite-v1:0"],
];

export function novaReplacement(modelId: string): string | undefined {
  const { baseId } = splitModelId(modelId);
  return NOVA_REPLACEMENTS.find(([re]) => re.test(baseId))?.[1];
}
