/**
 * Inference profiles as the control plane lists them: the scenario's application profiles and the
 * catalogue's system-defined ones (us./eu./apac./global.).
 * Shapes from the service model (GetInferenceProfileResponse / InferenceProfileSummary:
 * inferenceProfileName, description, createdAt, updatedAt (ISO 8601 on the restJson wire),
 * inferenceProfileArn, models[{modelArn}], inferenceProfileId, status ACTIVE,
 * type SYSTEM_DEFINED|APPLICATION).
 */
import type { SandboxContext } from "../../core/types.ts";
import { type ApplicationProfile, profileArn, scenarioOf } from "../../workload/scenario.ts";
import { CATALOG, PROFILE_REGIONS } from "../bedrock/catalog.ts";

export const CREATED = "2026-10-01T09:00:00Z";

export interface ProfileOut {
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

export const foundationArn = (region: string, modelId: string) =>
  `arn:aws:bedrock:${region}::foundation-model/${modelId}`;

/** The application profile an ARN names in this account and Region, if any. */
export function applicationProfileByArn(
  ctx: SandboxContext,
  region: string,
  arn: string,
): ApplicationProfile | undefined {
  return scenarioOf(ctx.workload)
    .applicationProfiles()
    .find((p) => profileArn(region, ctx.accountId, p.id) === arn);
}

export function applicationProfiles(ctx: SandboxContext, region: string): ProfileOut[] {
  return scenarioOf(ctx.workload)
    .applicationProfiles()
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

export function systemProfiles(region: string): ProfileOut[] {
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
