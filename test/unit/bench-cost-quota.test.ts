import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { estimateRunCost, type PriceLookup, requestCost } from "../../server/bench/cost.ts";
import { checkQuotas, requestsPerMinute } from "../../server/bench/quota.ts";
import { priceLookup } from "../../server/bench/service.ts";
import { parseSuite } from "../../server/bench/suite.ts";
import { PriceBook } from "../../server/pricing/prices.ts";

// Nova Lite on-demand, us-east-1: $0.06 input / $0.24 output per 1M tokens (aws.amazon.com/bedrock/pricing).
const lite = { inputPerMillion: 0.06, outputPerMillion: 0.24, asOf: "2026-11-01" };

describe("benchmark cost arithmetic", () => {
  it("prices a request from usage: 1,000 input and 500 output tokens on Nova Lite", () => {
    // 1000 x 0.06 / 1e6 + 500 x 0.24 / 1e6 = 0.00006 + 0.00012
    assert.ok(Math.abs(requestCost(lite, 1000, 500) - 0.00018) < 1e-12);
  });

  it("resolves inference-profile IDs to the base model's price through the pricing module", () => {
    const prices = priceLookup(new PriceBook());
    assert.deepEqual(
      prices("us.amazon.nova-lite-v1:0", "us-east-1"),
      prices("amazon.nova-lite-v1:0", "us-east-1"),
    );
    assert.equal(prices("amazon.nova-pro-v1:0", "us-east-1")?.outputPerMillion, 3.2);
    assert.equal(prices("acme.unknown-v1:0", "us-east-1"), undefined);
  });

  it("estimates the worst case from maxTokens, warm-up included, and lists unpriced models", () => {
    // Prepare: 2 prompts of 40 characters (10 tokens each), maxTokens 100, 3 repetitions, 1 warm-up
    const suite = parseSuite({
      name: "c",
      inferenceConfig: { maxTokens: 100 },
      prompts: [
        { id: "a", text: "a".repeat(40) },
        { id: "b", text: "b".repeat(40) },
      ],
    });
    const prices: PriceLookup = (m) => (m === "lite" ? lite : undefined);
    // Act
    const e = estimateRunCost(suite, ["lite", "mystery"], 3, "us-east-1", prices);
    // Assess: requests 2 x 3 + 1 = 7; input 20 x 3 + 10 = 70; output <= 700
    assert.equal(e.models[0]!.requests, 7);
    assert.equal(e.models[0]!.inputTokens, 70);
    assert.equal(e.models[0]!.maxOutputTokens, 700);
    assert.ok(Math.abs(e.models[0]!.maxUsd! - (70 * 0.06 + 700 * 0.24) / 1e6) < 1e-12);
    assert.deepEqual(e.unpriced, ["mystery"]);
    assert.equal(e.requests, 14);
  });
});

describe("quota-aware load", () => {
  it("computes requests per minute for closed loop and Poisson arrivals", () => {
    assert.equal(requestsPerMinute({ kind: "rate", perSecond: 3 }, 3), 60);
    assert.equal(requestsPerMinute({ kind: "concurrency", n: 4 }, 2, 500), 240);
    assert.equal(requestsPerMinute({ kind: "concurrency", n: 4 }, 2), null);
  });

  it("refuses a concurrency whose reserved tokens exceed TPM, with the arithmetic", () => {
    // 16 in flight over 2 models = 8 per model, each reserving 100 + 2000 tokens
    const problems = checkQuotas(
      { kind: "concurrency", n: 16 },
      [
        { modelId: "micro", tokensPerRequest: 2100 },
        { modelId: "lite", tokensPerRequest: 2100 },
      ],
      { micro: { rpm: 100, tpm: 10_000 } },
    );
    assert.equal(problems.length, 1);
    assert.match(
      problems[0]!,
      /^micro: concurrency 16 .* 8 x 2100 = 16800 > TPM quota 10000\. Lower --concurrency to 8/,
    );
  });

  it("refuses an arrival rate above RPM and TPM, and accepts one within both", () => {
    const demand = [{ modelId: "pro", tokensPerRequest: 2500 }];
    const over = checkQuotas({ kind: "rate", perSecond: 2 }, demand, { pro: { rpm: 100, tpm: 200_000 } });
    assert.deepEqual(over, [
      "pro: rate 2/s x 60 / 1 models = 120.0 requests/min > RPM quota 100.",
      "pro: 120.0 requests/min x 2500 tokens reserved per request = 300000 tokens/min > TPM quota 200000.",
    ]);
    assert.deepEqual(
      checkQuotas({ kind: "rate", perSecond: 1 }, demand, { pro: { rpm: 100, tpm: 200_000 } }),
      [],
    );
  });

  it("uses the warm-up latency for the sustained closed-loop rate", () => {
    const problems = checkQuotas(
      { kind: "concurrency", n: 2 },
      [{ modelId: "m", tokensPerRequest: 1000, latencyMs: 600 }],
      {
        m: { rpm: 150, tpm: 1_000_000 },
      },
    );
    // 2 x 60000 / 600 = 200 requests/min > 150
    assert.deepEqual(problems, [
      "m: 2 worker(s) x 60000 ms / 600 ms per request / 1 models = 200.0 requests/min > RPM quota 150.",
    ]);
  });
});
