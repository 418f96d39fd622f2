import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  BUILTIN_SUITES_DIR,
  listSuites,
  loadSuite,
  parseSuite,
  SuiteError,
} from "../../server/bench/suite.ts";

function problemsOf(raw: unknown): string[] {
  try {
    parseSuite(raw, "test.json");
  } catch (err) {
    assert.ok(err instanceof SuiteError);
    return [...err.problems];
  }
  assert.fail("the suite was expected to be invalid");
}

describe("benchmark suites", () => {
  it("ships short-qa, twin and long-summary, all valid, with the seeds' inference config", () => {
    // Act
    const names = listSuites([BUILTIN_SUITES_DIR]);
    // Assess
    for (const name of ["short-qa", "twin", "long-summary"]) {
      assert.ok(names.includes(name), `${name} missing from ${names}`);
      const { suite, hash } = loadSuite(name, [BUILTIN_SUITES_DIR]);
      assert.equal(suite.name, name);
      assert.deepEqual(suite.inferenceConfig, { maxTokens: 2000, temperature: 0.7, topP: 0.9 });
      assert.match(hash, /^[0-9a-f]{16}$/);
    }
    const twin = loadSuite("twin", [BUILTIN_SUITES_DIR]).suite;
    assert.ok(twin.system?.includes("gemelo digital"));
    assert.ok(
      twin.prompts.some((p) => (p.messages?.length ?? 0) >= 3),
      "twin needs a multi-turn conversation",
    );
  });

  it("defaults the inference config, repetitions and warm-up", () => {
    const suite = parseSuite({ name: "mini", prompts: [{ id: "a", text: "Hi" }] });
    assert.deepEqual(suite.inferenceConfig, { maxTokens: 2000, temperature: 0.7, topP: 0.9 });
    assert.equal(suite.repetitions, 3);
    assert.equal(suite.warmup, 1);
  });

  it("names the field, the value and the fix for a bad temperature", () => {
    const problems = problemsOf({
      name: "x",
      inferenceConfig: { temperature: 3 },
      prompts: [{ id: "a", text: "Hi" }],
    });
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /^inferenceConfig\.temperature: got 3;/);
  });

  it("names the turn whose role breaks user/assistant alternation", () => {
    const problems = problemsOf({
      name: "x",
      prompts: [
        {
          id: "conv",
          messages: [
            { role: "user", text: "Hola" },
            { role: "user", text: "¿Hola?" },
          ],
        },
      ],
    });
    assert.ok(
      problems.some((p) => p.startsWith('prompts[0].messages[1].role: got "user"; must be "assistant"')),
      problems.join("\n"),
    );
  });

  it("rejects an invalid regular expression in a check, naming its path", () => {
    const problems = problemsOf({
      name: "x",
      prompts: [{ id: "a", text: "Hi", checks: [{ type: "regex", pattern: "([a-z" }] }],
    });
    assert.ok(problems[0]!.startsWith("prompts[0].checks[0].pattern:"), problems[0]);
  });

  it("rejects a prompt with both text and messages, and duplicate ids", () => {
    const problems = problemsOf({
      name: "x",
      prompts: [
        { id: "a", text: "Hi", messages: [{ role: "user", text: "Hi" }] },
        { id: "a", text: "Again" },
      ],
    });
    assert.ok(problems.some((p) => p.startsWith("prompts[0].text:") && p.includes("exactly one")));
    assert.ok(problems.some((p) => p.startsWith("prompts[1].id:") && p.includes("duplicate")));
  });

  it("rejects unknown fields and an unknown check type", () => {
    const problems = problemsOf({
      name: "x",
      prompt: [],
      prompts: [{ id: "a", text: "Hi", checks: [{ type: "sentiment" }] }],
    });
    assert.ok(problems.some((p) => p.includes("unknown field(s) prompt")));
    assert.ok(problems.some((p) => p.startsWith("prompts[0].checks[0].type:")));
  });

  it("lists the available suites when a name is unknown, and loads a suite from a path", () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), "bench-suite-"));
    const file = join(dir, "mine.json");
    writeFileSync(file, JSON.stringify({ name: "mine", prompts: [{ id: "q", text: "2+2?" }] }));
    // Act / Assess
    assert.throws(
      () => loadSuite("nope", [dir, BUILTIN_SUITES_DIR]),
      /no suite "nope"; available: .*mine.*short-qa/,
    );
    assert.equal(loadSuite(file, []).suite.name, "mine");
    assert.equal(loadSuite("mine", [dir]).suite.prompts[0]!.text, "2+2?");
  });
});
