import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildPlan } from "../../server/bench/plan.ts";
import { evaluateQuality } from "../../server/bench/quality.ts";
import { parseSuite } from "../../server/bench/suite.ts";

describe("quality checks", () => {
  it("passes and fails each kind of check deterministically", () => {
    const checks = parseSuite({
      name: "q",
      prompts: [
        {
          id: "a",
          text: "x",
          checks: [
            { type: "contains", value: "madrid" },
            { type: "regex", pattern: "^La capital", flags: "" },
            { type: "maxLength", chars: 40 },
          ],
        },
      ],
    }).prompts[0]!.checks;
    assert.deepEqual(evaluateQuality(checks, "La capital es Madrid."), { pass: true, failures: [] });
    assert.deepEqual(evaluateQuality(checks, "Es Lisboa, la capital de Portugal, no la de España."), {
      pass: false,
      failures: ['contains "madrid"', "matches /^La capital/", "at most 40 characters"],
    });
  });

  it("accepts JSON inside a Markdown fence and rejects prose", () => {
    const [json] = parseSuite({ name: "q", prompts: [{ id: "a", text: "x", checks: [{ type: "json" }] }] })
      .prompts[0]!.checks;
    assert.equal(evaluateQuality([json!], '```json\n{"status": "ok"}\n```').pass, true);
    assert.equal(evaluateQuality([json!], "Sure! Here is the JSON: {status: ok}").pass, false);
  });
});

describe("request plan", () => {
  const suite = parseSuite({
    name: "p",
    warmup: 1,
    repetitions: 2,
    prompts: [
      { id: "a", text: "A" },
      { id: "b", text: "B" },
    ],
  });
  const models = ["micro", "lite", "pro"];

  it("puts one warm-up per model first, then interleaves models with a rotating order", () => {
    // Act
    const plan = buildPlan(suite, models, 2);
    // Assess
    assert.equal(plan.length, 3 + 3 * 2 * 2);
    assert.deepEqual(
      plan.slice(0, 3).map((i) => [i.modelId, i.warmup]),
      [
        ["micro", true],
        ["lite", true],
        ["pro", true],
      ],
    );
    const measured = plan.filter((i) => !i.warmup);
    assert.deepEqual(
      measured.slice(0, 6).map((i) => `${i.modelId}:${i.prompt.id}`),
      ["micro:a", "lite:a", "pro:a", "lite:b", "pro:b", "micro:b"],
    );
    for (const m of models) assert.equal(measured.filter((i) => i.modelId === m).length, 4);
    assert.deepEqual(
      plan.map((i) => i.seq),
      plan.map((_, k) => k),
    );
  });
});
