/** Mutable state of the sandbox's Bedrock Runtime: quota windows, call counters, ground truth. */
import type { BedrockSettings } from "../../core/settings.ts";
import type { SandboxContext } from "../../core/types.ts";
import { GroundTruth } from "./ground-truth.ts";
import { QuotaTracker } from "./quotas.ts";

export class BedrockState {
  readonly quotas = new QuotaTracker();
  readonly truth = new GroundTruth();
  private readonly counters = new Map<string, number>();

  constructor(readonly ctx: SandboxContext) {}

  get settings(): BedrockSettings {
    return this.ctx.settings.bedrock ?? {};
  }

  get latencyScale(): number {
    const scale = this.settings.latencyScale;
    return typeof scale === "number" && Number.isFinite(scale) && scale >= 0 ? scale : 1;
  }

  get seed(): number {
    return this.ctx.workload.seed;
  }

  /** This model's call counter, then advance it. */
  nextCallIndex(modelId: string): number {
    const index = this.counters.get(modelId) ?? 0;
    this.counters.set(modelId, index + 1);
    return index;
  }

  reset(): void {
    this.quotas.clear();
    this.truth.clear();
    this.counters.clear();
  }
}
