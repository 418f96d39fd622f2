/**
 * The sandbox's Lambda control plane (restJson1): GetFunctionConfiguration at
 * GET /2015-03-31/functions/{FunctionName}/configuration (?Qualifier), the name given as a name,
 * a partial ARN or a full ARN. Unknown functions answer 404 ResourceNotFoundException with
 * Lambda's {"Type":"User","Message":"Function not found: <arn>"} body.
 */
import { requestId } from "../../core/json-protocol.ts";
import type { RestProvider, SandboxContext, SandboxRequest, SandboxResponse } from "../../core/types.ts";
import { functionConfiguration } from "./configuration.ts";

const ROUTE = /^\/2015-03-31\/functions\/([^/]+)\/configuration\/?$/;

/** The function name of a name, `123456789012:function:name` or a full ARN (with an optional qualifier). */
export function functionNameOf(raw: string): string {
  const decoded = (() => {
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw;
    }
  })();
  const match = /(?:^|:)function:([A-Za-z0-9-_]+)(?::[^:]+)?$/.exec(decoded);
  return match ? match[1]! : decoded;
}

function reply(status: number, body: unknown, errorType?: string): SandboxResponse {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-amzn-requestid": requestId(),
  };
  if (errorType) headers["x-amzn-errortype"] = errorType;
  return { status, headers, body: JSON.stringify(body) };
}

export function createLambdaProvider(ctx: SandboxContext): RestProvider {
  const createdAt = ctx.workload.historyStart();
  return {
    kind: "rest",
    service: "lambda",
    match: (req: SandboxRequest) =>
      req.method === "GET" && ROUTE.test(req.rawPath) ? "GetFunctionConfiguration" : undefined,
    handle: async (_operation, req) => {
      const name = functionNameOf(ROUTE.exec(req.rawPath)?.[1] ?? "");
      const region = req.region || ctx.defaultRegion;
      if (!ctx.workload.functions.includes(name)) {
        const arn = `arn:aws:lambda:${region}:${ctx.accountId}:function:${name}`;
        return reply(
          404,
          { Type: "User", Message: `Function not found: ${arn}` },
          "ResourceNotFoundException",
        );
      }
      return reply(200, functionConfiguration(ctx.workload.spec(name), region, ctx.accountId, createdAt));
    },
  };
}
