/**
 * `bench --models` through an application inference profile against the sandbox (issue #18): the
 * profile's ID is looked up (ListInferenceProfiles), the calls go through its ARN, and every request
 * is priced at the base model's price (Nova Pro, $0.80 / $3.20 per 1M tokens in us-east-1).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { runBenchmark } from "../../server/bench/runner.ts";
import { resolveModels, withProfiles } from "../../server/bench/service.ts";
import { parseConfig } from "../../server/config.ts";
import { type BenchFixture, startFixture, suiteFile } from "./bench-fixture.ts";

const loaded = suiteFile({
  name: "profile",
  warmup: 0,
  repetitions: 3,
  prompts: [{ id: "capital", text: "What is the capital of Spain? Answer briefly.", checks: [] }],
});

describe("benchmark through an application inference profile", () => {
  let fx: BenchFixture;
  before(async () => {
    // The realistic account has the two tagged application profiles (twin-support -> Nova Pro).
    fx = await startFixture({ bedrock: { latencyScale: 0.05 } }, { scenario: "realistic" });
  });
  after(async () => {
    await fx.close();
  });

  it("invokes the profile's ARN and prices each request at its base model's price", async () => {
    const config = parseConfig({ mode: "sandbox" });
    // Prepare: the bare ID as a user would type it after `aws bedrock list-inference-profiles`.
    const requested = resolveModels(config, ["twinsupport01"]);
    assert.deepEqual(requested, ["twinsupport01"]);
    const { ctx, models } = await withProfiles({ config, ...fx.deps }, requested);
    assert.match(
      models[0] ?? "",
      /^arn:aws:bedrock:us-east-1:\d{12}:application-inference-profile\/twinsupport01$/,
    );
    // Act
    const result = await runBenchmark(ctx, {
      loaded,
      models,
      region: "us-east-1",
      mode: "converse",
      load: { kind: "sequential" },
      slo: { p90EndToEndMs: 60_000, minQualityPassRate: 0 },
    });
    // Assess
    const ok = result.rows.filter((r) => r.status === "ok");
    assert.equal(ok.length, 3, JSON.stringify(result.rows.map((r) => [r.status, r.errorCode])));
    for (const r of ok) {
      assert.ok((r.inputTokens ?? 0) > 0 && (r.outputTokens ?? 0) > 0);
      const expected = ((r.inputTokens ?? 0) * 0.8 + (r.outputTokens ?? 0) * 3.2) / 1_000_000;
      assert.ok(r.costUsd !== null, "priced, not unpriced");
      assert.ok(Math.abs(r.costUsd - expected) < 1e-9, `${r.costUsd} vs ${expected}`);
    }
  });

  it("refuses a word that is not a model, and an ID the account does not have", async () => {
    const config = parseConfig({ mode: "sandbox" });
    assert.throws(() => resolveModels(config, ["gpt"]), /--models: "gpt" is not a configured model/);
    await assert.rejects(
      withProfiles({ config, ...fx.deps }, ["nosuchprofile9"]),
      /--models: "nosuchprofile9" is not an application inference profile of this account in us-east-1 \(ListInferenceProfiles lists twin/,
    );
  });
});
