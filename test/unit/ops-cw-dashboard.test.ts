import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseConfig } from "../../server/config.ts";
import {
  buildDashboardBody,
  dashboardConsoleUrl,
  dashboardNameProblem,
} from "../../server/ops/cw-dashboard.ts";

const config = parseConfig({
  aws: { region: "eu-west-1" },
  lambda: { functions: [{ name: "twin-api" }] },
  bedrock: {
    region: "eu-central-1",
    models: [{ id: "amazon.nova-lite-v1:0", label: "Nova Lite", profile: "eu" }],
  },
});

describe("cw-dashboard body", () => {
  it("has the seed's four widgets first, with their statistics and periods (seed 000, part 7, step 4)", () => {
    const { widgets } = buildDashboardBody(config);
    const seed = widgets
      .slice(0, 4)
      .map((w) => [
        w.properties.metrics[0]!.slice(0, 2).join("/"),
        w.properties.view,
        w.properties.stat,
        w.properties.period,
      ]);
    assert.deepEqual(seed, [
      ["AWS/Lambda/Invocations", "timeSeries", "Sum", 300],
      ["AWS/Lambda/Duration", "timeSeries", "Average", 300],
      ["AWS/Lambda/Errors", "singleValue", "Sum", 3600],
      ["AWS/Bedrock/Invocations", "timeSeries", "Sum", 300],
    ]);
    assert.deepEqual(widgets[0]!.properties.metrics[0], [
      "AWS/Lambda",
      "Invocations",
      "FunctionName",
      "twin-api",
    ]);
  });

  it("adds per-model latency p50/p90 and token widgets under the invoked (profile) ID and the Bedrock region", () => {
    const { widgets } = buildDashboardBody(config);
    const latency = widgets[4]!;
    assert.equal(latency.properties.region, "eu-central-1");
    assert.deepEqual(latency.properties.metrics, [
      [
        "AWS/Bedrock",
        "InvocationLatency",
        "ModelId",
        "eu.amazon.nova-lite-v1:0",
        { stat: "p50", label: "Nova Lite p50" },
      ],
      [
        "AWS/Bedrock",
        "InvocationLatency",
        "ModelId",
        "eu.amazon.nova-lite-v1:0",
        { stat: "p90", label: "Nova Lite p90" },
      ],
    ]);
    assert.deepEqual(
      widgets[5]!.properties.metrics.map((m) => m[1]),
      ["InputTokenCount", "OutputTokenCount"],
    );
    assert.equal(widgets[0]!.properties.region, "eu-west-1");
  });

  it("lays widgets out on the 24-column grid without overlap", () => {
    const { widgets } = buildDashboardBody(config);
    const cells = new Set<string>();
    for (const w of widgets) {
      assert.ok(w.x + w.width <= 24);
      for (let x = w.x; x < w.x + w.width; x++) {
        for (let y = w.y; y < w.y + w.height; y++) {
          assert.ok(!cells.has(`${x},${y}`), `overlap at ${x},${y}`);
          cells.add(`${x},${y}`);
        }
      }
    }
  });

  it("validates names and links to the console", () => {
    assert.equal(dashboardNameProblem("twin-monitoring"), undefined);
    assert.equal(
      dashboardNameProblem("twin monitoring"),
      '--name: got "twin monitoring"; use up to 255 letters, digits, - and _',
    );
    assert.equal(
      dashboardConsoleUrl("us-east-1", "twin-monitoring"),
      "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards/dashboard/twin-monitoring",
    );
  });
});

describe("quota widgets", () => {
  it("draws EstimatedTPMQuotaUsage per minute with each model's applied TPM quota as a line", () => {
    const body = buildDashboardBody(parseConfig({}), [
      { modelId: "amazon.nova-pro-v1:0", tpm: 800_000, code: "L-CE33604C" },
    ]);
    const quota = body.widgets.find((w) =>
      w.properties.metrics.some((m) => m[1] === "EstimatedTPMQuotaUsage"),
    )!;
    assert.equal(quota.properties.period, 60);
    assert.equal(quota.properties.stat, "Sum");
    assert.deepEqual(quota.properties.annotations?.horizontal, [
      { label: "Nova Pro TPM quota (L-CE33604C)", value: 800_000 },
    ]);
    assert.ok(body.widgets.some((w) => w.properties.title === "Bedrock throttles per minute"));
  });
});
