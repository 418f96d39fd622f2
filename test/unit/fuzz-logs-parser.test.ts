/**
 * Always-on slice of `npm run fuzz` for the sandbox's Logs Insights parser: random text, token
 * soup and mutated valid queries give a parsed query or the documented QueryCompileError
 * (MalformedQueryException on the wire) with an in-bounds location, never another exception.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  anyQuery,
  checkParse,
  mutate,
  parserProperty,
  VALID_QUERIES,
} from "../perf/properties/logs-parser.ts";

const SEED = 20_261_122;

describe("Logs Insights parser fuzzing (fixed seed)", () => {
  it("parses every seed query the mutations start from", () => {
    for (const q of VALID_QUERIES) assert.equal(checkParse(q), "parsed", q);
  });

  it("reports a query cut right after a pipe as malformed", () => {
    // Prepare
    const source = VALID_QUERIES[0]!;
    const cut = mutate(source, { kind: "truncate", at: source.indexOf("|") + 1 });
    // Act
    const outcome = checkParse(cut);
    // Assess
    assert.ok(cut.endsWith("|"));
    assert.equal(outcome, "malformed");
  });

  it("any text parses or fails with QueryCompileError", () => {
    fc.assert(parserProperty(), { seed: SEED, numRuns: 1_000 });
  });

  it("the generated inputs reach both outcomes (the property is not vacuous)", () => {
    // Prepare
    const samples = fc.sample(anyQuery, { seed: SEED, numRuns: 500 });
    // Act
    const outcomes = samples.map(checkParse);
    // Assess
    assert.ok(outcomes.includes("parsed"));
    assert.ok(outcomes.includes("malformed"));
  });
});
