/**
 * The runner against the in-process sandbox with real SDK clients: throttles under a tiny quota,
 * mid-stream exceptions, a run stopped mid-way, cost from usage, Converse mode, quota refusal
 * and a regression between two runs.
 */
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { requestCost } from "../../server/bench/cost.ts";
import { QuotaRefusal, type RunRequest, runBenchmark } from "../../server/bench/runner.ts";
import type { ProviderSettings } from "../../server/sandbox/core/settings.ts";
import { type BenchFixture, groundTruth, MODELS, startFixture, suiteFile } from "./bench-fixture.ts";

const [MICRO, LITE, PRO] = MODELS as [string, string, string];
const slo = { p90EndToEndMs: 2000, minQualityPassRate: 0.9 };
const loaded = suiteFile({
  name: "runner",
  warmup: 1,
  repetitions: 4,
  prompts: [
    {
      id: "capital",
      text: 'What is the capital of Spain? Answer briefly and mention "Madrid".',
      checks: [{ type: "contains", value: "Madrid" }],
    },
    {
      id: "json",
      text: 'Return only a JSON object with the key "status". No prose.',
      checks: [{ type: "json" }],
    },
  ],
});

describe("benchmark runner against the sandbox", () => {
  const settings: ProviderSettings = { bedrock: { latencyScale: 0.05 } };
  let fx: BenchFixture;
  before(async () => {
    fx = await startFixture(settings);
  });
  after(async () => {
    await fx.close();
  });
  beforeEach(async () => {
    settings.bedrock = { latencyScale: 0.05 };
    await fetch(`${fx.url}/_sandbox/reset`, { method: "POST" });
  });

  const request = (over: Partial<RunRequest>): RunRequest => ({
    loaded,
    models: MODELS,
    region: "us-east-1",
    mode: "stream",
    load: { kind: "sequential" },
    slo,
    ...over,
  });

  it("counts throttles under a tiny configured quota as throttles, not latency", async () => {
    // Prepare: Nova Micro may take 4 requests a minute; the run sends 1 warm-up + 8 measured
    settings.bedrock = { latencyScale: 0.05, quotas: { [MICRO]: { rpm: 4, tpm: 1_000_000 } } };
    // Act
    const result = await runBenchmark(fx.deps, request({ models: [MICRO] }));
    const truth = await groundTruth(fx.url);
    // Assess
    const stats = result.detail.stats[0]!;
    assert.equal(stats.count, 8);
    assert.equal(stats.throttleRate, 5 / 8);
    assert.equal(stats.errorRate, 0);
    const throttled = result.rows.filter((r) => r.status === "throttled");
    assert.equal(throttled.length, 5);
    for (const r of throttled) {
      assert.equal(r.errorCode, "ThrottlingException");
      assert.equal(r.midStream, false);
    }
    const truthThrottled = [...truth.values()].filter((c) => c.modelId === MICRO && c.status === "throttled");
    assert.equal(truthThrottled.length, 5, "the sandbox throttled exactly the requests counted as throttles");
    assert.equal(
      stats.endToEndMs.samples?.length,
      3,
      "only the 3 successful measured requests carry latency",
    );
    assert.equal(result.detail.recommendation?.modelId, null);
    assert.match(result.detail.recommendation!.reason, /failures 62\.5 % > 5\.0 %/);
  });

  it("classifies mid-stream exceptions per request and keeps them out of latency", async () => {
    // Prepare: every Lite stream fails half-way with modelStreamErrorException
    settings.bedrock = {
      latencyScale: 0.05,
      streamExceptions: { probability: 1, exception: "modelStreamErrorException", models: [LITE] },
    };
    // Act
    const result = await runBenchmark(fx.deps, request({ models: [MICRO, LITE] }));
    // Assess
    const lite = result.rows.filter((r) => r.modelId === LITE && !r.warmup);
    assert.equal(lite.length, 8);
    for (const r of lite) {
      assert.equal(r.status, "error");
      assert.equal(r.errorCode, "ModelStreamErrorException");
      assert.equal(r.midStream, true);
    }
    const [micro, liteStats] = result.detail.stats;
    assert.equal(micro!.errorRate, 0);
    assert.equal(liteStats!.errorRate, 1);
    assert.equal(liteStats!.endToEndMs.samples?.length, 0);
  });

  it("counts a throttling exception sent mid-stream as a throttle", async () => {
    settings.bedrock = {
      latencyScale: 0.05,
      streamExceptions: { probability: 1, exception: "throttlingException" },
    };
    const result = await runBenchmark(fx.deps, request({ models: [PRO] }));
    const measured = result.rows.filter((r) => !r.warmup);
    assert.ok(
      measured.every((r) => r.status === "throttled" && r.midStream && r.errorCode === "ThrottlingException"),
    );
    assert.equal(result.detail.stats[0]!.throttleRate, 1);
  });

  it("stopped mid-way keeps the completed rows and is marked incomplete", async () => {
    // Prepare: stop after the 5th completed request, with 2 in flight
    const stop = new AbortController();
    // Act
    const result = await runBenchmark(
      fx.deps,
      request({
        load: { kind: "concurrency", n: 2 },
        signal: stop.signal,
        onProgress: (p) => {
          if (p.done === 5) stop.abort();
        },
      }),
    );
    // Assess
    assert.equal(result.status, "incomplete");
    const stored = await fx.store.requests(result.runId);
    assert.deepEqual(
      stored.map((r) => r.seq),
      result.rows.map((r) => r.seq),
    );
    const completed = stored.filter((r) => r.status !== "cancelled");
    assert.ok(completed.length >= 5 && completed.length <= 6, `completed ${completed.length}`);
    assert.ok(stored.length < 3 + 3 * 2 * 4, "the run must not have gone on");
    const cancelled = stored.filter((r) => r.status === "cancelled");
    assert.ok(cancelled.length <= 1, "only the request in flight on the other worker can be cancelled");
    assert.ok(cancelled.every((r) => r.errorCode === "AbortError" && r.outputTokens === null));
    const run = (await fx.store.getRun(result.runId))!;
    assert.equal(run.status, "incomplete");
    assert.equal(run.requests, completed.filter((r) => !r.warmup).length);
  });

  it("counts a per-request timeout as a timeout, never as a latency", async () => {
    // Prepare: real-time latency; Nova Pro's first token comes after ~700 ms, the timeout is 200 ms
    settings.bedrock = { latencyScale: 1 };
    // Act
    const result = await runBenchmark(fx.deps, request({ models: [PRO], repetitions: 1, timeoutMs: 200 }));
    // Assess
    assert.ok(result.rows.every((r) => r.status === "timeout" && r.errorCode === "TimeoutError"));
    const stats = result.detail.stats[0]!;
    assert.equal(stats.count, 2);
    assert.equal(stats.errorRate, 1);
    assert.equal(stats.endToEndMs.samples?.length, 0);
  });

  it("prices each request from its usage and the price table", async () => {
    const result = await runBenchmark(fx.deps, request({ models: [LITE, PRO] }));
    const truth = await groundTruth(fx.url);
    for (const r of result.rows) {
      const t = truth.get(r.requestId!)!;
      assert.equal(r.inputTokens, t.inputTokens);
      assert.equal(r.outputTokens, t.outputTokens);
      const quote = fx.prices(r.modelId, "us-east-1")!;
      assert.equal(r.costUsd, requestCost(quote, t.inputTokens, t.outputTokens));
    }
    const pro = result.detail.stats.find((s) => s.modelId === PRO)!;
    const proRows = result.rows.filter((r) => r.modelId === PRO && !r.warmup);
    const expected = proRows.reduce((n, r) => n + r.costUsd!, 0) / proRows.length;
    assert.ok(Math.abs(pro.costPerRequestUsd - expected) < 1e-8);
    assert.ok(Math.abs(pro.costPer1kRequestsUsd - expected * 1000) < 1e-5);
    assert.equal(result.detail.manifest.priceTableDate, "2026-11-01");
    assert.equal(result.detail.manifest.suiteHash, loaded.hash);
    assert.match(String(result.detail.manifest.sdkVersion), /client-bedrock-runtime \d+\.\d+\.\d+/);
  });

  it("measures end-to-end and server latency through Converse", async () => {
    const result = await runBenchmark(fx.deps, request({ models: [MICRO], mode: "converse" }));
    const truth = await groundTruth(fx.url);
    for (const r of result.rows) {
      assert.equal(r.status, "ok");
      assert.equal(r.ttftMs, null);
      assert.equal(truth.get(r.requestId!)?.operation, "Converse");
      assert.equal(r.serverLatencyMs, truth.get(r.requestId!)?.latencyMs);
    }
  });

  it("refuses a concurrency the quota cannot take before sending anything", async () => {
    const before = (await groundTruth(fx.url)).size;
    await assert.rejects(
      runBenchmark(
        fx.deps,
        request({ load: { kind: "concurrency", n: 16 }, quotas: { [PRO]: { rpm: 100, tpm: 8000 } } }),
      ),
      (err: unknown) => err instanceof QuotaRefusal && /> TPM quota 8000/.test(err.message),
    );
    assert.equal((await groundTruth(fx.url)).size, before);
  });

  it("refuses after warm-up when the measured latency shows the RPM quota cannot take the concurrency", async () => {
    // Act: 4 workers on a model answering in well under a second, with a 30 requests/minute quota
    const result = await runBenchmark(
      fx.deps,
      request({
        models: [MICRO],
        load: { kind: "concurrency", n: 4 },
        quotas: { [MICRO]: { rpm: 30, tpm: 10_000_000 } },
      }),
    );
    // Assess
    assert.equal(result.status, "failed");
    assert.equal(result.refused, true);
    assert.match(
      result.error ?? "",
      /4 worker\(s\) x 60000 ms \/ \d+ ms per request \/ 1 models = [\d.]+ requests\/min > RPM quota 30/,
    );
    assert.deepEqual(
      result.rows.map((r) => r.warmup),
      [true],
    );
  });

  it("flags a model whose p90 got worse than in the previous run of the suite", async () => {
    // Prepare: a first run at latencyScale 0.05, then the sandbox gets 20x slower
    const regress = suiteFile({
      name: "regress",
      warmup: 1,
      prompts: [{ id: "q", text: "What is Amazon Bedrock?" }],
    });
    const first = await runBenchmark(fx.deps, request({ loaded: regress, models: [MICRO], repetitions: 10 }));
    settings.bedrock = { latencyScale: 1 };
    // Act
    const second = await runBenchmark(
      fx.deps,
      request({ loaded: regress, models: [MICRO], repetitions: 10 }),
    );
    // Assess
    assert.equal(first.detail.regressions.length, 0);
    const e2e = second.detail.regressions.find((r) => r.metric === "p90EndToEndMs");
    assert.ok(e2e, JSON.stringify(second.detail.regressions));
    assert.equal(e2e.modelId, MICRO);
    assert.ok(e2e.current > e2e.previous);
  });
});
