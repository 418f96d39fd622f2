/** Matching a model ID as invoked to its Service Quotas entries, on real quota names (fixture with sources). */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import type { ServiceQuota } from "@aws-sdk/client-service-quotas";
import { findModelQuota, modelKeyOf, parseQuotaName } from "../../server/sources/quota-match.ts";
import { compact, percentile, sentenceFor } from "../../server/sources/quota-usage.ts";
import { matchQuotas } from "../../server/sources/quotas.ts";

const fixture = JSON.parse(
  readFileSync(new URL("../fixtures/quotas/bedrock-quota-names.json", import.meta.url), "utf8"),
) as { Quotas: ServiceQuota[] };
const quotas = fixture.Quotas;

describe("quota name matching", () => {
  test("base IDs match on-demand quotas, profile IDs cross-region ones, global. the global ones", () => {
    assert.equal(findModelQuota(quotas, "amazon.nova-pro-v1:0", "tokens")?.QuotaCode, "L-CE33604C");
    assert.equal(findModelQuota(quotas, "amazon.nova-pro-v1:0", "requests")?.QuotaCode, "L-F2717A44");
    assert.equal(findModelQuota(quotas, "us.amazon.nova-pro-v1:0", "tokens")?.QuotaCode, "L-C0326783");
    assert.equal(findModelQuota(quotas, "eu.amazon.nova-pro-v1:0", "requests")?.QuotaCode, "L-ED46B8C5");
    assert.equal(findModelQuota(quotas, "jp.amazon.nova-lite-v1:0", "tokens")?.QuotaCode, "L-7C42E72A");
    assert.equal(
      findModelQuota(quotas, "global.anthropic.claude-sonnet-4-5-20250929-v1:0", "requests")?.QuotaCode,
      "L-DB84CE56",
    );
    assert.equal(
      findModelQuota(quotas, "us.anthropic.claude-3-haiku-20240307-v1:0", "tokens")?.QuotaCode,
      "L-DCADBC78",
    );
  });

  test("names with a version, a provider of two words, or another quota of the same model", () => {
    assert.equal(findModelQuota(quotas, "us.amazon.nova-premier-v1:0", "tokens")?.QuotaCode, "L-AA7FE948");
    assert.equal(
      findModelQuota(quotas, "mistral.mistral-7b-instruct-v0:2", "tokens")?.QuotaCode,
      "L-02D831F1",
    );
    // "Model invocation max tokens per day for Amazon Nova Lite" is not a per-minute quota.
    assert.equal(findModelQuota(quotas, "amazon.nova-lite-v1:0", "tokens"), undefined);
    assert.equal(parseQuotaName("Batch inference job size (in GB) for Claude 3.7 Sonnet"), undefined);
    assert.equal(modelKeyOf("anthropic.claude-3-5-sonnet-20241022-v2:0"), "claude35sonnetv2");
    assert.equal(
      parseQuotaName("On-demand InvokeModel requests per minute for Anthropic Claude 3.5 Sonnet V2")
        ?.modelKey,
      "claude35sonnetv2",
    );
  });

  test("a model without a listed quota is reported, not dropped", () => {
    const [lite] = matchQuotas(["amazon.nova-lite-v1:0"], quotas, []);
    assert.equal(lite?.tpm, null);
    assert.match(lite?.note ?? "", /On-demand model inference tokens per minute/);
    const [pro] = matchQuotas(["us.amazon.nova-pro-v1:0"], [], quotas);
    assert.equal(pro?.tpm?.source, "default");
    assert.equal(pro?.tpm?.value, 2_000_000);
  });
});

describe("usage figures", () => {
  test("nearest-rank p95 and compact numbers", () => {
    assert.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20], 95), 19);
    assert.equal(compact(800_000), "800k");
    assert.equal(compact(4_000_000), "4M");
  });

  test("the sentence names the peak, the quota code and the console page", () => {
    const text = sentenceFor(
      {
        modelId: "amazon.nova-pro-v1:0",
        label: "Nova Pro",
        endpoint: "on-demand",
        tpm: {
          value: 800_000,
          defaultValue: 800_000,
          code: "L-CE33604C",
          name: "On-demand model inference tokens per minute for Amazon Nova Pro",
          adjustable: false,
          source: "applied",
          consoleUrl:
            "https://us-east-1.console.aws.amazon.com/servicequotas/home/services/bedrock/quotas/L-CE33604C",
        },
        rpm: null,
        tokens: {
          peak: 728_000,
          peakAt: "2026-11-18T14:32:00.000Z",
          p95: 700_000,
          peakPercent: 91,
          p95Percent: 87.5,
          headroomPercent: 9,
          minutesAbove: 20,
        },
        requests: {
          peak: 100,
          peakAt: null,
          p95: 90,
          peakPercent: null,
          p95Percent: null,
          headroomPercent: null,
          minutesAbove: 0,
        },
        throttles: 15,
        throttlesInHotMinutes: 12,
        series: { tokens: [], requests: [], throttles: [] },
      },
      80,
      true,
    );
    assert.equal(
      text,
      "Nova Pro peaked at 91% of its 800k TPM at 14:32 UTC; 12 throttles in the same minutes (15 in the range). Request an increase: quota L-CE33604C (On-demand model inference tokens per minute for Amazon Nova Pro) https://us-east-1.console.aws.amazon.com/servicequotas/home/services/bedrock/quotas/L-CE33604C — not adjustable in the console; open a support case.",
    );
  });
});
