/**
 * The order of requests: warm-up first (one request per model per warm-up round, recorded but
 * excluded from statistics), then models x prompts x repetitions interleaved across models, the
 * model order rotating so no model always goes first (or always follows the same neighbour).
 */
import type { Suite, SuitePrompt } from "./suite.ts";

export interface PlanItem {
  seq: number;
  modelId: string;
  prompt: SuitePrompt;
  repetition: number;
  warmup: boolean;
}

export function buildPlan(
  suite: Suite,
  models: readonly string[],
  repetitions: number,
  warmup = suite.warmup,
): PlanItem[] {
  const items: PlanItem[] = [];
  let seq = 0;
  for (let w = 0; w < warmup; w++) {
    const prompt = suite.prompts[w % suite.prompts.length]!;
    for (const modelId of models) items.push({ seq: seq++, modelId, prompt, repetition: w, warmup: true });
  }
  let round = 0;
  for (let rep = 0; rep < repetitions; rep++) {
    for (const prompt of suite.prompts) {
      for (let k = 0; k < models.length; k++) {
        const modelId = models[(k + round) % models.length]!;
        items.push({ seq: seq++, modelId, prompt, repetition: rep, warmup: false });
      }
      round++;
    }
  }
  return items;
}
