import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Bill, bedrockLines } from "../../server/sandbox/workload/bill.ts";
import {
  BEDROCK_PRICES,
  bedrockUsageType,
  modelName,
  usageTypeModelFamily,
} from "../../server/sandbox/workload/bill-prices.ts";
import { type BedrockCall, DAY, Workload } from "../../server/sandbox/workload/model.ts";
import { scenarioByName } from "../../server/sandbox/workload/scenario.ts";

const NOW = Date.UTC(2026, 10, 18, 15, 30);
const TODAY = Date.UTC(2026, 10, 18);
const MODELS = ["amazon.nova-micro-v1:0", "amazon.nova-lite-v1:0", "amazon.nova-pro-v1:0"];
const makeWorkload = () =>
  new Workload({ seed: 42, region: "us-east-1", functions: ["twin-api"], models: MODELS, now: () => NOW });

function call(modelId: string, region: string, inputTokens: number, outputTokens: number): BedrockCall {
  return {
    modelId,
    region,
    inputTokens,
    outputTokens,
    time: NOW - 1000,
    operation: "Converse",
    status: "ok",
    latencyMs: 900,
    ttftMs: 300,
    source: "live",
  };
}

describe("bill usage types", () => {
  it("maps usage types to model families and leaves other usage types unmapped", () => {
    assert.equal(usageTypeModelFamily("USE1-NovaLite-input-tokens"), "NovaLite");
    assert.equal(usageTypeModelFamily("EU-NovaPro-output-tokens"), "NovaPro");
    assert.equal(usageTypeModelFamily("APS2-Claude3Haiku-cache-read-input-token-count"), "Claude3Haiku");
    assert.equal(usageTypeModelFamily("USE1-Request"), undefined);
    assert.equal(usageTypeModelFamily("USE1-Lambda-GB-Second"), undefined);
  });

  it("names models from base and cross-region profile IDs, and builds AWS's region codes", () => {
    assert.equal(modelName("amazon.nova-micro-v1:0"), "NovaMicro");
    assert.equal(modelName("us.amazon.nova-premier-v1:0"), "NovaPremier");
    assert.equal(modelName("eu.anthropic.claude-3-haiku-20240307-v1:0"), "Claude3Haiku");
    assert.equal(modelName("apac.anthropic.claude-3-sonnet-20240229-v1:0"), "Claude3Sonnet");
    assert.equal(modelName("meta.llama3-70b-instruct-v1:0"), undefined);
    assert.equal(bedrockUsageType("eu-west-1", "NovaLite", "input-tokens"), "EU-NovaLite-input-tokens");
    assert.equal(
      bedrockUsageType("ap-northeast-1", "NovaPro", "output-tokens"),
      "APN1-NovaPro-output-tokens",
    );
    assert.equal(bedrockUsageType("us-west-2", "NovaMicro", "input-tokens"), "USW2-NovaMicro-input-tokens");
  });
});

describe("bedrock bill lines", () => {
  it("prices tokens per region at the published per-1M rates, profile calls under the base model", () => {
    // Prepare
    const calls = [
      call("us.amazon.nova-lite-v1:0", "us-east-1", 1000, 200),
      call("us.amazon.nova-lite-v1:0", "us-east-1", 3000, 800),
      call("us.amazon.nova-lite-v1:0", "eu-west-1", 500, 0),
    ];
    // Act
    const lines = bedrockLines("us.amazon.nova-lite-v1:0", calls);
    // Assess: 4000 x 0.06 / 1M = 0.00024; 1000 x 0.24 / 1M = 0.00024; EU 500 x 0.069 / 1M = 0.0000345 (eu-west-1 +15 %)
    const byType = Object.fromEntries(lines.map((l) => [l.usageType, l]));
    assert.deepEqual(Object.keys(byType).sort(), [
      "EU-NovaLite-input-tokens",
      "USE1-NovaLite-input-tokens",
      "USE1-NovaLite-output-tokens",
    ]);
    assert.equal(byType["USE1-NovaLite-input-tokens"]?.usage, 4000);
    assert.ok(Math.abs((byType["USE1-NovaLite-input-tokens"]?.cost ?? 0) - 0.00024) < 1e-12);
    assert.ok(Math.abs((byType["USE1-NovaLite-output-tokens"]?.cost ?? 0) - 0.00024) < 1e-12);
    assert.ok(Math.abs((byType["EU-NovaLite-input-tokens"]?.cost ?? 0) - 0.0000345) < 1e-12);
    assert.equal(byType["EU-NovaLite-input-tokens"]?.region, "eu-west-1");
    assert.equal(byType["USE1-NovaLite-input-tokens"]?.service, "Amazon Bedrock");
  });

  it("does not bill a model it has no price for", () => {
    assert.deepEqual(
      bedrockLines("meta.llama3-70b-instruct-v1:0", [
        call("meta.llama3-70b-instruct-v1:0", "us-east-1", 1000, 100),
      ]),
      [],
    );
  });
});

describe("Bill", () => {
  it("bills each model's tokens of a day exactly as workload.bedrockCalls reports them", () => {
    // Prepare
    const w = makeWorkload();
    const bill = new Bill(w);
    const day = TODAY - 3 * DAY;
    // Act
    const lines = bill.day(day).lines;
    // Assess
    for (const modelId of MODELS) {
      const calls = w.bedrockCalls(modelId, day, day + DAY);
      const input = calls.reduce((s, c) => s + c.inputTokens, 0);
      const output = calls.reduce((s, c) => s + c.outputTokens, 0);
      const name = modelName(modelId) ?? "";
      const price = BEDROCK_PRICES[name];
      assert.ok(price && input > 10_000, `${modelId}: ${input} input tokens`);
      const inLine = lines.find((l) => l.usageType === `USE1-${name}-input-tokens`);
      const outLine = lines.find((l) => l.usageType === `USE1-${name}-output-tokens`);
      assert.equal(inLine?.usage, input);
      assert.equal(outLine?.usage, output);
      assert.ok(Math.abs((inLine?.cost ?? 0) - (input * price.input) / 1e6) < 1e-9);
      assert.ok(Math.abs((outLine?.cost ?? 0) - (output * price.output) / 1e6) < 1e-9);
    }
  });

  it("bills Lambda requests and GB-seconds from the day's REPORT lines", () => {
    // Prepare
    const w = makeWorkload();
    const day = TODAY - 2 * DAY;
    const invocations = w.invocations("twin-api", day, day + DAY);
    const gbSeconds = invocations.reduce((s, i) => s + (i.billedMs / 1000) * (i.memorySizeMb / 1024), 0);
    // Act
    const lines = new Bill(w).day(day).lines;
    // Assess
    const requests = lines.find((l) => l.usageType === "USE1-Request");
    const gbs = lines.find((l) => l.usageType === "USE1-Lambda-GB-Second");
    assert.equal(requests?.service, "AWS Lambda");
    assert.equal(requests?.usage, invocations.length);
    assert.ok(Math.abs((requests?.cost ?? 0) - invocations.length * 0.2e-6) < 1e-12);
    assert.ok(Math.abs((gbs?.usage ?? 0) - gbSeconds) < 1e-6);
    assert.ok(Math.abs((gbs?.cost ?? 0) - gbSeconds * 0.0000166667) < 1e-9);
    const services = new Set(lines.map((l) => l.service));
    for (const s of [
      "Amazon API Gateway",
      "Amazon Simple Storage Service",
      "Amazon CloudFront",
      "AmazonCloudWatch",
      "Amazon DynamoDB",
    ])
      assert.ok(services.has(s), s);
  });

  it("marks today and yesterday estimated, earlier days final, and has nothing for future days", () => {
    const bill = new Bill(makeWorkload());
    assert.equal(bill.day(TODAY).estimated, true);
    assert.equal(bill.day(TODAY - DAY).estimated, true);
    assert.equal(bill.day(TODAY - 2 * DAY).estimated, false);
    assert.deepEqual(bill.day(TODAY + DAY).lines, []);
  });

  it("caches finished days and adds live calls on top at read time", () => {
    // Prepare
    const w = makeWorkload();
    const bill = new Bill(w);
    const past = TODAY - 5 * DAY;
    const first = bill.day(past).lines;
    const before =
      bill.day(TODAY).lines.find((l) => l.usageType === "USE1-NovaLite-input-tokens")?.usage ?? 0;
    // Act
    w.recordLive({
      modelId: "us.amazon.nova-lite-v1:0",
      region: "us-east-1",
      time: NOW - 500,
      inputTokens: 1234,
      outputTokens: 56,
      operation: "Converse",
      status: "ok",
      latencyMs: 800,
      ttftMs: 200,
    });
    w.recordLive({
      modelId: "eu.amazon.nova-pro-v1:0",
      region: "eu-central-1",
      time: NOW - 400,
      inputTokens: 1000,
      outputTokens: 10,
      operation: "Converse",
      status: "ok",
      latencyMs: 800,
      ttftMs: 200,
    });
    // Assess
    assert.equal(bill.day(past).lines, first);
    const today = bill.day(TODAY).lines;
    assert.equal(today.find((l) => l.usageType === "USE1-NovaLite-input-tokens")?.usage, before + 1234);
    const eu = today.find((l) => l.usageType === "EUC1-NovaPro-input-tokens");
    assert.equal(eu?.usage, 1000);
    assert.ok(Math.abs((eu?.cost ?? 0) - 0.0008) < 1e-12);
  });
});

describe("realistic scenario bill lines (issue #12)", () => {
  const realistic = scenarioByName("realistic");
  const withCache = (c: BedrockCall, read: number, write: number): BedrockCall => ({
    ...c,
    cacheReadTokens: read,
    cacheWriteTokens: write,
  });

  it("bills Claude Haiku 4.5 as its Marketplace service with MP: usage types in tokens, at the regional price", () => {
    const id = "us.anthropic.claude-haiku-4-5-20251001-v1:0";
    const lines = bedrockLines(id, [withCache(call(id, "us-west-2", 1000, 200), 3000, 500)], realistic);
    const byType = Object.fromEntries(lines.map((l) => [l.usageType, l]));
    assert.deepEqual(Object.keys(byType).sort(), [
      "USW2-MP:USW2_CacheReadInputTokenCount-Units",
      "USW2-MP:USW2_CacheWriteInputTokenCount-Units",
      "USW2-MP:USW2_InputTokenCount-Units",
      "USW2-MP:USW2_OutputTokenCount-Units",
    ]);
    const input = byType["USW2-MP:USW2_InputTokenCount-Units"]!;
    assert.equal(input.service, "Claude Haiku 4.5 (Amazon Bedrock Edition)");
    assert.equal(input.usage, 1000);
    // Regional (us. profile) Haiku 4.5: $1.10 per 1M input, $0.11 cache read, $1.375 cache write.
    assert.ok(Math.abs(input.cost - 0.0011) < 1e-12);
    assert.ok(Math.abs(byType["USW2-MP:USW2_CacheReadInputTokenCount-Units"]!.cost - 0.00033) < 1e-12);
    assert.ok(Math.abs(byType["USW2-MP:USW2_CacheWriteInputTokenCount-Units"]!.cost - 0.0006875) < 1e-12);
  });

  it("bills a global. profile under Amazon Bedrock Service with -cross-region-global, quantities in 1K tokens", () => {
    const id = "global.amazon.nova-2-lite-v1:0";
    const lines = bedrockLines(id, [withCache(call(id, "us-east-1", 4000, 1000), 2000, 0)], realistic);
    const input = lines.find((l) => l.usageType === "USE1-Nova2.0Lite-input-tokens-cross-region-global")!;
    assert.equal(input.service, "Amazon Bedrock Service");
    assert.equal(input.unit, "1K tokens");
    assert.equal(input.usage, 4);
    assert.ok(Math.abs(input.cost - 0.0012) < 1e-12); // 4000 x $0.30 / 1M
    const read = lines.find(
      (l) => l.usageType === "USE1-Nova2.0Lite-cache-read-input-token-count-cross-region-global",
    )!;
    assert.ok(Math.abs(read.cost - 0.00015) < 1e-12); // 2000 x $0.075 / 1M
  });

  it("bills an application inference profile as the model it routes to", () => {
    const arn = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/twinsupport01";
    const lines = bedrockLines(arn, [call(arn, "us-east-1", 1000, 0)], realistic);
    assert.deepEqual(
      lines.map((l) => [l.usageType, l.service]),
      [["USE1-NovaPro-input-tokens", "Amazon Bedrock"]],
    );
  });
});
