/** Price table lookups and the estimated-vs-billed reconciliation, with hand-computed numbers. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { costOf, PriceBook } from "../../server/pricing/prices.ts";
import { CAUSES, estimateDaily, likelyCause, reconcile } from "../../server/pricing/reconcile.ts";

describe("PriceBook", () => {
  const book = new PriceBook();

  test("Nova prices per 1M tokens in us-east-1, with the source and as-of date", () => {
    const lite = book.price("amazon.nova-lite-v1:0", "us-east-1")!;
    assert.deepEqual([lite.input, lite.output, lite.cacheRead], [0.06, 0.24, 0.015]);
    assert.equal(lite.source, "https://aws.amazon.com/bedrock/pricing/");
    assert.match(lite.asOf, /^\d{4}-\d{2}-\d{2}$/);
    assert.deepEqual(
      [
        book.price("amazon.nova-micro-v1:0", "us-east-1")!.input,
        book.price("amazon.nova-pro-v1:0", "us-east-1")!.output,
      ],
      [0.035, 3.2],
    );
  });

  test("cross-region inference profiles are priced like the base model", () => {
    assert.equal(book.price("us.amazon.nova-pro-v1:0", "us-east-1")!.input, 0.8);
    assert.equal(book.price("eu.amazon.nova-lite-v1:0", "us-east-1")!.output, 0.24);
  });

  test("Claude 3 and Llama 3 are priced; an unknown model is not; a Region without a table is unpriced, never US", () => {
    assert.equal(book.price("anthropic.claude-3-haiku-20240307-v1:0", "us-west-2")!.output, 1.25);
    assert.equal(book.price("meta.llama3-70b-instruct-v1:0", "us-east-1")!.input, 2.65);
    assert.equal(book.price("mistral.mistral-large-2402-v1:0", "us-east-1"), null);
    assert.equal(book.price("amazon.nova-lite-v1:0", "ap-south-2"), null);
    assert.deepEqual(book.lookup("amazon.nova-lite-v1:0", "ap-south-2"), {
      ok: false,
      reason: "no price table for Region ap-south-2",
    });
    assert.equal(book.price("amazon.nova-lite-v1:0", "eu-west-1")!.input, 0.069);
  });

  test("tiers and routing: batch halves, priority 175 %, Claude 4.5 regional +10 % over global", () => {
    assert.equal(book.price("amazon.nova-lite-v1:0", "us-east-1", { tier: "batch" })!.output, 0.12);
    assert.equal(book.price("amazon.nova-pro-v1:0", "us-east-1", { tier: "priority" })!.input, 1.4);
    const haiku = "anthropic.claude-haiku-4-5-20251001-v1:0";
    assert.equal(book.price(`global.${haiku}`, "us-east-1", { routing: "global" })!.input, 1);
    assert.equal(book.price(`us.${haiku}`, "us-east-1")!.output, 5.5);
    assert.equal(book.price("amazon.nova-micro-v1:0", "us-east-1", { tier: "latency-optimized" }), null);
  });

  test("config overrides win, by model ID or family", () => {
    const custom = new PriceBook({
      "amazon.nova-pro-v1:0": { input: 1, output: 4 },
      "nova-micro": { input: 0.5, output: 0.5 },
    });
    assert.equal(custom.price("us.amazon.nova-pro-v1:0", "us-east-1")!.input, 1);
    assert.equal(custom.price("amazon.nova-micro-v1:0", "us-east-1")!.source, "config.pricing.overrides");
  });

  test("costOf: 2M input and 0.5M output tokens of Nova Lite cost 0.12 + 0.12 = $0.24", () => {
    assert.equal(costOf({ input: 2_000_000, output: 500_000 }, { input: 0.06, output: 0.24 }), 0.24);
    assert.equal(
      costOf({ input: 0, output: 0, cacheRead: 1_000_000 }, { input: 0.06, output: 0.24, cacheRead: 0.015 }),
      0.015,
    );
  });
});

describe("reconcile", () => {
  const book = new PriceBook();
  const today = "2026-11-18";
  const estimates = estimateDaily(
    [
      { date: "2026-11-15", modelId: "amazon.nova-lite-v1:0", input: 2_000_000, output: 500_000 },
      { date: "2026-11-15", modelId: "us.amazon.nova-lite-v1:0", input: 1_000_000, output: 0 },
      { date: "2026-11-15", modelId: "amazon.nova-pro-v1:0", input: 100_000, output: 50_000 },
      { date: "2026-11-15", modelId: "mistral.mistral-large-2402-v1:0", input: 10_000, output: 10_000 },
      { date: "2026-11-18", modelId: "amazon.nova-micro-v1:0", input: 1_000_000, output: 1_000_000 },
    ],
    book,
    "us-east-1",
  );
  const rows = reconcile(
    estimates,
    [
      { date: "2026-11-15", family: "nova-lite", amountUsd: 0.1 },
      { date: "2026-11-15", family: "nova-lite", amountUsd: 0.2 },
      { date: "2026-11-15", family: "nova-pro", amountUsd: 0.3 },
      { date: "2026-11-15", family: "claude-haiku-3", amountUsd: 0.5 },
    ],
    today,
  );
  const row = (date: string, model: string) => rows.find((r) => r.date === date && r.model === model)!;

  test("a base model and its us. profile add up under one family and match the bill", () => {
    // 2M x 0.06 + 0.5M x 0.24 + 1M x 0.06 = 0.12 + 0.12 + 0.06 = 0.30; billed 0.10 + 0.20 = 0.30
    assert.deepEqual(row("2026-11-15", "nova-lite"), {
      date: "2026-11-15",
      model: "nova-lite",
      estimatedUsd: 0.3,
      billedUsd: 0.3,
      gapUsd: 0,
      cause: "match",
    });
  });

  test("a 25 % gap on a finished day is named a price change", () => {
    // 0.1M x 0.80 + 0.05M x 3.20 = 0.08 + 0.16 = 0.24; billed 0.30; gap +0.06
    assert.deepEqual(row("2026-11-15", "nova-pro"), {
      date: "2026-11-15",
      model: "nova-pro",
      estimatedUsd: 0.24,
      billedUsd: 0.3,
      gapUsd: 0.06,
      cause: "price change",
    });
  });

  test("today's tokens not yet billed are Cost Explorer lag", () => {
    // 1M x 0.035 + 1M x 0.14 = 0.175
    assert.deepEqual(row("2026-11-18", "nova-micro"), {
      date: "2026-11-18",
      model: "nova-micro",
      estimatedUsd: 0.175,
      billedUsd: null,
      gapUsd: null,
      cause: "Cost Explorer lag",
    });
  });

  test("a model without a price is flagged, and billed usage without metrics is named", () => {
    assert.equal(row("2026-11-15", "mistral-large-2402").cause, CAUSES.unpriced);
    assert.deepEqual(row("2026-11-15", "claude-haiku-3"), {
      date: "2026-11-15",
      model: "claude-haiku-3",
      estimatedUsd: 0,
      billedUsd: 0.5,
      gapUsd: 0.5,
      cause: "not in CloudWatch metrics",
    });
  });

  test("likelyCause: within 2 % or one cent is a match; yesterday under-billed is lag", () => {
    assert.equal(likelyCause("2026-11-10", today, 1.0, 1.019), "match");
    assert.equal(likelyCause("2026-11-10", today, 0.004, 0.013), "match");
    assert.equal(likelyCause("2026-11-17", today, 1.0, 0.5), "Cost Explorer lag");
    assert.equal(likelyCause("2026-11-10", today, 1.0, 0.5), "price change");
  });
});
