import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CATALOG, PROFILE_REGIONS } from "../../server/sandbox/providers/bedrock/catalog.ts";
import {
  accessDenied,
  accessRegions,
  checkModelId,
  MODEL_ERROR_MESSAGES,
  nearestModelIds,
  ON_DEMAND_PATTERN,
  profileIdFor,
  splitProfileId,
} from "../../server/sandbox/providers/bedrock/model-ids.ts";

function okCheck(id: string, region: string) {
  const check = checkModelId(id, region);
  assert.ok(check.ok, `${id} from ${region} should resolve`);
  return check;
}

describe("Bedrock model-ID rules", () => {
  it("routes the us. and eu. profiles to the Regions the seed lists", () => {
    // Assess: seed 000 (us. -> 3 US Regions, eu. -> 4 EU Regions)
    assert.deepEqual([...PROFILE_REGIONS.us.destinations], ["us-east-1", "us-east-2", "us-west-2"]);
    assert.deepEqual(
      [...PROFILE_REGIONS.eu.destinations],
      ["eu-central-1", "eu-north-1", "eu-west-1", "eu-west-3"],
    );
    assert.deepEqual(accessRegions("eu.amazon.nova-lite-v1:0", "eu-west-1"), PROFILE_REGIONS.eu.destinations);
    assert.deepEqual(accessRegions("amazon.nova-lite-v1:0", "us-east-1"), ["us-east-1"]);
  });

  it("accepts a Nova base ID on demand in us-east-1 and its us. profile from us-west-2", () => {
    // Act
    const base = okCheck("amazon.nova-lite-v1:0", "us-east-1");
    const profile = okCheck("us.amazon.nova-lite-v1:0", "us-west-2");
    // Assess
    assert.equal(base.invokedId, "amazon.nova-lite-v1:0");
    assert.deepEqual(base.destinations, ["us-east-1"]);
    assert.equal(profile.invokedId, "us.amazon.nova-lite-v1:0");
    assert.equal(profile.profile, "us");
    assert.equal(profile.model.id, "amazon.nova-lite-v1:0");
  });

  it("answers the on-demand ValidationException for a base ID that needs a profile in the Region", () => {
    // Act
    const check = checkModelId("amazon.nova-pro-v1:0", "eu-west-1");
    // Assess
    assert.equal(check.ok, false);
    assert.ok(!check.ok);
    assert.equal(check.code, "ValidationException");
    assert.equal(check.message, MODEL_ERROR_MESSAGES.onDemandNotSupported("amazon.nova-pro-v1:0"));
    assert.match(check.message, ON_DEMAND_PATTERN);
    assert.match(
      check.message,
      /^Invocation of model ID amazon\.nova-pro-v1:0 with on-demand throughput isn’t supported\. Retry/,
    );
  });

  it("forces the on-demand error everywhere for settings.profileOnly models", () => {
    // Act
    const check = checkModelId("amazon.nova-pro-v1:0", "us-east-1", {
      profileOnly: ["amazon.nova-pro-v1:0"],
    });
    // Assess
    assert.ok(!check.ok);
    assert.match(check.message, ON_DEMAND_PATTERN);
  });

  it("calls unknown IDs and profiles used outside their source Regions invalid identifiers", () => {
    // Act
    const unknown = checkModelId("amazon.nova-mega-v1:0", "us-east-1");
    const wrongRegion = checkModelId("eu.amazon.nova-lite-v1:0", "us-east-1");
    const noSuchProfile = checkModelId("eu.amazon.nova-premier-v1:0", "eu-west-1");
    // Assess
    for (const check of [unknown, wrongRegion, noSuchProfile]) {
      assert.ok(!check.ok);
      assert.equal(check.code, "ValidationException");
      assert.equal(check.message, "The provided model identifier is invalid.");
    }
  });

  it("answers ResourceNotFoundException for a Legacy model, as AWS does", () => {
    // Act
    const check = checkModelId("anthropic.claude-v2:1", "us-east-1");
    // Assess
    assert.ok(!check.ok);
    assert.equal(check.code, "ResourceNotFoundException");
    assert.equal(check.status, 404);
    assert.match(check.message, /marked by provider as Legacy/);
  });

  it("accepts foundation-model and inference-profile ARNs of the request's Region only", () => {
    // Act
    const fm = checkModelId(
      "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-micro-v1:0",
      "us-east-1",
    );
    const ip = checkModelId(
      "arn:aws:bedrock:us-east-2:123456789012:inference-profile/us.amazon.nova-pro-v1:0",
      "us-east-2",
    );
    const otherRegion = checkModelId(
      "arn:aws:bedrock:us-west-2::foundation-model/amazon.nova-micro-v1:0",
      "us-east-1",
    );
    // Assess
    assert.ok(fm.ok);
    assert.equal(fm.invokedId, "amazon.nova-micro-v1:0");
    assert.ok(ip.ok);
    assert.equal(ip.invokedId, "us.amazon.nova-pro-v1:0");
    assert.equal(otherRegion.ok, false);
  });

  it("suggests the profile for a Region and splits profile IDs", () => {
    // Assess
    assert.equal(profileIdFor("amazon.nova-pro-v1:0", "eu-west-3"), "eu.amazon.nova-pro-v1:0");
    assert.equal(profileIdFor("amazon.nova-pro-v1:0", "ap-southeast-2"), "apac.amazon.nova-pro-v1:0");
    assert.equal(profileIdFor("amazon.nova-pro-v1:0", "sa-east-1"), undefined);
    assert.deepEqual(splitProfileId("us-gov.amazon.nova-lite-v1:0"), {
      prefix: "us-gov",
      baseId: "amazon.nova-lite-v1:0",
    });
    assert.deepEqual(splitProfileId("amazon.nova-lite-v1:0"), { baseId: "amazon.nova-lite-v1:0" });
  });

  it("denies access by base ID, by profile ID, and by a Region inside the profile", () => {
    // Prepare
    const us = okCheck("us.amazon.nova-pro-v1:0", "us-east-1");
    const base = okCheck("amazon.nova-pro-v1:0", "us-east-1");
    // Assess
    assert.equal(accessDenied(["amazon.nova-pro-v1:0"], us), true);
    assert.equal(accessDenied(["us.amazon.nova-pro-v1:0"], us), true);
    assert.equal(accessDenied(["us.amazon.nova-pro-v1:0"], base), false);
    assert.equal(accessDenied(["amazon.nova-pro-v1:0@us-east-2"], us), true);
    assert.equal(accessDenied(["amazon.nova-pro-v1:0@us-east-2"], base), false);
    assert.equal(accessDenied(["amazon.nova-lite-v1:0"], us), false);
  });

  it("suggests the nearest valid IDs for a mistyped one, in the caller's Region", () => {
    assert.equal(nearestModelIds("amazon.nova-lite-v1", "us-east-1")[0], "amazon.nova-lite-v1:0");
    assert.equal(nearestModelIds("eu.amazon.nova-prp-v1:0", "eu-west-1")[0], "eu.amazon.nova-pro-v1:0");
  });

  it("carries AWS's default Nova quotas", () => {
    // Assess: DESIGN.md: Micro/Lite 2,000 RPM 4M TPM; Pro 200 RPM 800k TPM
    const quota = (id: string) => CATALOG.find((m) => m.id === id)?.quota;
    assert.deepEqual(quota("amazon.nova-micro-v1:0"), { rpm: 2000, tpm: 4_000_000 });
    assert.deepEqual(quota("amazon.nova-lite-v1:0"), { rpm: 2000, tpm: 4_000_000 });
    assert.deepEqual(quota("amazon.nova-pro-v1:0"), { rpm: 200, tpm: 800_000 });
  });
});
