/** Publishing a run's results to a custom CloudWatch namespace (PutMetricData) in the sandbox. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ListMetricsCommand } from "@aws-sdk/client-cloudwatch";
import { publishRun } from "../../server/bench/publish.ts";
import { runBenchmark } from "../../server/bench/runner.ts";
import { type BenchFixture, startFixture, suiteFile } from "./bench-fixture.ts";

describe("publishing benchmark results to CloudWatch", () => {
  let fx: BenchFixture;
  before(async () => {
    fx = await startFixture({ bedrock: { latencyScale: 0.05 } });
  });
  after(async () => {
    await fx.close();
  });

  it("sends one data point per metric and model with dimensions Model and Suite", async () => {
    // Prepare
    const loaded = suiteFile({ name: "pub", warmup: 0, repetitions: 2, prompts: [{ id: "q", text: "Hi" }] });
    const models = ["amazon.nova-micro-v1:0", "amazon.nova-lite-v1:0"];
    const run = await runBenchmark(fx.deps, {
      loaded,
      models,
      region: "us-east-1",
      mode: "stream",
      load: { kind: "sequential" },
      slo: { p90EndToEndMs: 2000, minQualityPassRate: 0.9 },
    });
    // Act
    const sent = await publishRun(fx.clients, "BedrockOps/Bench", "pub", run.detail.stats, new Date());
    const listed = await fx.clients
      .cloudwatch()
      .send(new ListMetricsCommand({ Namespace: "BedrockOps/Bench" }));
    // Assess
    assert.equal(sent, 10 * 2);
    const metrics = listed.Metrics ?? [];
    assert.equal(metrics.length, 20);
    const p90 = metrics.filter((m) => m.MetricName === "EndToEndP90");
    assert.deepEqual(
      p90
        .map((m) => Object.fromEntries((m.Dimensions ?? []).map((d) => [d.Name, d.Value])))
        .sort((a, b) => String(a.Model).localeCompare(String(b.Model))),
      [
        { Model: "amazon.nova-lite-v1:0", Suite: "pub" },
        { Model: "amazon.nova-micro-v1:0", Suite: "pub" },
      ],
    );
  });
});
