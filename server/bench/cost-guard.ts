/**
 * The cost guard of a benchmark run (the decision only; the command and the scheduler do the I/O).
 * A run estimated above the ceiling (`--max-cost`, else config bench.maxCostUsd) does not start
 * unless someone accepted it: `--yes`, an answer at a terminal, or a schedule's own maxCostUsd.
 * In the sandbox nothing is billed, so nothing is refused.
 */
export interface CostGuardInput {
  /** Worst-case estimate (every request writes maxTokens). */
  estimateUsd: number;
  /** Models with no price: their cost is unknown, so the estimate is a lower bound. */
  unpriced: readonly string[];
  /** --max-cost when given. */
  maxCost?: number | undefined;
  /** config bench.maxCostUsd. */
  ceiling: number;
  yes: boolean;
  billed: boolean;
}

export type CostDecision = { go: true } | { go: false; reason: string };

export function costDecision(input: CostGuardInput): CostDecision {
  if (input.yes) return { go: true };
  // An explicit --max-cost holds everywhere; the config ceiling only where runs are billed.
  if (input.maxCost === undefined && !input.billed) return { go: true };
  const limit = input.maxCost ?? input.ceiling;
  const source = input.maxCost !== undefined ? "--max-cost" : "bench.maxCostUsd (config)";
  if (input.estimateUsd > limit)
    return {
      go: false,
      reason: `The worst-case estimate $${input.estimateUsd.toFixed(4)} is above ${source} $${limit}. Lower --repetitions, choose fewer --models, give a higher --max-cost, or add --yes to accept.`,
    };
  if (input.unpriced.length > 0 && input.maxCost !== undefined)
    return {
      go: false,
      reason: `No price is known for ${input.unpriced.join(", ")}, so the cost cannot be held under --max-cost. Add pricing.overrides for them in config, or add --yes to accept.`,
    };
  return { go: true };
}

/** The same guard for a schedule at server start: a refusal is a configuration problem. */
export function scheduleCostProblem(
  index: number,
  estimateUsd: number,
  scheduleMax: number | undefined,
  ceiling: number,
): string | null {
  const limit = scheduleMax ?? ceiling;
  if (estimateUsd <= limit) return null;
  return `bench.schedules[${index}]: each run's worst-case estimate $${estimateUsd.toFixed(4)} is above ${scheduleMax !== undefined ? "its maxCostUsd" : "bench.maxCostUsd"} ($${limit}); lower its repetitions or models, or set "maxCostUsd": ${Math.ceil(estimateUsd * 100) / 100} on this schedule to accept it`;
}
