/**
 * Always-on slice of `npm run fuzz` for the configuration: any JSON value, any edit of
 * config.example.json, any file text and environment give a Config or a ConfigError whose every
 * line names a field. Fixed seed, few runs; the long run is `npm run fuzz`.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import { ConfigError, parseConfig } from "../../server/config.ts";
import {
  checkConfigError,
  checkParseConfig,
  configProperty,
  EXAMPLE,
  loadConfigProperty,
  mutatedConfig,
  mutatedConfigProperty,
  singleEditProperty,
  tempDir,
} from "../perf/properties/config.ts";

const SEED = 20_261_122;

describe("config fuzzing (fixed seed)", () => {
  let dir: ReturnType<typeof tempDir>;
  before(() => {
    dir = tempDir();
  });
  after(() => dir.remove());

  it("accepts config.example.json and names the field of a known bad value", () => {
    // Prepare
    const bad = { server: { port: "eighty" } };
    // Act
    const good = checkParseConfig(EXAMPLE);
    const error = (() => {
      try {
        parseConfig(bad, "test");
      } catch (err) {
        return err;
      }
      return null;
    })();
    // Assess
    assert.equal(good, "valid");
    assert.ok(error instanceof ConfigError);
    checkConfigError(error, bad);
    assert.match(error.problems[0] ?? "", /^server\.port: got "eighty"; /);
  });

  it("the checker rejects an error that is not a ConfigError", () => {
    assert.throws(() => checkConfigError(new TypeError("boom"), {}), /not ConfigError/);
  });

  it("any JSON value gives a Config or a ConfigError naming fields", () => {
    fc.assert(configProperty(), { seed: SEED, numRuns: 300 });
  });

  it("edits of the example config give a Config or a ConfigError naming fields", () => {
    fc.assert(mutatedConfigProperty(), { seed: SEED, numRuns: 200 });
  });

  it("one edit that breaks the config is reported at its field or a parent", () => {
    fc.assert(singleEditProperty(), { seed: SEED, numRuns: 200 });
  });

  it("the edits reach both outcomes (the property is not vacuous)", () => {
    // Prepare
    const samples = fc.sample(mutatedConfig, { seed: SEED, numRuns: 200 });
    // Act
    const outcomes = new Set(samples.map((m) => checkParseConfig(m.raw)));
    // Assess
    assert.deepEqual([...outcomes].sort(), ["invalid", "valid"]);
  });

  it("any config file text and environment give a Config or a ConfigError naming fields", () => {
    fc.assert(loadConfigProperty(dir.dir), { seed: SEED, numRuns: 100 });
  });
});
