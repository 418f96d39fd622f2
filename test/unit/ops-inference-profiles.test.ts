import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  accessRegions,
  profilePrefixForRegion,
  splitModelId,
  suggestProfileId,
} from "../../server/ops/inference-profiles.ts";
import { editDistance, nearestModelId } from "../../server/ops/model-catalog.ts";

describe("inference profiles", () => {
  it("splits profile IDs but not provider names", () => {
    assert.deepEqual(splitModelId("us.amazon.nova-lite-v1:0"), {
      prefix: "us",
      baseId: "amazon.nova-lite-v1:0",
    });
    assert.deepEqual(splitModelId("us-gov.amazon.nova-lite-v1:0"), {
      prefix: "us-gov",
      baseId: "amazon.nova-lite-v1:0",
    });
    assert.deepEqual(splitModelId("amazon.nova-lite-v1:0"), { baseId: "amazon.nova-lite-v1:0" });
  });

  it("picks the prefix for a region", () => {
    assert.equal(profilePrefixForRegion("us-east-2"), "us");
    assert.equal(profilePrefixForRegion("eu-north-1"), "eu");
    assert.equal(profilePrefixForRegion("ap-northeast-1"), "apac");
    assert.equal(profilePrefixForRegion("us-gov-west-1"), "us-gov");
    assert.equal(suggestProfileId("amazon.nova-pro-v1:0", "eu-west-3"), "eu.amazon.nova-pro-v1:0");
  });

  it("lists the seed's access regions per profile", () => {
    assert.deepEqual(accessRegions("us.amazon.nova-lite-v1:0", "us-east-1"), [
      "us-east-1",
      "us-east-2",
      "us-west-2",
    ]);
    assert.deepEqual(accessRegions("eu.amazon.nova-lite-v1:0", "eu-west-1"), [
      "eu-central-1",
      "eu-north-1",
      "eu-west-1",
      "eu-west-3",
    ]);
    assert.deepEqual(accessRegions("amazon.nova-lite-v1:0", "us-east-1"), ["us-east-1"]);
  });
});

describe("nearest model ID", () => {
  it("computes edit distances", () => {
    assert.equal(editDistance("kitten", "sitting"), 3);
    assert.equal(editDistance("", "abc"), 3);
    assert.equal(editDistance("same", "same"), 0);
  });

  it("finds typos and wrong versions", () => {
    assert.equal(nearestModelId("amazon.nova-lite-v1"), "amazon.nova-lite-v1:0");
    assert.equal(nearestModelId("amazon.nova-mikro-v1:0"), "amazon.nova-micro-v1:0");
    assert.equal(nearestModelId("eu.amazon.nova-pro-v2:0"), "eu.amazon.nova-pro-v1:0");
  });

  it("suggests nothing for an exact match or something unrelated", () => {
    assert.equal(nearestModelId("amazon.nova-lite-v1:0"), undefined);
    assert.equal(nearestModelId("totally-unrelated-thing"), undefined);
  });
});
