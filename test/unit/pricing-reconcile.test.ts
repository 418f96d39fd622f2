/** Price table lookups and the estimated-vs-billed reconciliation, with hand-computed numbers. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { costOf, PriceBook } from "../../server/pricing/prices.ts";
import { CAUSES, cacheEconomics, estimateDaily, reconcile } from "../../server/pricing/reconcile.ts";
import { parseUsageType } from "../../server/pricing/usage-types.ts";

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
  const t = (
    date: string,
    modelId: string,
    input: number,
    output: number,
    cacheRead = 0,
    cacheWrite = 0,
  ) => ({
    date,
    modelId,
    input,
    output,
    cacheRead,
    cacheWrite,
  });
  const estimates = estimateDaily(
    [
      t("2026-11-15", "amazon.nova-lite-v1:0", 2_000_000, 500_000),
      t("2026-11-15", "us.amazon.nova-lite-v1:0", 1_000_000, 0),
      t("2026-11-15", "amazon.nova-pro-v1:0", 100_000, 50_000),
      t("2026-11-15", "mistral.mistral-large-2402-v1:0", 10_000, 10_000),
      t("2026-11-18", "amazon.nova-micro-v1:0", 1_000_000, 1_000_000),
      t("2026-11-16", "amazon.nova-micro-v1:0", 1_000_000, 1_000_000),
      t("2026-11-16", "global.amazon.nova-2-lite-v1:0", 1_000_000, 100_000, 4_000_000, 0),
    ],
    book,
    "us-east-1",
  );
  // Cost Explorer lines as the costs source returns them (quantities in 1K tokens).
  const line = (
    date: string,
    usageType: string,
    amountUsd: number,
    quantity: number,
    service = "Amazon Bedrock",
  ) => ({
    date,
    service,
    usageType,
    amountUsd,
    quantity,
    estimated: false,
    parsed: parseUsageType(usageType, service),
  });
  const rows = reconcile(
    estimates,
    [
      line("2026-11-15", "USE1-NovaLite-input-tokens", 0.18, 3000),
      line("2026-11-15", "USE1-NovaLite-output-tokens", 0.12, 500),
      line("2026-11-15", "USE1-NovaPro-input-tokens", 0.1, 100),
      line("2026-11-15", "USE1-NovaPro-output-tokens", 0.2, 50),
      line("2026-11-15", "USE1-Claude3Haiku-output-tokens", 0.5, 400),
      line("2026-11-16", "USE1-NovaMicro-input-tokens", 0.035, 1000),
      line("2026-11-16", "USE1-NovaMicro-output-tokens", 0.14, 1000),
      line("2026-11-16", "USE1-NovaMicro-input-tokens-batch", 0.0175, 1000),
      line("2026-11-16", "USE1-Nova2.0Lite-input-tokens-cross-region-global", 0.3, 1000),
      line("2026-11-16", "USE1-Nova2.0Lite-output-tokens-cross-region-global", 0.25, 100),
      line("2026-11-16", "USE1-Nova2.0Lite-cache-read-input-token-count-cross-region-global", 0.3, 4000),
      line("2026-11-16", "USE1-Guardrail-AutomatedReasoningPolicyUnitsConsumed", 0.017, 100),
    ],
    today,
    book,
    "us-east-1",
  );
  const row = (date: string, model: string) => rows.find((r) => r.date === date && r.model === model)!;

  test("a base model and its us. profile add up under one family and match the bill", () => {
    // 2M x 0.06 + 0.5M x 0.24 + 1M x 0.06 = 0.12 + 0.12 + 0.06 = 0.30; billed 0.18 + 0.12 = 0.30
    assert.deepEqual(row("2026-11-15", "nova-lite"), {
      date: "2026-11-15",
      model: "nova-lite",
      estimatedUsd: 0.3,
      billedUsd: 0.3,
      gapUsd: 0,
      cause: "match",
    });
  });

  test("a 25 % gap on a finished day is a price change, with the billed unit price named", () => {
    // 0.1M x 0.80 + 0.05M x 3.20 = 0.08 + 0.16 = 0.24; billed 0.10 + 0.20 = 0.30 (input $1.00/1M, output $4.00/1M)
    const r = row("2026-11-15", "nova-pro");
    assert.equal(r.estimatedUsd, 0.24);
    assert.equal(r.billedUsd, 0.3);
    assert.equal(r.cause, "price change");
    assert.equal(
      r.detail,
      "input billed at $1.0000 per 1M tokens, table $0.8; output billed at $4.0000 per 1M tokens, table $3.2",
    );
  });

  test("today's tokens not yet billed are Cost Explorer lag", () => {
    const r = row("2026-11-18", "nova-micro");
    assert.equal(r.estimatedUsd, 0.175);
    assert.equal(r.billedUsd, null);
    assert.equal(r.cause, "Cost Explorer lag");
  });

  test("a batch job's lines, not in CloudWatch, are named as the tier gap", () => {
    const r = row("2026-11-16", "nova-micro");
    assert.equal(r.estimatedUsd, 0.175);
    assert.equal(r.billedUsd, 0.1925);
    assert.equal(r.cause, CAUSES.tier);
    assert.match(r.detail ?? "", /^batch \$0\.0175/);
  });

  test("a global profile with cache reads is estimated with its cache tokens and matches", () => {
    // Nova 2 Lite: 1M x 0.30 + 0.1M x 2.50 + 4M x 0.075 = 0.30 + 0.25 + 0.30 = 0.85
    const r = row("2026-11-16", "nova-2-lite");
    assert.equal(r.estimatedUsd, 0.85);
    assert.equal(r.billedUsd, 0.85);
    assert.equal(r.cause, "match");
  });

  test("an unrecognised usage type is its own row, listing the string", () => {
    const r = row("2026-11-16", "unrecognised usage types");
    assert.equal(r.billedUsd, 0.017);
    assert.equal(r.cause, CAUSES.unrecognised);
    assert.match(r.detail ?? "", /USE1-Guardrail-AutomatedReasoningPolicyUnitsConsumed \(Amazon Bedrock\)/);
  });

  test("a model without a price is named with the reason; billed usage without metrics is named", () => {
    const unpriced = row("2026-11-15", "mistral-large-2402");
    assert.equal(unpriced.cause, CAUSES.unpriced);
    assert.match(unpriced.detail ?? "", /mistral-large-2402 has no price in us-east-1/);
    assert.equal(row("2026-11-15", "claude-haiku-3").cause, "not in CloudWatch metrics");
  });

  test("an application inference profile is priced as the model it resolves to, or named when it cannot be", () => {
    const arn = "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/abc123";
    const [resolved] = estimateDaily(
      [t("2026-11-16", arn, 1_000_000, 0)],
      book,
      "us-east-1",
      () => "amazon.nova-pro-v1:0",
    );
    assert.equal(resolved!.estimatedUsd, 0.8);
    assert.equal(resolved!.family, "nova-pro");
    const [unresolved] = estimateDaily([t("2026-11-16", arn, 1_000_000, 0)], book, "us-east-1");
    assert.equal(unresolved!.estimatedUsd, null);
    assert.match(unresolved!.unpriced ?? "", /GetInferenceProfile/);
  });

  test("eu-west-1 prices the estimate at eu-west-1 rates; an unpriced Region is never US-priced", () => {
    const [eu] = estimateDaily([t("2026-11-16", "amazon.nova-lite-v1:0", 1_000_000, 0)], book, "eu-west-1");
    assert.equal(eu!.estimatedUsd, 0.069);
    const [far] = estimateDaily([t("2026-11-16", "amazon.nova-lite-v1:0", 1_000_000, 0)], book, "ap-south-2");
    assert.equal(far!.estimatedUsd, null);
  });
});

describe("cacheEconomics", () => {
  const book = new PriceBook();
  test("savings against the full input price, and cache writes never read back", () => {
    const haiku = "us.anthropic.claude-haiku-4-5-20251001-v1:0";
    const estimates = estimateDaily(
      [
        {
          date: "2026-11-16",
          modelId: haiku,
          input: 0,
          output: 0,
          cacheRead: 10_000_000,
          cacheWrite: 1_000_000,
        },
        { date: "2026-11-17", modelId: haiku, input: 0, output: 0, cacheRead: 0, cacheWrite: 20_000_000 },
      ],
      book,
      "us-east-1",
    );
    const [m] = cacheEconomics(estimates, book, "us-east-1");
    // Regional Haiku 4.5: input $1.10, cache read $0.11, cache write $1.375 per 1M.
    assert.equal(m!.model, "claude-haiku-4-5");
    assert.equal(m!.savedUsd, 9.9); // 10M x (1.10 - 0.11)
    assert.equal(m!.cacheWriteUsd, 28.875); // 21M x 1.375
    assert.equal(m!.unreadWriteUsd, 27.5); // (0 + 20M unread) x 1.375
    assert.deepEqual(m!.writeOnlyDays, ["2026-11-17"]);
  });
});
