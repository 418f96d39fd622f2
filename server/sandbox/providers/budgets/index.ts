import type { JsonProvider, SandboxContext } from "../../core/types.ts";

export function createBudgetsProvider(_ctx: SandboxContext): JsonProvider {
  return { kind: "json", service: "budgets", targetPrefix: "AWSBudgetServiceGateway", protocol: "1.1", operations: {} };
}
