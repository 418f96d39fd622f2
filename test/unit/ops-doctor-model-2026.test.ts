/** Doctor's advice for the Bedrock errors real accounts get in 2026 (texts and sources in the fixture). */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { modelRow } from "../../server/ops/doctor-model.ts";
import { profilePrefixForRegion, splitModelId } from "../../server/ops/inference-profiles.ts";
import { novaReplacement } from "../../server/ops/model-catalog.ts";

const fixture = JSON.parse(
  readFileSync(new URL("../fixtures/bedrock/errors-2026.json", import.meta.url), "utf8"),
) as {
  errors: Array<{ case: string; name: string; message: string }>;
};
const error = (c: string) => {
  const e = fixture.errors.find((x) => x.case === c)!;
  return {
    ok: false as const,
    error: { name: e.name, message: e.message, status: e.name === "AccessDeniedException" ? 403 : 404 },
  };
};

describe("doctor on 2026 Bedrock errors", () => {
  test("Legacy, 15- and 30-day variants: no access request, the Nova replacement named", () => {
    const r15 = modelRow("anthropic.claude-3-haiku-20240307-v1:0", "us-east-1", error("legacy-15"));
    assert.equal(r15.status, "fail");
    assert.match(r15.fix ?? "", /Legacy and this account has not used it in the last 15 days/);
    assert.match(r15.fix ?? "", /switch to amazon\.nova-lite-v1:0/);
    const r30 = modelRow("us.anthropic.claude-sonnet-4-20250514-v1:0", "us-west-2", error("legacy-30"));
    assert.match(r30.fix ?? "", /last 30 days/);
    assert.match(r30.fix ?? "", /switch to us\.amazon\.nova-pro-v1:0/);
  });

  test("end of life: Nova Premier moves to Nova Pro", () => {
    const r = modelRow("us.amazon.nova-premier-v1:0", "us-east-1", error("end-of-life"));
    assert.match(r.fix ?? "", /past its end of life.*switch to us\.amazon\.nova-pro-v1:0/);
  });

  test("access denied: payment instrument, Marketplace, IAM with the exact action; never 'request model access'", () => {
    const pay = modelRow("us.anthropic.claude-sonnet-4-20250514-v1:0", "us-east-1", error("payment"));
    assert.match(pay.fix ?? "", /payment method/);
    const mp = modelRow("us.anthropic.claude-sonnet-4-20250514-v1:0", "us-east-1", error("marketplace"));
    assert.match(mp.fix ?? "", /aws-marketplace:ViewSubscriptions and aws-marketplace:Subscribe/);
    const iam = modelRow("us.anthropic.claude-sonnet-4-20250514-v1:0", "us-east-1", error("iam"));
    assert.match(
      iam.fix ?? "",
      /^IAM: allow bedrock:InvokeModel on arn:aws:bedrock:us-east-1::foundation-model\/anthropic\.claude-sonnet-4-6 /,
    );
    for (const r of [pay, mp, iam]) assert.doesNotMatch(r.fix ?? "", /request model access/i);
  });

  test("jp., au. and ca. profile prefixes are profiles, not providers", () => {
    assert.deepEqual(splitModelId("jp.amazon.nova-lite-v1:0"), {
      prefix: "jp",
      baseId: "amazon.nova-lite-v1:0",
    });
    assert.deepEqual(splitModelId("au.anthropic.claude-sonnet-4-5-20250929-v1:0").prefix, "au");
    assert.deepEqual(splitModelId("ca.amazon.nova-lite-v1:0").prefix, "ca");
    assert.equal(profilePrefixForRegion("ca-central-1"), "ca");
    assert.equal(novaReplacement("jp.anthropic.claude-3-5-haiku-20241022-v1:0"), "amazon.nova-lite-v1:0");
  });
});
