import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ConfigError, invokeModelId, loadConfig, parseConfig } from "../../server/config.ts";

function problemsOf(raw: unknown): string[] {
  try {
    parseConfig(raw, "test.json");
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return [...err.problems];
  }
  assert.fail("expected a ConfigError");
}

describe("config", () => {
  it("defaults to the seed's world: us-east-1, twin-api, three Nova models, twin-budget", () => {
    const config = parseConfig({});
    assert.equal(config.aws.region, "us-east-1");
    assert.deepEqual(config.lambda.functions, [{ name: "twin-api", logGroup: "/aws/lambda/twin-api" }]);
    assert.deepEqual(config.bedrock.models.map(invokeModelId), [
      "amazon.nova-micro-v1:0",
      "amazon.nova-lite-v1:0",
      "amazon.nova-pro-v1:0",
    ]);
    assert.equal(config.budgets.managed[0]?.name, "twin-budget");
    assert.equal(config.budgets.managed[0]?.limitUsd, 10);
    assert.equal(config.server.host, "127.0.0.1");
    assert.equal(config.server.port, 3000);
  });

  it("is frozen", () => {
    const config = parseConfig({});
    assert.throws(() => {
      (config.aws as { region: string }).region = "eu-west-1";
    }, TypeError);
  });

  it("accepts config.example.json as shipped", () => {
    const raw: unknown = JSON.parse(
      readFileSync(new URL("../../config.example.json", import.meta.url), "utf8"),
    );
    const config = parseConfig(raw);
    assert.equal(config.mode, "aws");
    assert.equal(config.budgets.managed[0]?.emails[0], "ops@example.com");
  });

  it("names the field, the bad value and the fix for a bad region", () => {
    const [problem] = problemsOf({ aws: { region: "virginia" } });
    assert.match(problem ?? "", /^aws\.region: got "virginia"; must be an AWS region code such as us-east-1/);
  });

  it("rejects a model ID that carries the profile prefix, and says where the prefix goes", () => {
    const [problem] = problemsOf({ bedrock: { models: [{ id: "us.amazon.nova-lite-v1:0" }] } });
    assert.match(
      problem ?? "",
      /^bedrock\.models\[0\]\.id: got "us\.amazon\.nova-lite-v1:0"; .*put a us\.\/eu\.\/apac\.\/jp\.\/au\.\/ca\.\/global\. prefix in `profile`/,
    );
  });

  it("rejects an unknown inference-profile prefix", () => {
    const [problem] = problemsOf({ bedrock: { models: [{ id: "amazon.nova-lite-v1:0", profile: "asia" }] } });
    assert.match(problem ?? "", /^bedrock\.models\[0\]\.profile: got "asia"/);
  });

  it("rejects a negative budget and a bad e-mail address", () => {
    const problems = problemsOf({
      budgets: {
        managed: [
          {
            name: "twin-budget",
            limitUsd: -5,
            emails: ["ops-at-example"],
            thresholds: [{ type: "ACTUAL", percent: 80 }],
          },
        ],
      },
    });
    assert.ok(
      problems.some((p) =>
        /^budgets\.managed\[0\]\.limitUsd: got -5; must be a positive amount in USD/.test(p),
      ),
      problems.join("\n"),
    );
    assert.ok(
      problems.some((p) =>
        /^budgets\.managed\[0\]\.emails\[0\]: got "ops-at-example"; must be an e-mail address/.test(p),
      ),
      problems.join("\n"),
    );
  });

  it("rejects a misspelt field and points at config.example.json", () => {
    const [problem] = problemsOf({ lambda: { functions: [{ name: "twin-api" }], fucntions: [] } });
    assert.match(
      problem ?? "",
      /^lambda: unknown field\(s\) fucntions: remove them or check the spelling against config\.example\.json/,
    );
  });

  it("rejects a port out of range and a short token", () => {
    const problems = problemsOf({ server: { port: 70000, token: "short" } });
    assert.ok(problems.some((p) => p.startsWith("server.port: got 70000")));
    assert.ok(
      problems.some((p) => p.startsWith('server.token: got "short"; must be at least 16 characters')),
    );
  });

  it("runs on the sandbox when there is no config file, and applies env overrides", () => {
    const dir = mkdtempSync(join(tmpdir(), "bedrock-ops-config-"));
    const config = loadConfig({ cwd: dir, env: { PORT: "3999", AWS_REGION: "eu-west-1" } });
    assert.equal(config.mode, "sandbox");
    assert.equal(config.server.port, 3999);
    assert.equal(config.aws.region, "eu-west-1");
  });

  it("reports invalid JSON in the file with the file name", () => {
    const dir = mkdtempSync(join(tmpdir(), "bedrock-ops-config-"));
    writeFileSync(join(dir, "config.json"), '{ "aws": ');
    assert.throws(
      () => loadConfig({ cwd: dir, env: {} }),
      (err: unknown) =>
        err instanceof ConfigError && /config\.json/.test(err.message) && /not valid JSON/.test(err.message),
    );
  });

  it("reports a PORT env that is not a number as the field server.port", () => {
    const dir = mkdtempSync(join(tmpdir(), "bedrock-ops-config-"));
    assert.throws(
      () => loadConfig({ cwd: dir, env: { PORT: "http" } }),
      (err: unknown) => err instanceof ConfigError && /server\.port: got "http"/.test(err.message),
    );
  });
});
