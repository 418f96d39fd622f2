import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type CheckRow,
  credentialSource,
  credentialsRow,
  logGroupRow,
  metricDataRow,
  permissionRow,
  regionRow,
  summarize,
} from "../../server/ops/doctor-checks.ts";
import { modelRow } from "../../server/ops/doctor-model.ts";

// Error messages as Bedrock Runtime sends them (see server/sandbox/providers/bedrock/catalog.ts for their sources).
const ON_DEMAND =
  "Invocation of model ID amazon.nova-lite-v1:0 with on-demand throughput isn\u2019t supported. Retry your request with the ID or ARN of an inference profile that contains this model.";
const fail = (name: string, message: string, status?: number) => ({
  ok: false as const,
  error: status ? { name, message, status } : { name, message },
});

describe("doctor: model rows", () => {
  it("suggests the us. profile for an on-demand-not-supported error in us-west-2, with its regions", () => {
    const row = modelRow("amazon.nova-lite-v1:0", "us-west-2", fail("ValidationException", ON_DEMAND));
    assert.equal(row.status, "fail");
    assert.match(row.fix!, /use us\.amazon\.nova-lite-v1:0/);
    assert.match(row.fix!, /"profile": "us"/);
    assert.match(row.fix!, /us-east-1, us-east-2, us-west-2/);
  });

  it("suggests the eu. profile from eu-west-1 and apac. from ap-southeast-2", () => {
    assert.match(
      modelRow("amazon.nova-pro-v1:0", "eu-west-1", fail("ValidationException", ON_DEMAND)).fix!,
      /eu\.amazon\.nova-pro-v1:0.*eu-central-1, eu-north-1, eu-west-1, eu-west-3/,
    );
    assert.match(
      modelRow("amazon.nova-pro-v1:0", "ap-southeast-2", fail("ValidationException", ON_DEMAND)).fix!,
      /apac\.amazon\.nova-pro-v1:0/,
    );
  });

  it("names every region of the eu. profile where access must be granted (seed 000)", () => {
    const row = modelRow(
      "eu.amazon.nova-lite-v1:0",
      "eu-west-3",
      fail("AccessDeniedException", "You don't have access to the model with the specified model ID.", 403),
    );
    assert.equal(row.status, "fail");
    assert.match(
      row.fix!,
      /foundation-model\/amazon\.nova-lite-v1:0 in eu-central-1, eu-north-1, eu-west-1, eu-west-3/,
    );
    assert.doesNotMatch(row.fix!, /request model access/i);
  });

  it("names the one region for a base model ID without access", () => {
    const row = modelRow(
      "amazon.nova-micro-v1:0",
      "us-east-1",
      fail("AccessDeniedException", "You don't have access to the model with the specified model ID.", 403),
    );
    assert.match(row.fix!, /arn:aws:bedrock:us-east-1::foundation-model\/amazon\.nova-micro-v1:0/);
    assert.match(row.fix!, /model access is on by default/);
  });

  it("suggests the nearest valid ID for an unknown one", () => {
    const row = modelRow(
      "amazon.nova-lte-v1:0",
      "us-east-1",
      fail("ValidationException", "The provided model identifier is invalid."),
    );
    assert.equal(row.status, "fail");
    assert.match(row.fix!, /did you mean amazon\.nova-lite-v1:0\?/);
  });

  it("keeps the profile prefix in the suggestion", () => {
    const row = modelRow(
      "us.amazon.nova-prro-v1:0",
      "us-east-1",
      fail("ValidationException", "The provided model identifier is invalid."),
    );
    assert.match(row.fix!, /did you mean us\.amazon\.nova-pro-v1:0\?/);
  });

  it("explains a profile called from outside its geography", () => {
    const row = modelRow(
      "eu.amazon.nova-lite-v1:0",
      "us-east-1",
      fail("ValidationException", "The provided model identifier is invalid."),
    );
    assert.match(
      row.fix!,
      /The eu\. profile cannot be called from us-east-1: use us\.amazon\.nova-lite-v1:0/,
    );
  });

  it("warns (not fails) on throttling", () => {
    const row = modelRow(
      "us.amazon.nova-pro-v1:0",
      "us-east-1",
      fail("ThrottlingException", "Too many requests, please wait before trying again.", 429),
    );
    assert.equal(row.status, "warn");
    assert.match(row.fix!, /quota/);
  });

  it("passes with the call's cost", () => {
    const row = modelRow("amazon.nova-lite-v1:0", "us-east-1", {
      ok: true,
      value: { inputTokens: 7, outputTokens: 1, latencyMs: 312, costUsd: (7 * 0.06 + 0.24) / 1e6 },
    });
    assert.equal(row.status, "pass");
    assert.equal(row.detail, "Converse answered in 312 ms, 7+1 tokens, cost $0.00000066");
  });
});

describe("doctor: other rows", () => {
  it("names the credential source from the SDK's $source features, most specific first", () => {
    assert.equal(
      credentialSource({ CREDENTIALS_ENV_VARS: "g" }),
      "environment variables (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)",
    );
    assert.equal(
      credentialSource(
        { CREDENTIALS_PROFILE: "n", CREDENTIALS_PROFILE_SSO: "r", CREDENTIALS_SSO: "s" },
        "dev",
      ),
      "IAM Identity Center (SSO)",
    );
    assert.equal(
      credentialSource({ CREDENTIALS_PROFILE: "n" }, "dev"),
      'shared config/credentials file profile "dev"',
    );
    assert.equal(credentialSource(undefined, "dev"), 'profile "dev" (from config or AWS_PROFILE)');
    assert.equal(
      credentialSource({ CREDENTIALS_HTTP: "z" }),
      "container credentials endpoint (ECS task role)",
    );
  });

  it("fails expired credentials with a refresh hint", () => {
    const row = credentialsRow(
      fail("ExpiredTokenException", "The security token included in the request is expired"),
    );
    assert.equal(row.status, "fail");
    assert.match(row.fix!, /refresh/);
  });

  it("fails an access-denied probe naming the permission, and passes a NotFound probe", () => {
    const denied = permissionRow(
      "ce:GetCostAndUsage",
      fail("AccessDeniedException", "User: arn:aws:iam::1:user/x is not authorized"),
    );
    assert.equal(denied.status, "fail");
    assert.equal(denied.fix, "Grant ce:GetCostAndUsage (see `bedrock-ops iam-policy`)");
    assert.equal(permissionRow("budgets:ViewBudget", fail("NotFoundException", "no budget")).status, "pass");
    assert.equal(
      permissionRow("logs:StartQuery", fail("ServiceUnavailableException", "try later")).status,
      "warn",
    );
  });

  it("fails a missing log group", () => {
    const row = logGroupRow("/aws/lambda/twin-apii", { ok: true, value: false });
    assert.equal(row.status, "fail");
    assert.equal(row.id, "log-group:/aws/lambda/twin-apii");
  });

  it("warns when a metric has no data and passes with the sum", () => {
    assert.equal(
      metricDataRow("m", "Lambda metrics twin-api", { ok: true, value: [] }, "check the name").status,
      "warn",
    );
    const row = metricDataRow(
      "m",
      "Lambda metrics twin-api",
      { ok: true, value: [120, 80] },
      "check the name",
    );
    assert.equal(row.detail, "2 datapoints, sum 200 in the last 24 h");
  });

  it("warns when Lambda and Bedrock regions differ", () => {
    assert.equal(regionRow({ aws: "us-east-1", lambda: "us-east-1", bedrock: "us-east-1" }).status, "pass");
    assert.match(
      regionRow({ aws: "eu-west-1", lambda: "eu-west-1", bedrock: "eu-central-1" }).fix!,
      /eu\. inference-profile IDs/,
    );
  });

  it("exits non-zero only when a row fails", () => {
    const rows = (statuses: CheckRow["status"][]) =>
      statuses.map((status, i) => ({ id: String(i), status, title: "t", detail: "d" }));
    assert.deepEqual(summarize(rows(["pass", "warn"])), { pass: 1, warn: 1, fail: 0, exitCode: 0 });
    assert.equal(summarize(rows(["pass", "fail"])).exitCode, 1);
  });
});
