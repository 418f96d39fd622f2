import type { JsonProvider, SandboxContext } from "../../core/types.ts";

export function createLogsProvider(_ctx: SandboxContext): JsonProvider {
  return { kind: "json", service: "logs", targetPrefix: "Logs_20140328", protocol: "1.1", operations: {} };
}
