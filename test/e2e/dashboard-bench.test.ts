/**
 * The Benchmarks panel with results: the real server on the sandbox for every other panel, and
 * /api/bench/* answered by contract-typed fixtures (two runs of the twin suite, the second with
 * a Nova Pro regression, and a missed scheduled run), so the panel is checked independently of a
 * benchmark actually running in the test.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import type {
  BenchModelStats,
  BenchRunDetail,
  BenchRunSummary,
  BenchSchedulesData,
  PercentileSet,
} from "../../server/api/contract.ts";
import { charts, type Dashboard, startDashboard, waitForLoads } from "./harness.ts";

const MODELS = ["us.amazon.nova-micro-v1:0", "us.amazon.nova-lite-v1:0", "us.amazon.nova-pro-v1:0"];

function percentiles(p50: number): PercentileSet {
  return {
    mean: p50 * 1.1,
    p50,
    p90: p50 * 1.5,
    p95: p50 * 1.7,
    p99: p50 * 2.2,
    p90Ci: [p50 * 1.4, p50 * 1.6],
  };
}

function stats(modelId: string, i: number, slower: number): BenchModelStats {
  return {
    modelId,
    count: 50,
    errorRate: 0,
    throttleRate: 0.02,
    ttftMs: percentiles(300 + 400 * i),
    endToEndMs: percentiles(700 + 900 * i + slower),
    interTokenMs: percentiles(20),
    outputTokensPerSecond: 150 - 40 * i,
    qualityPassRate: 0.8 + 0.08 * i,
    costPerRequestUsd: 0.0001 * (i + 1),
    costPer1kRequestsUsd: 0.1 * (i + 1),
  };
}

function run(id: string, startedAt: string, regression: boolean): BenchRunDetail {
  return {
    id,
    suite: "twin",
    startedAt,
    finishedAt: startedAt,
    status: "complete",
    models: MODELS,
    requests: 150,
    recommendation: { modelId: MODELS[1]!, reason: "meets the 2 s p90 target at a quarter of Pro's cost" },
    regressions: regression
      ? [{ modelId: MODELS[2]!, metric: "endToEndMs.p90", previous: 3975, current: 4875 }]
      : [],
    stats: MODELS.map((m, i) => stats(m, i, regression && i === 2 ? 600 : 0)),
    manifest: { suite: "twin" },
  };
}

const RUNS = [
  run("run-2", "2026-11-21T06:00:00.000Z", true),
  run("run-1", "2026-11-20T06:00:00.000Z", false),
];
const SCHEDULES: BenchSchedulesData = {
  schedules: [
    {
      suite: "twin",
      cron: "0 6 * * *",
      nextAt: "2026-11-22T06:00:00.000Z",
      lastRunId: "run-2",
      running: false,
    },
  ],
  missed: [
    {
      suite: "twin",
      cron: "0 6 * * *",
      dueAt: "2026-11-19T06:00:00.000Z",
      reason: "server was down",
      detectedAt: "2026-11-20T05:00:00.000Z",
    },
  ],
};

describe("Benchmarks panel with results", () => {
  let dash: Dashboard;
  let page: Page;
  const asked: string[] = [];

  before(async () => {
    dash = await startDashboard();
    page = await dash.browser.newPage();
    await page.route("**/api/bench/**", async (route) => {
      const path = new URL(route.request().url()).pathname;
      asked.push(path);
      const summaries: BenchRunSummary[] = RUNS.map(({ stats: _s, manifest: _m, ...summary }) => summary);
      const body =
        path === "/api/bench/runs"
          ? summaries
          : path === "/api/bench/schedules"
            ? SCHEDULES
            : RUNS.find((r) => path === `/api/bench/runs/${r.id}`);
      await route.fulfill(
        body ? { json: body } : { status: 404, json: { error: { code: "RunNotFound", message: path } } },
      );
    });
    await page.goto(`${dash.server.url}/?range=1h`);
    await waitForLoads(page, 1);
  });

  after(async () => {
    await dash?.close();
  });

  it("draws per-model TTFT and end-to-end distributions from the latest run", async () => {
    const drawn = await charts(page);
    const ttft = drawn.find((c) => c.id === "bench-ttft");
    const e2e = drawn.find((c) => c.id === "bench-e2e");
    assert.deepEqual(
      ttft?.datasets.map((d) => [d.label, d.points]),
      [
        ["Nova Micro", 5],
        ["Nova Lite", 5],
        ["Nova Pro", 5],
      ],
    );
    assert.equal(e2e?.datasets.length, 3);
  });

  it("lists tokens/s, cost per 1k requests and quality per model, and the recommendation", async () => {
    const rows = await page.locator("#panel-bench .bench-table tbody tr").allTextContents();
    assert.equal(rows.length, 3);
    assert.match(rows[1] ?? "", /Nova Lite ★.*110.*\$0\.20.*88 %/);
    assert.match(
      (await page.textContent("#panel-bench .recommendation")) ?? "",
      /Recommendation: Nova Lite — meets the 2 s p90 target/,
    );
  });

  it("marks the regression in the history and reports the missed scheduled run", async () => {
    const history = (await charts(page)).find((c) => c.id === "bench-history");
    assert.deepEqual(
      history?.datasets.map((d) => d.points),
      [2, 2, 2],
    );
    assert.match(
      (await page.textContent("#panel-bench .regressions")) ?? "",
      /Nova Pro endToEndMs\.p90 3\.98 s → 4\.88 s/,
    );
    assert.deepEqual(
      history?.datasets.map((d) => [d.label, d.marked]),
      [
        ["Nova Micro", 0],
        ["Nova Lite", 0],
        ["Nova Pro", 1],
      ],
      "only Nova Pro's latest run is marked as a regression",
    );
    assert.match(
      (await page.textContent("#panel-bench .missed")) ?? "",
      /Missed run of twin due .*: server was down/,
    );
  });

  it("asks for each finished run's detail once: a refresh reuses them and draws the same history", async () => {
    const details = () => asked.filter((p) => p.startsWith("/api/bench/runs/")).sort();
    assert.deepEqual(details(), ["/api/bench/runs/run-1", "/api/bench/runs/run-2"]);
    const loads = Number(await page.getAttribute("body", "data-loads"));
    await page.click("#refresh-now");
    await waitForLoads(page, loads + 1);
    // The list and schedules are asked again; the finished runs' details are not.
    assert.equal(asked.filter((p) => p === "/api/bench/runs").length, 2);
    assert.deepEqual(details(), ["/api/bench/runs/run-1", "/api/bench/runs/run-2"]);
    const history = (await charts(page)).find((c) => c.id === "bench-history");
    assert.deepEqual(
      history?.datasets.map((d) => d.points),
      [2, 2, 2],
    );
  });
});
