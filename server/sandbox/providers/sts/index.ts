import type { RestProvider, SandboxContext } from "../../core/types.ts";

export function createStsProvider(_ctx: SandboxContext): RestProvider {
  return {
    kind: "rest",
    service: "sts",
    match: () => undefined,
    handle: async () => ({ status: 404, headers: {}, body: "" }),
  };
}
