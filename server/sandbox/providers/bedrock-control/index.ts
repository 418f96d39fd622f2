/**
 * The sandbox's Bedrock control plane (restJson1, signing name "bedrock"), the operations the
 * product reads. HTTP bindings from the SDK's service model (@aws-sdk/client-bedrock, the same
 * as botocore's bedrock service-2.json):
 *   GET  /inference-profiles/{inferenceProfileIdentifier}   GetInferenceProfile (ID or ARN, percent-encoded)
 *   GET  /inference-profiles?type=APPLICATION|SYSTEM_DEFINED&maxResults&nextToken   ListInferenceProfiles
 *        (the SDK's `typeEquals` travels as the `type` query parameter; maxResults 1-1000)
 *   POST /listTagsForResource  {"resourceARN"} -> {"tags": [{"key", "value"}]}   ListTagsForResource
 *   GET  /logging/modelinvocations -> {"loggingConfig"?: LoggingConfig}   GetModelInvocationLoggingConfiguration
 * Errors as restJson1: `x-amzn-errortype` header and {"message"} body (ResourceNotFoundException
 * 404, ValidationException 400).
 *
 * Application profiles come from the billing scenario (server/sandbox/workload/scenario.ts);
 * system-defined profiles (us./eu./apac./global.) from the model catalogue; the logging
 * configuration from server/sandbox/workload/invocation-logging.ts.
 */
import { AwsError, validation } from "../../core/errors.ts";
import type { RestProvider, SandboxContext, SandboxRequest, SandboxResponse } from "../../core/types.ts";
import { loggingConfigOf } from "../../workload/invocation-logging.ts";
import { PROFILE_PREFIXES } from "../bedrock/catalog.ts";
import { applicationProfileByArn, applicationProfiles, systemProfiles } from "./profiles.ts";

function json(status: number, value: unknown): SandboxResponse {
  return {
    status,
    headers: { "content-type": "application/json", "x-amzn-requestid": crypto.randomUUID() },
    body: JSON.stringify(value),
  };
}

function getProfile(ctx: SandboxContext, req: SandboxRequest, raw: string): SandboxResponse {
  let identifier: string;
  try {
    identifier = decodeURIComponent(raw);
  } catch {
    throw new AwsError("ValidationException", `The inference profile identifier ${raw} is not valid.`, 400);
  }
  const all = [...applicationProfiles(ctx, req.region), ...systemProfiles(req.region)];
  const found = all.find((p) => p.inferenceProfileId === identifier || p.inferenceProfileArn === identifier);
  if (!found) {
    const known =
      PROFILE_PREFIXES.some((p) => identifier.startsWith(`${p}.`)) || identifier.startsWith("arn:");
    if (!known && !/^[a-zA-Z0-9:._/-]{1,2048}$/.test(identifier))
      throw validation(
        `1 validation error detected: Value '${identifier}' at 'inferenceProfileIdentifier' failed to satisfy constraint`,
      );
    throw new AwsError("ResourceNotFoundException", `Inference profile ${identifier} not found.`, 404);
  }
  return json(200, found);
}

function readMaxResults(raw: string | null): number {
  if (raw === null) return 1000;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    throw validation(
      `1 validation error detected: Value '${raw}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 1000`,
    );
  return n;
}

function readNextToken(raw: string | null, total: number): number {
  if (raw === null || raw === "") return 0;
  const decoded = Buffer.from(raw, "base64url").toString();
  const offset = Number(decoded);
  if (!/^\d+$/.test(decoded) || offset > total) throw validation("The provided nextToken is not valid.");
  return offset;
}

function listProfiles(ctx: SandboxContext, req: SandboxRequest): SandboxResponse {
  const type = req.query.get("type");
  if (type !== null && type !== "SYSTEM_DEFINED" && type !== "APPLICATION")
    throw validation(
      `1 validation error detected: Value '${type}' at 'typeEquals' failed to satisfy constraint: Member must satisfy enum value set: [SYSTEM_DEFINED, APPLICATION]`,
    );
  // Without typeEquals, AWS lists the system-defined profiles (ListInferenceProfiles' default).
  const all = type === "APPLICATION" ? applicationProfiles(ctx, req.region) : systemProfiles(req.region);
  const max = readMaxResults(req.query.get("maxResults"));
  const offset = readNextToken(req.query.get("nextToken"), all.length);
  const out: Record<string, unknown> = { inferenceProfileSummaries: all.slice(offset, offset + max) };
  if (offset + max < all.length) out.nextToken = Buffer.from(String(offset + max)).toString("base64url");
  return json(200, out);
}

function listTags(ctx: SandboxContext, req: SandboxRequest): SandboxResponse {
  let body: { resourceARN?: unknown };
  try {
    body = JSON.parse(req.body.toString("utf8") || "{}") as { resourceARN?: unknown };
  } catch {
    throw validation("The request body is not valid JSON.");
  }
  const arn = body.resourceARN;
  if (typeof arn !== "string" || arn.length === 0)
    throw validation(
      "1 validation error detected: Value null at 'resourceARN' failed to satisfy constraint: Member must not be null",
    );
  if (
    !/^arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:[a-z-]+\/[a-z0-9]+/.test(arn) &&
    !arn.includes("::")
  )
    throw validation(
      `1 validation error detected: Value '${arn}' at 'resourceARN' failed to satisfy constraint: Member must satisfy regular expression pattern`,
    );
  const profile = applicationProfileByArn(ctx, req.region, arn);
  if (!profile) throw new AwsError("ResourceNotFoundException", `The resource ${arn} was not found.`, 404);
  return json(200, { tags: Object.entries(profile.tags).map(([key, value]) => ({ key, value })) });
}

function getLogging(ctx: SandboxContext): SandboxResponse {
  const config = loggingConfigOf(ctx.workload);
  // Logging never configured (or deleted): 200 with no loggingConfig member.
  return json(200, config ? { loggingConfig: config } : {});
}

const GET_ONE = /^\/inference-profiles\/(.+)$/;

export function createBedrockControlProvider(ctx: SandboxContext): RestProvider {
  return {
    kind: "rest",
    service: "bedrock-control",
    match: (req) => {
      if (req.method === "POST")
        return req.rawPath === "/listTagsForResource" ? "ListTagsForResource" : undefined;
      if (req.method !== "GET") return undefined;
      if (req.rawPath === "/logging/modelinvocations") return "GetModelInvocationLoggingConfiguration";
      if (req.rawPath === "/inference-profiles" || req.rawPath === "/inference-profiles/")
        return "ListInferenceProfiles";
      return GET_ONE.test(req.rawPath) ? "GetInferenceProfile" : undefined;
    },
    handle: async (operation, req) => {
      switch (operation) {
        case "ListInferenceProfiles":
          return listProfiles(ctx, req);
        case "ListTagsForResource":
          return listTags(ctx, req);
        case "GetModelInvocationLoggingConfiguration":
          return getLogging(ctx);
        default:
          return getProfile(ctx, req, GET_ONE.exec(req.rawPath)?.[1] ?? "");
      }
    },
  };
}
