import type { RestProvider, SandboxContext } from "../../core/types.ts";

export function createBedrockProvider(_ctx: SandboxContext): RestProvider {
  return {
    kind: "rest",
    service: "bedrock",
    match: () => undefined,
    handle: async () => ({ status: 404, headers: {}, body: "" }),
  };
}
