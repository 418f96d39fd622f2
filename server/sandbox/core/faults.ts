/**
 * Fault injection per service and operation, from config or POST /_sandbox/faults: by probability
 * (drawn from a seeded generator, so a run is reproducible) or on a schedule (`every` Nth matching
 * call, `after` the first N calls, at most `times` hits).
 */
import type { FaultConfig } from "../../config.ts";
import { mulberry32 } from "../workload/random.ts";

export type FaultKind = FaultConfig["kind"];
export type FaultRule = FaultConfig;

export class Faults {
  private rules: FaultRule[] = [];
  /** Matching calls and hits seen per rule (same index as `rules`). */
  private seen: number[] = [];
  private hitCount: number[] = [];
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
    this.seen = this.rules.map(() => 0);
    this.hitCount = this.rules.map(() => 0);
    this.random = mulberry32(this.seed);
  }

  list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  /** The faults to apply to this call (at most one of each kind), drawn independently. */
  draw(service: string, operation: string): FaultRule[] {
    const hits: FaultRule[] = [];
    this.rules.forEach((rule, i) => {
      if (rule.service !== service && rule.service !== "*") return;
      if (rule.operation && rule.operation !== operation) return;
      const n = ++this.seen[i]!;
      if (rule.times !== undefined && this.hitCount[i]! >= rule.times) return;
      if (rule.after !== undefined && n <= rule.after) return;
      if (rule.every !== undefined && (n - (rule.after ?? 0)) % rule.every !== 0) return;
      if (this.random() < rule.probability && !hits.some((h) => h.kind === rule.kind)) {
        hits.push(rule);
        this.hitCount[i]!++;
      }
    });
    return hits;
  }
}
