/**
 * The benchmarks' page refresh (test/perf/common.ts) is the page's real request set, and their
 * price ledger bills what AWS bills: GetMetricData per metric, ListMetrics per request, every Cost
 * Explorer request, Logs Insights per GB scanned; DescribeAlarms, Service Quotas and the Bedrock
 * control plane free.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import type { LedgerEntry } from "../../server/sandbox/core/ledger.ts";
import { benchDetailPaths, pagePaths, priceEntry } from "../perf/common.ts";

const MAIN = readFileSync(new URL("../../web/src/main.ts", import.meta.url), "utf8");

describe("the benchmark's page refresh", () => {
  test("asks every /api path the page's refresh asks, usage last", () => {
    const paths = pagePaths("24h").map((p) => p.split("?")[0]);
    // Every getPanel("/api/...") literal in the page, except the run detail (its ID comes from the runs list).
    const asked = [...MAIN.matchAll(/getPanel<[^>]+>\(\s*"(\/api\/[a-z/]+)"/g)].map((m) => m[1]!);
    assert.ok(asked.length >= 10, `found ${asked.length} page requests`);
    for (const path of asked) assert.ok(paths.includes(path), `${path} is not in pagePaths`);
    assert.equal(paths.at(-1), "/api/usage");
    assert.ok(pagePaths("7d").includes("/api/attribution?by=profile&range=7d"));
    assert.ok(pagePaths("7d").includes("/api/quotas?range=7d"));
  });

  test("details the runs the bench panel details: the latest finished suite's history, not running or failed runs", () => {
    const run = (id: string, suite: string, status: string, startedAt: string) => ({
      id,
      suite,
      status,
      startedAt,
    });
    const runs = [
      run("r-new", "twin", "running", "2026-11-18T12:00:00Z"),
      run("r-3", "twin", "complete", "2026-11-18T11:00:00Z"),
      run("r-x", "short-qa", "complete", "2026-11-18T10:30:00Z"),
      run("r-2", "twin", "failed", "2026-11-18T10:00:00Z"),
      run("r-1", "twin", "incomplete", "2026-11-18T09:00:00Z"),
    ];
    assert.deepEqual(benchDetailPaths(runs), ["/api/bench/runs/r-3", "/api/bench/runs/r-1"]);
    assert.deepEqual(benchDetailPaths([]), []);
    assert.deepEqual(benchDetailPaths(null), []);
  });
});

describe("the benchmark's price ledger", () => {
  const entry = (service: string, operation: string, notes?: Record<string, number>): LedgerEntry =>
    ({ service, operation, notes }) as unknown as LedgerEntry;

  test("bills what AWS bills and nothing else", () => {
    assert.equal(priceEntry(entry("cloudwatch", "GetMetricData", { metricsRequested: 39 })), 0.00039);
    assert.equal(priceEntry(entry("cloudwatch", "ListMetrics")), 0.00001);
    assert.equal(priceEntry(entry("cloudwatch", "DescribeAlarms")), 0);
    assert.equal(priceEntry(entry("cloudwatch", "DescribeAlarmHistory")), 0);
    assert.equal(priceEntry(entry("ce", "GetCostAndUsage")), 0.01);
    assert.equal(priceEntry(entry("ce", "ListCostAllocationTags")), 0.01);
    assert.equal(priceEntry(entry("logs", "GetQueryResults", { bytesScanned: 2e9 })), 0.01);
    assert.equal(priceEntry(entry("logs", "StartQuery")), 0);
    assert.equal(priceEntry(entry("servicequotas", "ListServiceQuotas")), 0);
    assert.equal(priceEntry(entry("bedrock-control", "ListInferenceProfiles")), 0);
  });
});
