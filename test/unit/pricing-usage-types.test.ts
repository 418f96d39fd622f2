/** The usage-type parser against a table of real Bedrock usage types (test/fixtures/bedrock-usage-types.ts). */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  familyFromModelId,
  familyFromName,
  marketplaceModelName,
  parseUsageType,
} from "../../server/pricing/usage-types.ts";
import { USAGE_TYPE_CASES } from "../fixtures/bedrock-usage-types.ts";

describe("parseUsageType over real usage types", () => {
  test("the table holds at least 30 real strings, each with a source", () => {
    assert.ok(USAGE_TYPE_CASES.length >= 30, `${USAGE_TYPE_CASES.length} cases`);
    for (const c of USAGE_TYPE_CASES) assert.ok(c.source.length > 0, c.usageType);
  });

  for (const c of USAGE_TYPE_CASES) {
    test(`${c.usageType}${c.service ? ` (${c.service})` : ""} [${c.source}]`, () => {
      const parsed = parseUsageType(c.usageType, c.service);
      if (c.expect === null) {
        assert.equal(parsed, null);
        return;
      }
      assert.ok(parsed, `expected ${c.usageType} to parse`);
      for (const [key, value] of Object.entries(c.expect)) {
        assert.equal(parsed[key as keyof typeof parsed], value, `${c.usageType}: ${key}`);
      }
    });
  }

  test("an unknown suffix is not guessed: the line stays unrecognised", () => {
    assert.equal(parseUsageType("USE1-NovaLite-input-tokens-turbo"), null);
  });

  test("a Marketplace usage type without its service names no model", () => {
    assert.equal(parseUsageType("USW2-MP:USW2_InputTokenCount-Units", "Amazon Bedrock"), null);
    assert.equal(
      parseUsageType("USW2-MP:USW2_InputTokenCount-Units", "Claude Haiku 4.5 (Amazon Bedrock Edition)")
        ?.family,
      "claude-haiku-4-5",
    );
  });
});

describe("model IDs meet usage types on one family key", () => {
  const pairs: Array<[string, string]> = [
    ["amazon.nova-lite-v1:0", "USE1-NovaLite-input-tokens"],
    ["us.amazon.nova-micro-v1:0", "USE1-NovaMicro-output-tokens"],
    ["global.amazon.nova-2-lite-v1:0", "USE1-Nova2.0Lite-input-tokens-cross-region-global"],
    ["amazon.nova-2-lite-v1:0", "USE1-Nova2.0Lite-output-tokens"],
    ["us.anthropic.claude-haiku-4-5-20251001-v1:0", "USW2-Claude4.5Haiku-input-tokens"],
    ["anthropic.claude-3-5-haiku-20241022-v1:0", "USE1-Claude3-5Haiku-input-tokens-latency-optimized"],
    ["anthropic.claude-3-haiku-20240307-v1:0", "USE1-Claude3Haiku-input-tokens"],
    ["arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0", "USE1-NovaPro-input-tokens"],
  ];
  for (const [modelId, usageType] of pairs) {
    test(`${modelId} ~ ${usageType}`, () => {
      assert.equal(familyFromModelId(modelId), parseUsageType(usageType)?.family);
    });
  }

  test("Marketplace service names", () => {
    assert.equal(marketplaceModelName("Claude Haiku 4.5 (Amazon Bedrock Edition)"), "Claude Haiku 4.5");
    assert.equal(familyFromName("Claude 4.6 Sonnet (Amazon Bedrock Edition)"), "claude-sonnet-4-6");
    assert.equal(marketplaceModelName("Amazon Bedrock"), null);
  });
});
