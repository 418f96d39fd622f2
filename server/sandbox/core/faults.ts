/**
 * Fault injection per service and operation, by probability, from config or POST /_sandbox/faults.
 * Draws come from a seeded generator so a fault schedule is reproducible.
 */
import type { FaultConfig } from "../../config.ts";
import { mulberry32 } from "../workload/random.ts";

export type FaultKind = FaultConfig["kind"];
export type FaultRule = FaultConfig;

export class Faults {
  private rules: FaultRule[] = [];
  private random: () => number;

  constructor(
    rules: readonly FaultRule[] = [],
    private readonly seed = 1,
  ) {
    this.random = mulberry32(seed);
    this.set(rules);
  }

  set(rules: readonly FaultRule[]): void {
    this.rules = rules.map((r) => ({ ...r }));
    this.random = mulberry32(this.seed);
  }

  list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  /** The faults to apply to this call (at most one of each kind), drawn independently. */
  draw(service: string, operation: string): FaultRule[] {
    const hits: FaultRule[] = [];
    for (const rule of this.rules) {
      if (rule.service !== service && rule.service !== "*") continue;
      if (rule.operation && rule.operation !== operation) continue;
      if (this.random() < rule.probability && !hits.some((h) => h.kind === rule.kind)) hits.push(rule);
    }
    return hits;
  }
}
