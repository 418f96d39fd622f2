import type { JsonProvider, SandboxContext } from "../../core/types.ts";

export function createCostExplorerProvider(_ctx: SandboxContext): JsonProvider {
  return { kind: "json", service: "ce", targetPrefix: "AWSInsightsIndexService", protocol: "1.1", operations: {} };
}
