/**
 * The sandbox's Bedrock control plane (restJson1, signing name "bedrock"), the two inference
 * profile operations the product reads:
 *   GET /inference-profiles/{inferenceProfileIdentifier}   GetInferenceProfile (ID or ARN, percent-encoded)
 *   GET /inference-profiles?type=APPLICATION|SYSTEM_DEFINED&maxResults&nextToken   ListInferenceProfiles
 * Shapes from the service model (GetInferenceProfileResponse: inferenceProfileName, description,
 * createdAt, updatedAt (ISO 8601 on the restJson wire), inferenceProfileArn, models[{modelArn}],
 * inferenceProfileId, status ACTIVE, type SYSTEM_DEFINED|APPLICATION); errors as restJson1:
 * `x-amzn-errortype` header and {"message"} body (ResourceNotFoundException 404,
 * ValidationException 400).
 *
 * Application profiles come from the billing scenario (server/sandbox/workload/scenario.ts);
 * system-defined profiles (us./eu./apac./global.) from the model catalogue.
 */
import { AwsError } from "../../core/errors.ts";
import type { RestProvider, SandboxContext, SandboxRequest, SandboxResponse } from "../../core/types.ts";
import { profileArn, scenarioOf } from "../../workload/scenario.ts";
import { CATALOG, PROFILE_PREFIXES, PROFILE_REGIONS } from "../bedrock/catalog.ts";

const CREATED = "2026-10-01T09:00:00Z";

interface ProfileOut {
  inferenceProfileName: string;
  description: string;
  createdAt: string;
  updatedAt: string;
  inferenceProfileArn: string;
  models: Array<{ modelArn: string }>;
  inferenceProfileId: string;
  status: "ACTIVE";
  type: "SYSTEM_DEFINED" | "APPLICATION";
}

const foundationArn = (region: string, modelId: string) =>
  `arn:aws:bedrock:${region}::foundation-model/${modelId}`;

function applicationProfiles(ctx: SandboxContext, region: string): ProfileOut[] {
  return scenarioOf(ctx.workload)
    .applicationProfiles(region, ctx.accountId)
    .map((p) => ({
      inferenceProfileName: p.name,
      description: p.description,
      createdAt: CREATED,
      updatedAt: CREATED,
      inferenceProfileArn: profileArn(region, ctx.accountId, p.id),
      models: [{ modelArn: foundationArn(region, p.modelId) }],
      inferenceProfileId: p.id,
      status: "ACTIVE",
      type: "APPLICATION",
    }));
}

function systemProfiles(region: string): ProfileOut[] {
  const out: ProfileOut[] = [];
  for (const model of CATALOG) {
    for (const prefix of model.profiles) {
      const geo = PROFILE_REGIONS[prefix];
      if (!geo.sources.includes(region)) continue;
      const id = `${prefix}.${model.id}`;
      out.push({
        inferenceProfileName: `${prefix.toUpperCase()} ${model.name}`,
        description: `Routes requests to ${model.name} in ${geo.destinations.join(", ")}.`,
        createdAt: CREATED,
        updatedAt: CREATED,
        inferenceProfileArn: `arn:aws:bedrock:${region}::inference-profile/${id}`,
        models: geo.destinations.map((r) => ({ modelArn: foundationArn(r, model.id) })),
        inferenceProfileId: id,
        status: "ACTIVE",
        type: "SYSTEM_DEFINED",
      });
    }
  }
  return out;
}

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
      throw new AwsError(
        "ValidationException",
        `1 validation error detected: Value '${identifier}' at 'inferenceProfileIdentifier' failed to satisfy constraint`,
        400,
      );
    throw new AwsError("ResourceNotFoundException", `Inference profile ${identifier} not found.`, 404);
  }
  return json(200, found);
}

function listProfiles(ctx: SandboxContext, req: SandboxRequest): SandboxResponse {
  const type = req.query.get("type");
  if (type !== null && type !== "SYSTEM_DEFINED" && type !== "APPLICATION")
    throw new AwsError(
      "ValidationException",
      `1 validation error detected: Value '${type}' at 'typeEquals' failed to satisfy constraint: Member must satisfy enum value set: [SYSTEM_DEFINED, APPLICATION]`,
      400,
    );
  const all =
    type === "APPLICATION"
      ? applicationProfiles(ctx, req.region)
      : type === "SYSTEM_DEFINED"
        ? systemProfiles(req.region)
        : [...systemProfiles(req.region), ...applicationProfiles(ctx, req.region)];
  const max = Math.min(1000, Math.max(1, Number(req.query.get("maxResults") ?? 1000) || 1000));
  const offset = Number(Buffer.from(req.query.get("nextToken") ?? "", "base64url").toString() || 0) || 0;
  const page = all.slice(offset, offset + max);
  const out: Record<string, unknown> = {
    inferenceProfileSummaries: page.map(({ ...p }) => p),
  };
  if (offset + max < all.length) out.nextToken = Buffer.from(String(offset + max)).toString("base64url");
  return json(200, out);
}

const GET_ONE = /^\/inference-profiles\/(.+)$/;

export function createBedrockControlProvider(ctx: SandboxContext): RestProvider {
  return {
    kind: "rest",
    service: "bedrock-control",
    match: (req) => {
      if (req.method !== "GET") return undefined;
      if (req.rawPath === "/inference-profiles" || req.rawPath === "/inference-profiles/")
        return "ListInferenceProfiles";
      return GET_ONE.test(req.rawPath) ? "GetInferenceProfile" : undefined;
    },
    handle: async (operation, req) =>
      operation === "ListInferenceProfiles"
        ? listProfiles(ctx, req)
        : getProfile(ctx, req, GET_ONE.exec(req.rawPath)?.[1] ?? ""),
  };
}
