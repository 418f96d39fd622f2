/**
 * The dashboard API in-process against the real sandbox: every endpoint's numbers agree with the
 * sandbox's workload, one GetMetricData call per refresh, N viewers cost one AWS call, a
 * throttled Cost Explorer only marks the costs panel, and the cache survives a restart.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type {
  CostsData,
  HealthResponse,
  LogsData,
  MetricsData,
  OverviewData,
  Panel,
  QuotasData,
  UsageData,
} from "../../server/api/contract.ts";
import { type RunningServer, startServer } from "../../server/api/server.ts";
import { parseConfig } from "../../server/config.ts";
import { invocationEnd } from "../../server/sandbox/workload/model.ts";

const NOW = Date.parse("2026-11-18T15:30:00.000Z");
const now = () => new Date(NOW);

async function getJson<T>(
  base: string,
  path: string,
  init?: RequestInit,
): Promise<{ status: number; body: T; headers: Headers }> {
  const res = await fetch(`${base}${path}`, init);
  return { status: res.status, body: (await res.json()) as T, headers: res.headers };
}

function sinceSeq(server: RunningServer): number {
  return server.sandbox!.ledger.lastSeq;
}

function calls(server: RunningServer, seq: number, service: string, operation?: string): number {
  return server.sandbox!.ledger.list({ service, ...(operation ? { operation } : {}), sinceSeq: seq }).length;
}

describe("dashboard API against the sandbox", () => {
  let server: RunningServer;
  let dataDir: string;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "bedrock-ops-api-"));
    // No wall-clock wait limit in this test: a loaded machine must not turn a slow sandbox into an error.
    server = await startServer(parseConfig({ mode: "sandbox", cache: { waitSeconds: 300 } }), {
      port: 0,
      dataDir,
      now,
    });
  });

  after(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("health reports sandbox mode, region, version and no auth on loopback", async () => {
    const { status, body } = await getJson<HealthResponse>(server.url, "/api/health");
    assert.equal(status, 200);
    assert.equal(body.mode, "sandbox");
    assert.equal(body.region, "us-east-1");
    assert.equal(body.auth, false);
    assert.match(body.version, /^\d+\.\d+\.\d+/);
  });

  test("metrics: Lambda invocations and errors equal the workload's for the range, from one GetMetricData call", async () => {
    const seq = sinceSeq(server);
    const { status, body } = await getJson<Panel<MetricsData>>(server.url, "/api/metrics?range=3h");
    assert.equal(status, 200);
    assert.equal(body.error, null);
    const data = body.data!;
    const start = Date.parse(data.range.start);
    const end = Date.parse(data.range.end);
    // Lambda reports an invocation in the minute it ends (as its REPORT line).
    const expected = server
      .sandbox!.workload.invocations("twin-api", start - 180_000, end)
      .filter((i) => invocationEnd(i) >= start && invocationEnd(i) < end && invocationEnd(i) <= NOW);
    const sum = (id: string) =>
      (data.lambda.find((s) => s.id === id)?.points ?? []).reduce((n, [, v]) => n + v, 0);
    assert.ok(expected.length > 0);
    assert.equal(sum("lambda:twin-api:Invocations:Sum"), expected.length);
    // AWS/Lambda Errors counts function errors, timeouts and out-of-memory (REPORT Status) alike.
    assert.equal(sum("lambda:twin-api:Errors:Sum"), expected.filter((i) => i.error || i.status).length);
    assert.equal(data.range.periodSeconds, 60);
    assert.equal(data.lambda.length, 7);
    assert.equal(data.bedrock.length, 30);
    // The per-minute quota series bought in the same call are not in this body: /api/quotas
    // serves them, from the same cache entry (no second GetMetricData).
    assert.equal(data.quota, undefined);
    assert.equal(data.calls, 1);
    const quotas = (await getJson<Panel<QuotasData>>(server.url, "/api/quotas?range=3h")).body.data!;
    assert.equal(quotas.periodSeconds, 60);
    assert.deepEqual(
      quotas.models.map((m) => m.modelId),
      ["amazon.nova-micro-v1:0", "amazon.nova-lite-v1:0", "amazon.nova-pro-v1:0"],
    );
    const invocations = (model: string) =>
      (data.bedrock.find((s) => s.id === `bedrock:${model}:Invocations:Sum`)?.points ?? []).reduce(
        (n, [, v]) => n + v,
        0,
      );
    for (const m of quotas.models) {
      assert.ok(m.series.tokens.length >= 60, `${m.modelId}: a point a minute`);
      assert.equal(
        m.series.requests.reduce((n, [, v]) => n + v, 0),
        invocations(m.modelId),
        `${m.modelId}: per-minute requests add up to the Invocations series`,
      );
    }
    assert.equal(calls(server, seq, "cloudwatch", "GetMetricData"), 1);
  });

  test("metrics: Bedrock token sums equal the workload's calls per model", async () => {
    const { body } = await getJson<Panel<MetricsData>>(
      server.url,
      "/api/metrics?range=3h&model=amazon.nova-lite-v1:0",
    );
    const data = body.data!;
    assert.deepEqual([...new Set(data.bedrock.map((s) => s.resource))], ["amazon.nova-lite-v1:0"]);
    const start = Date.parse(data.range.start);
    const end = Date.parse(data.range.end);
    // CloudWatch counts tokens of successful calls, under the minute Bedrock received them.
    const expected = server
      .sandbox!.workload.invocations("twin-api", start - 60_000, end)
      .flatMap((inv) => (inv.bedrock ? [inv.bedrock] : []))
      .filter(
        (c) => c.modelId === "amazon.nova-lite-v1:0" && c.status === "ok" && c.time >= start && c.time < end,
      );
    const tokens = data.bedrock
      .find((s) => s.id.endsWith(":InputTokenCount:Sum"))!
      .points.reduce((n, [, v]) => n + v, 0);
    assert.ok(expected.length > 0);
    assert.equal(
      tokens,
      expected.reduce((n, c) => n + c.inputTokens, 0),
    );
  });

  test("20 concurrent viewers cost the same AWS calls as one", async () => {
    const seq = sinceSeq(server);
    const usageBefore = (await getJson<Panel<UsageData>>(server.url, "/api/usage")).body.data!;
    const countBefore = usageBefore.calls.find((c) => c.api === "cloudwatch:GetMetricData")?.count ?? 0;
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => getJson<Panel<MetricsData>>(server.url, "/api/metrics?range=12h")),
    );
    assert.ok(answers.every((a) => a.status === 200 && a.body.data !== null));
    assert.equal(new Set(answers.map((a) => a.body.asOf)).size, 1);
    assert.equal(calls(server, seq, "cloudwatch", "GetMetricData"), 1);
    const usageAfter = (await getJson<Panel<UsageData>>(server.url, "/api/usage")).body.data!;
    assert.equal(usageAfter.calls.find((c) => c.api === "cloudwatch:GetMetricData")?.count, countBefore + 1);
  });

  test("logs: percentiles, cold starts and 5-minute bins agree with the REPORT lines of the range", async () => {
    const { status, body } = await getJson<Panel<LogsData>>(server.url, "/api/logs?range=1h");
    assert.equal(status, 200);
    assert.equal(body.error, null);
    const data = body.data!;
    const binned = data.durations.reduce((n, b) => n + (b.count ?? 0), 0);
    assert.equal(binned, data.percentiles!.count);
    // Lambda writes the REPORT line when the invocation ends (start + init + duration); Logs Insights' range is inclusive.
    const from = Date.parse(data.range.start);
    const to = Date.parse(data.range.end);
    const reportAt = (i: { start: number; initMs?: number; durationMs: number }) =>
      Math.round(i.start + (i.initMs ?? 0) + i.durationMs);
    const invocations = server
      .sandbox!.workload.invocations("twin-api", from - 60_000, to)
      .filter((i) => reportAt(i) >= from && reportAt(i) <= Math.min(to, NOW));
    assert.equal(data.percentiles!.count, invocations.length);
    assert.equal(data.coldStarts!.count, invocations.filter((i) => i.initMs !== undefined).length);
    assert.ok(
      data.percentiles!.p50 <= data.percentiles!.p90 && data.percentiles!.p90 <= data.percentiles!.p99,
    );
    assert.equal(data.memory!.memorySizeMb, 512);
  });

  test("costs: per-model Bedrock cost adds up to the Bedrock services' cost, and estimates reconcile with the bill", async () => {
    const { status, body } = await getJson<Panel<CostsData>>(server.url, "/api/costs");
    assert.equal(status, 200);
    assert.equal(body.error, null);
    const data = body.data!;
    assert.equal(data.byService.length, 7);
    for (const day of data.byService) {
      const models = data.bedrockByModel.find((d) => d.date === day.date);
      assert.ok(models, `no per-model costs for ${day.date}`);
      // The realistic account bills Bedrock under three services (first-party, Amazon Bedrock
      // Service, the Claude Marketplace service); every dollar is in a model or the unrecognised group.
      const bedrock = (data.bedrockServices ?? []).reduce((n, s) => n + (day.groups[s] ?? 0), 0);
      assert.ok(Math.abs(models.total - bedrock) < 0.001, `${day.date}: ${models.total} vs ${bedrock}`);
    }
    assert.deepEqual([...new Set(data.reconciliation.map((r) => r.model))].sort(), [
      "claude-haiku-4-5",
      "nova-2-lite",
      "nova-lite",
      "nova-micro",
      "nova-pro",
      "unrecognised usage types",
    ]);
    const finished = data.reconciliation.filter((r) => r.date < "2026-11-17");
    assert.ok(finished.length > 0);
    for (const row of finished) {
      assert.ok(row.billedUsd !== null && row.gapUsd !== null);
      assert.equal(row.gapUsd, Math.round((row.billedUsd - row.estimatedUsd) * 1e6) / 1e6);
      // A gap is either within tolerance or named by its real cause (the nightly batch job, the
      // guardrail usage type no parser knows).
      assert.ok(
        Math.abs(row.gapUsd) <= 0.02 * row.billedUsd + 0.01 ||
          ["service tier not in the estimate", "unrecognised usage type"].includes(row.cause),
        `${row.date} ${row.model} gap ${row.gapUsd} (${row.cause})`,
      );
    }
    assert.ok(data.monthToDate !== null && data.monthToDate > 0, String(data.monthToDate));
    assert.ok(data.forecast === null || data.forecast.end === "2026-12-01");
  });

  test("overview KPIs equal the metrics panel of the same range", async () => {
    const [overview, metrics] = await Promise.all([
      getJson<Panel<OverviewData>>(server.url, "/api/overview?range=3h"),
      getJson<Panel<MetricsData>>(server.url, "/api/metrics?range=3h"),
    ]);
    const invocations = metrics.body
      .data!.lambda.find((s) => s.id === "lambda:twin-api:Invocations:Sum")!
      .points.reduce((n, [, v]) => n + v, 0);
    assert.equal(overview.body.data!.invocations.value, invocations);
    const tokens = metrics.body
      .data!.bedrock.filter((s) => /TokenCount:Sum$/.test(s.id))
      .reduce((n, s) => n + s.points.reduce((m, [, v]) => m + v, 0), 0);
    assert.equal(overview.body.data!.tokens.value, tokens);
    assert.ok((overview.body.data!.estimatedCostUsd.value ?? 0) > 0);
    assert.ok((overview.body.data!.monthToDateUsd ?? 0) > 0);
  });

  test("overview: tokens today (daily CloudWatch sums) equal the minute sums since midnight", async () => {
    const overview = await getJson<Panel<OverviewData>>(server.url, "/api/overview?range=1h");
    const sinceMidnight = await getJson<Panel<MetricsData>>(
      server.url,
      "/api/metrics?start=2026-11-18T00:00:00Z&end=2026-11-18T15:30:00Z",
    );
    const tokens = sinceMidnight.body
      .data!.bedrock.filter((s) => /TokenCount:Sum$/.test(s.id))
      .reduce((n, s) => n + s.points.reduce((m, [, v]) => m + v, 0), 0);
    assert.ok(tokens > 0);
    assert.equal(overview.body.data!.tokensToday, tokens);
    assert.ok((overview.body.data!.estimatedCostTodayUsd ?? 0) > 0);
  });

  test("a throttled Cost Explorer marks only the costs panel: stale last good data, or an error naming the AWS error", async () => {
    await fetch(`${server.sandbox!.url}/_sandbox/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ faults: [{ service: "ce", kind: "throttle" }] }),
    });
    try {
      const refreshed = await getJson<Panel<CostsData>>(server.url, "/api/refresh/costs", { method: "POST" });
      assert.equal(refreshed.status, 200);
      assert.equal(refreshed.body.stale, true);
      assert.notEqual(refreshed.body.data, null);
      // Cost Explorer throttles with LimitExceededException.
      assert.equal(refreshed.body.error?.code, "LimitExceededException");
      assert.match(refreshed.body.error?.message ?? "", /GetCostAndUsage|GetCostForecast/);
      const fresh = await getJson<Panel<CostsData>>(server.url, "/api/costs?range=30d");
      assert.equal(fresh.body.data, null);
      assert.equal(fresh.body.error?.code, "LimitExceededException");
      const metrics = await getJson<Panel<MetricsData>>(server.url, "/api/metrics?range=24h");
      assert.equal(metrics.body.error, null);
      assert.notEqual(metrics.body.data, null);
    } finally {
      await fetch(`${server.sandbox!.url}/_sandbox/faults`, { method: "DELETE" });
    }
  });

  test("manual refresh is rate-limited per panel", async () => {
    const first = await fetch(`${server.url}/api/refresh/budgets`, { method: "POST" });
    const second = await fetch(`${server.url}/api/refresh/budgets`, { method: "POST" });
    assert.equal(first.status, 200);
    assert.equal(second.status, 429);
    assert.equal(second.headers.get("retry-after"), "60");
    assert.equal(((await second.json()) as { error: { code: string } }).error.code, "RateLimited");
  });

  test("the OpenAPI document lists every endpoint", async () => {
    const { status, body } = await getJson<{ openapi: string; paths: Record<string, unknown> }>(
      server.url,
      "/api/openapi.json",
    );
    assert.equal(status, 200);
    assert.equal(body.openapi, "3.1.0");
    for (const path of [
      "/api/health",
      "/api/overview",
      "/api/metrics",
      "/api/logs",
      "/api/costs",
      "/api/budgets",
      "/api/usage",
      "/api/refresh/{panel}",
      "/metrics",
    ]) {
      assert.ok(path in body.paths, path);
    }
  });

  test("GET /metrics serves the headline figures in the Prometheus text format", async () => {
    const res = await fetch(`${server.url}/metrics`);
    const text = await res.text();
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    assert.match(text, /^# TYPE bedrock_ops_bedrock_tokens gauge$/m);
    assert.match(
      text,
      /^bedrock_ops_bedrock_tokens\{model="amazon\.nova-lite-v1:0",direction="input"\} \d+$/m,
    );
    assert.match(text, /^bedrock_ops_aws_api_calls_total\{api="cloudwatch:GetMetricData"\} \d+$/m);
  });

  test("the persisted cache means a restart does not re-buy Cost Explorer data", async () => {
    const config = parseConfig({ mode: "sandbox" });
    const first = await startServer(config, { port: 0, dataDir, now });
    const warm = await getJson<Panel<CostsData>>(first.url, "/api/costs?range=7d");
    assert.notEqual(warm.body.data, null);
    await first.close();
    const second = await startServer(config, { port: 0, dataDir, now });
    try {
      const again = await getJson<Panel<CostsData>>(second.url, "/api/costs?range=7d");
      assert.deepEqual(again.body.data?.byService, warm.body.data?.byService);
      assert.equal(calls(second, 0, "ce"), 0);
    } finally {
      await second.close();
    }
  });
});

describe("GetMetricData batching", () => {
  test("611 series bought (6 Lambda, 55 x 11 Bedrock) take exactly ceil(611 / 500) = 2 calls", async () => {
    const models = Array.from({ length: 55 }, (_, i) => ({ id: `amazon.nova-lite-v1:${i}` }));
    const server = await startServer(parseConfig({ mode: "sandbox", bedrock: { models } }), {
      port: 0,
      dataDir: ":memory:",
      now,
    });
    try {
      const { body } = await getJson<Panel<MetricsData>>(server.url, "/api/metrics?range=1h");
      assert.equal(body.error, null);
      assert.equal(body.data!.lambda.length + body.data!.bedrock.length, 6 + 1 + 55 * 10);
      assert.equal(body.data!.quota, undefined);
      assert.equal(body.data!.calls, 2);
      const quotas = await getJson<Panel<QuotasData>>(server.url, "/api/quotas?range=1h");
      assert.equal(quotas.body.data!.models.length, 55);
      assert.ok(quotas.body.data!.models.every((m) => m.series.tokens.length > 0));
      assert.equal(calls(server, 0, "cloudwatch", "GetMetricData"), 2);
    } finally {
      await server.close();
    }
  });
});
