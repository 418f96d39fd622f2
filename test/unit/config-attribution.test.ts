import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, parseConfig } from "../../server/config.ts";

function problemsOf(raw: unknown): string[] {
  try {
    parseConfig(raw, "test.json");
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return [...err.problems];
  }
  assert.fail("expected a ConfigError");
}

describe("config: attribution", () => {
  it("offers the team and app tags and the tenant metadata key by default, log group discovered", () => {
    const config = parseConfig({});
    assert.deepEqual(config.attribution.tagKeys, ["team", "app"]);
    assert.deepEqual(config.attribution.metadataKeys, ["tenant"]);
    assert.equal(config.attribution.invocationLogGroup, undefined);
  });

  it("takes configured keys and a log group", () => {
    const config = parseConfig({
      attribution: {
        tagKeys: ["cost-center", "user:Project"],
        metadataKeys: ["customer_id"],
        invocationLogGroup: "/aws/bedrock/invocations",
      },
    });
    assert.deepEqual(config.attribution.tagKeys, ["cost-center", "user:Project"]);
    assert.equal(config.attribution.invocationLogGroup, "/aws/bedrock/invocations");
  });

  it("refuses a metadata key that would not be one Logs Insights field, naming the field", () => {
    const [problem] = problemsOf({ attribution: { metadataKeys: ["tenant.id"] } });
    assert.match(
      problem ?? "",
      /^attribution\.metadataKeys\[0\]: got "tenant\.id"; must be a requestMetadata key/,
    );
  });

  it("refuses a tag key holding $ (Cost Explorer's key/value separator) and a repeated key", () => {
    assert.match(
      problemsOf({ attribution: { tagKeys: ["team$"] } })[0] ?? "",
      /^attribution\.tagKeys\[0\]: .*cost-allocation tag key/,
    );
    assert.match(
      problemsOf({ attribution: { tagKeys: ["team", "team"] } })[0] ?? "",
      /^attribution\.tagKeys: .*twice/,
    );
  });

  it("refuses an unknown field in the section", () => {
    assert.match(problemsOf({ attribution: { tagkeys: ["team"] } }).join("\n"), /tagkeys/);
  });
});
