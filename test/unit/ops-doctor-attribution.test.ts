/**
 * Doctor's attribution rows (pure): which mechanisms the account has and the exact command to turn
 * each on, from observations shaped as AWS answers them (test/fixtures/attribution/payloads.ts).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type AttributionObservations, attributionRows } from "../../server/ops/doctor-attribution.ts";
import { PROFILE_ARN } from "../fixtures/attribution/payloads.ts";

const base: AttributionObservations = {
  region: "us-east-1",
  tagKeys: ["team", "app"],
  configuredLogGroup: undefined,
  profiles: {
    ok: true,
    value: [
      {
        id: "a1b2c3d4e5f6",
        arn: PROFILE_ARN,
        name: "twin-support",
        model: "amazon.nova-pro-v1:0",
        tags: { team: "support" },
      },
    ],
  },
  logging: { ok: true, value: { logGroup: "/aws/bedrock/invocations", s3: null, text: false } },
  tags: {
    ok: true,
    value: [
      { key: "team", status: "Active", type: "UserDefined", lastUsedDate: null },
      { key: "app", status: "Inactive", type: "UserDefined", lastUsedDate: null },
    ],
  },
};

const byId = (rows: ReturnType<typeof attributionRows>, id: string) => {
  const row = rows.find((r) => r.id === id);
  assert.ok(row, `no row ${id} in ${rows.map((r) => r.id).join(", ")}`);
  return row;
};

describe("doctor: attribution mechanisms", () => {
  it("passes what is on and says how to turn on what is off", () => {
    const rows = attributionRows(base);
    assert.equal(byId(rows, "attribution:profiles").status, "pass");
    assert.match(
      byId(rows, "attribution:profiles").detail,
      /twin-support → amazon\.nova-pro-v1:0 \[team=support\]/,
    );
    // The profile lacks an app tag: the exact tag-resource command for its ARN.
    const untagged = byId(rows, "attribution:profile-tag:app");
    assert.equal(untagged.status, "warn");
    assert.equal(
      untagged.fix,
      `aws bedrock tag-resource --region us-east-1 --resource-arn ${PROFILE_ARN} --tags key=app,value=VALUE`,
    );
    assert.equal(byId(rows, "attribution:tag:team").status, "pass");
    const app = byId(rows, "attribution:tag:app");
    assert.equal(app.status, "warn");
    assert.equal(
      app.fix,
      "aws ce update-cost-allocation-tags-status --cost-allocation-tags-status TagKey=app,Status=Active",
    );
    const logging = byId(rows, "attribution:invocation-logging");
    assert.equal(logging.status, "pass");
    assert.equal(logging.detail, "on, to CloudWatch Logs /aws/bedrock/invocations");
  });

  it("logging off, S3 only, or a configured group that differs: a warning with the fix", () => {
    const off = byId(
      attributionRows({ ...base, logging: { ok: true, value: { logGroup: null, s3: null, text: false } } }),
      "attribution:invocation-logging",
    );
    assert.equal(off.status, "warn");
    assert.match(
      off.fix ?? "",
      /aws bedrock put-model-invocation-logging-configuration --region us-east-1 --logging-config/,
    );
    const s3 = byId(
      attributionRows({
        ...base,
        logging: {
          ok: true,
          value: { logGroup: null, s3: "s3://twin-bedrock-logs/invocations/", text: true },
        },
      }),
      "attribution:invocation-logging",
    );
    assert.match(s3.detail, /s3:\/\/twin-bedrock-logs\/invocations\/ only/);
    const differs = byId(
      attributionRows({ ...base, configuredLogGroup: "/aws/bedrock/other" }),
      "attribution:invocation-logging",
    );
    assert.equal(differs.status, "warn");
    assert.match(differs.fix ?? "", /attribution\.invocationLogGroup to \/aws\/bedrock\/invocations/);
  });

  it("no profile: a warning with the create-inference-profile command; denied: a failing permission", () => {
    const none = byId(
      attributionRows({ ...base, profiles: { ok: true, value: [] } }),
      "attribution:profiles",
    );
    assert.equal(none.status, "warn");
    assert.match(
      none.fix ?? "",
      /aws bedrock create-inference-profile --region us-east-1 .*--model-source copyFrom=arn:aws:bedrock:us-east-1::foundation-model\//,
    );
    const denied = byId(
      attributionRows({
        ...base,
        profiles: { ok: false, error: { name: "AccessDeniedException", message: "not authorized" } },
      }),
      "attribution:profiles",
    );
    assert.equal(denied.status, "fail");
    assert.match(denied.fix ?? "", /bedrock:ListInferenceProfiles/);
  });

  it("skips the Cost Explorer probe under --skip-bedrock", () => {
    const rows = attributionRows({ ...base, tags: null });
    assert.equal(byId(rows, "permission:ce:ListCostAllocationTags").status, "warn");
    assert.ok(!rows.some((r) => r.id.startsWith("attribution:tag:")));
  });
});
