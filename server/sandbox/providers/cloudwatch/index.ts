import type { JsonProvider, SandboxContext } from "../../core/types.ts";

export function createCloudWatchProvider(_ctx: SandboxContext): JsonProvider {
  return { kind: "json", service: "cloudwatch", targetPrefix: "GraniteServiceVersion20100801", protocol: "1.0", queryCompatible: true, operations: {} };
}
