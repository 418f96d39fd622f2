/**
 * Doctor, the pure half: each function turns what was observed into a row (pass / warn / fail,
 * what was found, how to fix it). No I/O here; doctor-run.ts gathers the observations.
 */
import { type ErrorFacts, isAccessDenied, isNotFound } from "./aws-errors.ts";
import { profilePrefixForRegion } from "./inference-profiles.ts";

export type Status = "pass" | "warn" | "fail";

export interface CheckRow {
  /** Stable ID for scripts, e.g. "permission:logs:StartQuery", "model:amazon.nova-lite-v1:0". */
  id: string;
  status: Status;
  title: string;
  detail: string;
  /** What to do; absent when the row passes. */
  fix?: string;
}

/** An observed call: succeeded (with an optional value) or failed with an AWS error. */
export type Outcome<T = undefined> = { ok: true; value: T } | { ok: false; error: ErrorFacts };

/** AWS SDK credential feature codes ($source on the resolved identity) to a readable source. */
const CREDENTIAL_SOURCES: Readonly<Record<string, string>> = {
  CREDENTIALS_CODE: "credentials passed in code",
  CREDENTIALS_ENV_VARS: "environment variables (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)",
  CREDENTIALS_ENV_VARS_STS_WEB_ID_TOKEN:
    "web identity token from the environment (AWS_WEB_IDENTITY_TOKEN_FILE)",
  CREDENTIALS_PROFILE: "shared config/credentials file profile",
  CREDENTIALS_PROFILE_SOURCE_PROFILE: "profile with source_profile (assume role)",
  CREDENTIALS_PROFILE_NAMED_PROVIDER: "profile with credential_source",
  CREDENTIALS_PROFILE_STS_WEB_ID_TOKEN: "profile with web_identity_token_file",
  CREDENTIALS_PROFILE_SSO: "profile with IAM Identity Center (SSO)",
  CREDENTIALS_SSO: "IAM Identity Center (SSO)",
  CREDENTIALS_PROFILE_SSO_LEGACY: "profile with legacy SSO settings",
  CREDENTIALS_SSO_LEGACY: "legacy SSO",
  CREDENTIALS_PROFILE_PROCESS: "profile with credential_process",
  CREDENTIALS_PROCESS: "credential_process",
  CREDENTIALS_PROFILE_LOGIN: "profile with console login (aws login)",
  CREDENTIALS_LOGIN: "console login (aws login)",
  CREDENTIALS_STS_ASSUME_ROLE: "assumed role (STS AssumeRole)",
  CREDENTIALS_STS_ASSUME_ROLE_WEB_ID: "assumed role with web identity (e.g. EKS/GitHub OIDC)",
  CREDENTIALS_HTTP: "container credentials endpoint (ECS task role)",
  CREDENTIALS_IMDS: "EC2 instance metadata (instance profile)",
};

/** The most specific credential source named by the SDK's `$source` features, if any. */
export function credentialSource(
  features: Readonly<Record<string, string>> | undefined,
  profile?: string,
): string {
  const names = Object.keys(features ?? {});
  const order = Object.keys(CREDENTIAL_SOURCES);
  const known = names
    .filter((n) => n in CREDENTIAL_SOURCES)
    .sort((a, b) => order.indexOf(b) - order.indexOf(a));
  if (known[0]) {
    const label = CREDENTIAL_SOURCES[known[0]]!;
    return known[0].includes("PROFILE") && profile ? `${label} "${profile}"` : label;
  }
  return profile ? `profile "${profile}" (from config or AWS_PROFILE)` : "the default AWS credential chain";
}

export function configRow(source: string, problems: readonly string[] | undefined): CheckRow {
  if (problems && problems.length > 0) {
    return {
      id: "config",
      status: "fail",
      title: "Configuration",
      detail: `${source}: ${problems.join("; ")}`,
      fix: "Correct the fields listed (compare with config.example.json)",
    };
  }
  return { id: "config", status: "pass", title: "Configuration", detail: `valid (${source})` };
}

export function credentialsRow(
  identity: Outcome<{ arn: string; account: string; source: string }>,
): CheckRow {
  if (identity.ok) {
    return {
      id: "credentials",
      status: "pass",
      title: "Credentials",
      detail: `${identity.value.arn} (account ${identity.value.account}) from ${identity.value.source}`,
    };
  }
  const { name, message } = identity.error;
  const expired = /Expired|ExpiredToken|InvalidClientTokenId|SignatureDoesNotMatch/i.test(
    `${name} ${message}`,
  );
  return {
    id: "credentials",
    status: "fail",
    title: "Credentials",
    detail: `${name}: ${message}`,
    fix: expired
      ? "The credentials are invalid or expired: refresh them (aws sso login, or new access keys)"
      : "No usable credentials: set AWS_PROFILE / aws.profile, run `aws configure`, or attach a role",
  };
}

export function regionRow(regions: { aws: string; lambda: string; bedrock: string }): CheckRow {
  const prefix = profilePrefixForRegion(regions.bedrock);
  const detail = `aws.region ${regions.aws}, Lambda ${regions.lambda}, Bedrock ${regions.bedrock} (inference profiles: ${prefix}.)`;
  if (regions.lambda !== regions.bedrock) {
    return {
      id: "region",
      status: "warn",
      title: "Regions",
      detail,
      fix: `Lambda and Bedrock are in different regions: Bedrock metrics are read from ${regions.bedrock}; use ${prefix}. inference-profile IDs if on-demand calls fail`,
    };
  }
  return { id: "region", status: "pass", title: "Regions", detail };
}

/** A permission probe: the call succeeding (or failing for any reason but access) proves the permission. */
export function permissionRow(action: string, outcome: Outcome<unknown>, note?: string): CheckRow {
  const id = `permission:${action}`;
  const title = `Permission ${action}`;
  if (outcome.ok) return { id, status: "pass", title, detail: note ? `allowed (${note})` : "allowed" };
  if (isAccessDenied(outcome.error)) {
    return {
      id,
      status: "fail",
      title,
      detail: `${outcome.error.name}: ${outcome.error.message}`,
      fix: `Grant ${action} (see \`bedrock-ops iam-policy\`)`,
    };
  }
  if (isNotFound(outcome.error))
    return {
      id,
      status: "pass",
      title,
      detail: `allowed (${outcome.error.name} proves the call was authorised)`,
    };
  return {
    id,
    status: "warn",
    title,
    detail: `${outcome.error.name}: ${outcome.error.message}`,
    fix: "Could not confirm the permission; retry later",
  };
}

export function skippedRow(id: string, title: string, reason: string): CheckRow {
  return { id, status: "warn", title, detail: `skipped: ${reason}` };
}

export function logGroupRow(name: string, found: Outcome<boolean>): CheckRow {
  const id = `log-group:${name}`;
  const title = `Log group ${name}`;
  if (!found.ok) {
    return {
      id,
      status: "fail",
      title,
      detail: `${found.error.name}: ${found.error.message}`,
      fix: "Grant logs:DescribeLogGroups to check it",
    };
  }
  if (found.value) return { id, status: "pass", title, detail: "exists" };
  return {
    id,
    status: "fail",
    title,
    detail: "does not exist in this account and region",
    fix: "Check lambda.functions[].logGroup and lambda.region; Lambda creates /aws/lambda/<function> on its first invocation",
  };
}

/** Whether a metric has at least one datapoint in the window. */
export function metricDataRow(
  id: string,
  title: string,
  outcome: Outcome<number[]>,
  fixIfEmpty: string,
): CheckRow {
  if (!outcome.ok) {
    const fix = isAccessDenied(outcome.error) ? "Grant cloudwatch:GetMetricData" : "Retry later";
    return { id, status: "fail", title, detail: `${outcome.error.name}: ${outcome.error.message}`, fix };
  }
  const total = outcome.value.reduce((a, b) => a + b, 0);
  if (outcome.value.length === 0)
    return { id, status: "warn", title, detail: "no datapoints in the last 24 h", fix: fixIfEmpty };
  return {
    id,
    status: "pass",
    title,
    detail: `${outcome.value.length} datapoints, sum ${total} in the last 24 h`,
  };
}

export interface DoctorSummary {
  pass: number;
  warn: number;
  fail: number;
  exitCode: number;
}

export function summarize(rows: readonly CheckRow[]): DoctorSummary {
  const count = (s: Status) => rows.filter((r) => r.status === s).length;
  const fail = count("fail");
  return { pass: count("pass"), warn: count("warn"), fail, exitCode: fail > 0 ? 1 : 0 };
}

const MARK: Record<Status, string> = { pass: "PASS", warn: "WARN", fail: "FAIL" };

export function formatRows(rows: readonly CheckRow[]): string {
  const lines: string[] = [];
  for (const r of rows) {
    lines.push(`${MARK[r.status]}  ${r.title}: ${r.detail}`);
    if (r.fix) lines.push(`      fix: ${r.fix}`);
  }
  const s = summarize(rows);
  lines.push("", `${s.pass} passed, ${s.warn} warnings, ${s.fail} failed`);
  return lines.join("\n");
}
