/**
 * Cost arithmetic of a benchmark: per request from `usage` x the price table, and the
 * estimate shown before a run starts (worst case: every answer uses all of maxTokens).
 * Prices come from the pricing module through `PriceLookup`, so this file holds no prices.
 */
import { estimateInputTokens, type Suite } from "./suite.ts";

export interface PriceQuote {
  /** USD per 1M input tokens. */
  inputPerMillion: number;
  /** USD per 1M output tokens. */
  outputPerMillion: number;
  /** The date of the price table the quote comes from (ISO date). */
  asOf: string;
}

/** Price of an invoked model ID (base or inference profile) in a region; undefined when unpriced. */
export type PriceLookup = (modelId: string, region: string) => PriceQuote | undefined;

export function requestCost(quote: PriceQuote, inputTokens: number, outputTokens: number): number {
  return (inputTokens * quote.inputPerMillion + outputTokens * quote.outputPerMillion) / 1_000_000;
}

export interface ModelEstimate {
  modelId: string;
  requests: number;
  inputTokens: number;
  /** Upper bound: requests x maxTokens. */
  maxOutputTokens: number;
  /** Worst-case USD, or null when the model has no price. */
  maxUsd: number | null;
}

export interface RunEstimate {
  models: ModelEstimate[];
  requests: number;
  /** Sum over priced models. */
  maxUsd: number;
  unpriced: string[];
}

/** Worst-case cost of running `suite` (warm-up included) on each model. */
export function estimateRunCost(
  suite: Suite,
  models: readonly string[],
  repetitions: number,
  region: string,
  prices: PriceLookup,
): RunEstimate {
  const inputPerPass = suite.prompts.reduce((n, p) => n + estimateInputTokens(suite, p), 0);
  const firstPrompt = suite.prompts[0]!;
  const out: ModelEstimate[] = models.map((modelId) => {
    const requests = suite.prompts.length * repetitions + suite.warmup;
    const inputTokens = inputPerPass * repetitions + estimateInputTokens(suite, firstPrompt) * suite.warmup;
    const maxOutputTokens = requests * suite.inferenceConfig.maxTokens;
    const quote = prices(modelId, region);
    return {
      modelId,
      requests,
      inputTokens,
      maxOutputTokens,
      maxUsd: quote ? requestCost(quote, inputTokens, maxOutputTokens) : null,
    };
  });
  return {
    models: out,
    requests: out.reduce((n, m) => n + m.requests, 0),
    maxUsd: out.reduce((n, m) => n + (m.maxUsd ?? 0), 0),
    unpriced: out.filter((m) => m.maxUsd === null).map((m) => m.modelId),
  };
}
