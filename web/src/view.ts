/** What every panel needs to know about the current view besides its own data. */
import type { HealthResponse, RangeInfo } from "../../server/api/contract.ts";
import type { TimeWindow } from "./links.ts";
import { modelSelected, presetMs, type ViewState } from "./state.ts";

export interface ViewContext {
  state: ViewState;
  health: HealthResponse;
  region: string;
  logGroup: string;
  /** The console time window for a range the API answered with. */
  window(range: RangeInfo): TimeWindow;
  showModel(modelId: string): boolean;
}

export function viewContext(state: ViewState, health: HealthResponse, logGroup: string): ViewContext {
  return {
    state,
    health,
    region: health.region,
    logGroup,
    window(range) {
      const relative = state.range.kind === "preset" ? presetMs(state.range.preset) / 1000 : null;
      return { start: range.start, end: range.end, relativeSeconds: relative };
    },
    showModel: (modelId) => modelSelected(state, modelId),
  };
}
