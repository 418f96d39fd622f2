/**
 * Doctor: which cost-attribution mechanisms the account has (issue #18) and the exact command that
 * turns each on — application inference profiles (and their tags), cost-allocation tags active in
 * Cost Explorer, model invocation logging and where it goes. The row builders are pure; `probe`
 * makes the calls (free Bedrock control-plane reads; ListCostAllocationTags is a Cost Explorer
 * request, skipped with --skip-bedrock like the other paid probes).
 */
import type { AwsClients } from "../aws/clients.ts";
import { bedrockRegion, type Config } from "../config.ts";
import { type InvocationLogging, invocationLogging } from "../sources/attribution-logging.ts";
import { type ApplicationProfile, listApplicationProfiles } from "../sources/attribution-profiles.ts";
import { TagCostsSource, type TagStatus } from "../sources/attribution-tags.ts";
import { SourceError } from "../sources/errors.ts";
import { type CheckRow, type Outcome, permissionRow, skippedRow } from "./doctor-checks.ts";
import { attempt, ONCE } from "./probe.ts";

export interface AttributionObservations {
  region: string;
  tagKeys: readonly string[];
  configuredLogGroup: string | undefined;
  profiles: Outcome<ApplicationProfile[]>;
  logging: Outcome<InvocationLogging>;
  /** null: not asked (--skip-bedrock). */
  tags: Outcome<TagStatus[]> | null;
}

export const FIXES = {
  createProfile: (region: string, model = "amazon.nova-lite-v1:0") =>
    `aws bedrock create-inference-profile --region ${region} --inference-profile-name twin-api --model-source copyFrom=arn:aws:bedrock:${region}::foundation-model/${model} --tags key=team,value=support key=app,value=twin-api`,
  tagProfile: (region: string, arn: string, key: string) =>
    `aws bedrock tag-resource --region ${region} --resource-arn ${arn} --tags key=${key},value=VALUE`,
  activateTag: (key: string) =>
    `aws ce update-cost-allocation-tags-status --cost-allocation-tags-status TagKey=${key},Status=Active`,
  logging: (region: string, group = "/aws/bedrock/modelinvocations") =>
    `aws bedrock put-model-invocation-logging-configuration --region ${region} --logging-config '{"cloudWatchConfig":{"logGroupName":"${group}","roleArn":"arn:aws:iam::ACCOUNT_ID:role/BedrockInvocationLogging"},"textDataDeliveryEnabled":false}'`,
} as const;

export function profilesRow(o: AttributionObservations): CheckRow[] {
  const id = "attribution:profiles";
  const title = "Application inference profiles";
  if (!o.profiles.ok) {
    const denied = permissionRow("bedrock:ListInferenceProfiles", o.profiles);
    return [{ ...denied, id, title }];
  }
  const list = o.profiles.value;
  if (list.length === 0)
    return [
      {
        id,
        status: "warn",
        title,
        detail: `none in ${o.region}: cost per application can only be estimated from request metadata`,
        fix: `Create one per application with tags and call Bedrock through its ARN: ${FIXES.createProfile(o.region)}`,
      },
    ];
  const rows: CheckRow[] = [
    {
      id,
      status: "pass",
      title,
      detail: list
        .map((p) => {
          const tags = Object.entries(p.tags).map(([k, v]) => `${k}=${v}`);
          return `${p.name} → ${p.model ?? "?"}${tags.length ? ` [${tags.join(", ")}]` : " [no tags]"}`;
        })
        .join("; "),
    },
  ];
  for (const key of o.tagKeys) {
    const missing = list.filter((p) => p.tags[key] === undefined && !p.error);
    if (missing.length === 0) continue;
    rows.push({
      id: `attribution:profile-tag:${key}`,
      status: "warn",
      title: `Profiles tagged "${key}"`,
      detail: `${missing.map((p) => p.name).join(", ")} carry no "${key}" tag: their spend is untagged on the bill`,
      fix: missing.map((p) => FIXES.tagProfile(o.region, p.arn, key)).join(" ; "),
    });
  }
  return rows;
}

export function tagRows(o: AttributionObservations): CheckRow[] {
  if (o.tags === null)
    return [
      skippedRow(
        "permission:ce:ListCostAllocationTags",
        "Cost-allocation tags",
        "--skip-bedrock (a Cost Explorer request costs $0.01)",
      ),
    ];
  if (!o.tags.ok) {
    const row = permissionRow("ce:ListCostAllocationTags", o.tags);
    return [{ ...row, title: "Cost-allocation tags" }];
  }
  return o.tags.value.map((t) => {
    const id = `attribution:tag:${t.key}`;
    const title = `Cost-allocation tag "${t.key}"`;
    if (t.status === "Active")
      return { id, status: "pass" as const, title, detail: `active (${t.type ?? "UserDefined"})` };
    return {
      id,
      status: "warn" as const,
      title,
      detail:
        t.status === "Inactive"
          ? "inactive: Cost Explorer shows all Bedrock spend as untagged for this key"
          : "unknown to Cost Explorer (no resource carried it yet, or it was applied less than 24 h ago)",
      fix:
        t.status === "Inactive"
          ? FIXES.activateTag(t.key)
          : `Tag a profile with it, then ${FIXES.activateTag(t.key)}`,
    };
  });
}

export function loggingRow(o: AttributionObservations): CheckRow {
  const id = "attribution:invocation-logging";
  const title = "Model invocation logging";
  if (!o.logging.ok) {
    const row = permissionRow("bedrock:GetModelInvocationLoggingConfiguration", o.logging);
    return { ...row, id, title };
  }
  const l = o.logging.value;
  const where = [l.logGroup ? `CloudWatch Logs ${l.logGroup}` : null, l.s3].filter(Boolean).join(" and ");
  if (!l.logGroup && !l.s3)
    return {
      id,
      status: "warn",
      title,
      detail: `off in ${o.region}: no per-request cost (requestMetadata, IAM principal)`,
      fix: `Create the log group and a role Bedrock can write with, then: ${FIXES.logging(o.region)}`,
    };
  if (!l.logGroup)
    return {
      id,
      status: "warn",
      title,
      detail: `on, to ${where} only: the Attribution panel reads CloudWatch Logs`,
      fix: `Add a CloudWatch Logs destination: ${FIXES.logging(o.region)}`,
    };
  if (o.configuredLogGroup && o.configuredLogGroup !== l.logGroup)
    return {
      id,
      status: "warn",
      title,
      detail: `on, to ${where}; but attribution.invocationLogGroup names ${o.configuredLogGroup}`,
      fix: `Set attribution.invocationLogGroup to ${l.logGroup} (or leave it out to use what Bedrock reports)`,
    };
  return { id, status: "pass", title, detail: `on, to ${where}` };
}

export function attributionRows(o: AttributionObservations): CheckRow[] {
  return [...profilesRow(o), ...tagRows(o), loggingRow(o)];
}

/** The readers wrap AWS errors in SourceError; doctor's rules read the AWS error itself. */
async function raw<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof SourceError && err.cause) throw err.cause;
    throw err;
  }
}

export async function probeAttribution(
  config: Config,
  clients: AwsClients,
  skipPaid: boolean,
): Promise<CheckRow[]> {
  const region = bedrockRegion(config);
  const control = clients.bedrockControl({ region, ...ONCE });
  const profiles = await attempt(() => raw(() => listApplicationProfiles(control)));
  const logging = await attempt(() => raw(() => invocationLogging(control)));
  const tags = skipPaid
    ? null
    : await attempt(() =>
        raw(
          async () =>
            (await new TagCostsSource(clients.costExplorer(ONCE)).status(config.attribution.tagKeys)).tags,
        ),
      );
  return attributionRows({
    region,
    tagKeys: config.attribution.tagKeys,
    configuredLogGroup: config.attribution.invocationLogGroup,
    profiles,
    logging,
    tags,
  });
}
