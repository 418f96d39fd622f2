/**
 * The sandbox's Bedrock Runtime (restJson1): Converse and ConverseStream at
 * POST /model/{modelId}/converse[-stream], InvokeModel[WithResponseStream] at
 * POST /model/{modelId}/invoke[-with-response-stream], the model ID percent-encoded in the path
 * (a base ID, an inference-profile ID, or the ARN of either). Admin routes under /_sandbox/bedrock/:
 *   GET /_sandbox/bedrock/calls   ground truth of every answered call (?modelId, ?operation, ?since)
 *   GET /_sandbox/bedrock/models  the model catalogue and the profile Region table
 *   GET /_sandbox/bedrock/quotas  requests and tokens in each model's current 60 s window
 */
import type { RestProvider, SandboxContext, SandboxRequest, SandboxResponse } from "../../core/types.ts";
import { CATALOG, PROFILE_REGIONS } from "./catalog.ts";
import { converse } from "./converse.ts";
import { invokeModel, invokeModelStream } from "./invoke.ts";
import { BedrockState } from "./state.ts";
import { converseStream } from "./stream.ts";

const ROUTE = /^\/model\/([^/]+)\/(converse|converse-stream|invoke|invoke-with-response-stream)$/;
const OPERATIONS: Record<string, string> = {
  converse: "Converse",
  "converse-stream": "ConverseStream",
  invoke: "InvokeModel",
  "invoke-with-response-stream": "InvokeModelWithResponseStream",
};

function modelIdOf(req: SandboxRequest): string | undefined {
  const match = ROUTE.exec(req.rawPath);
  if (!match) return undefined;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return match[1];
  }
}

export function createBedrockProvider(ctx: SandboxContext): RestProvider {
  const state = new BedrockState(ctx);
  return {
    kind: "rest",
    service: "bedrock",
    match: (req) => {
      if (req.method !== "POST") return undefined;
      const match = ROUTE.exec(req.rawPath);
      return match ? OPERATIONS[match[2]!] : undefined;
    },
    handle: async (operation, req) => {
      const modelId = modelIdOf(req) ?? "";
      if (operation === "ConverseStream") return converseStream(state, req, modelId);
      if (operation === "InvokeModel") return invokeModel(state, req, modelId);
      if (operation === "InvokeModelWithResponseStream") return invokeModelStream(state, req, modelId);
      return converse(state, req, modelId);
    },
    reset: () => state.reset(),
    admin: (req) => admin(state, req),
  };
}

function json(status: number, value: unknown): SandboxResponse {
  return { status, headers: { "content-type": "application/json" }, body: JSON.stringify(value) };
}

function admin(state: BedrockState, req: SandboxRequest): SandboxResponse | undefined {
  if (req.method !== "GET") return undefined;
  switch (req.path) {
    case "/_sandbox/bedrock/calls": {
      const filter: { modelId?: string; operation?: string; sinceSeq?: number } = {};
      const modelId = req.query.get("modelId");
      const operation = req.query.get("operation");
      const since = req.query.get("since");
      if (modelId) filter.modelId = modelId;
      if (operation) filter.operation = operation;
      if (since && /^\d+$/.test(since)) filter.sinceSeq = Number(since);
      return json(200, {
        calls: state.truth.list(filter),
        lastSeq: state.truth.lastSeq,
        latencyScale: state.latencyScale,
      });
    }
    case "/_sandbox/bedrock/models":
      return json(200, { models: CATALOG, profiles: PROFILE_REGIONS });
    case "/_sandbox/bedrock/quotas":
      return json(200, { quotas: state.quotas.usage(state.ctx.now()) });
    default:
      return undefined;
  }
}
