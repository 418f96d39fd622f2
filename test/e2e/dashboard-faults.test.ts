/**
 * One failing source never blanks the others: with the sandbox's Cost Explorer throttling every
 * call (injected before the page loads, fresh cache), the cost panel shows its error badge with
 * the reason, and the Lambda, Bedrock, Logs and Budgets panels draw normally.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { charts, collectErrors, type Dashboard, startDashboard, waitForLoads } from "./harness.ts";

describe("dashboard page with Cost Explorer throttled", () => {
  let dash: Dashboard;
  let page: Page;
  let errors: string[];

  before(async () => {
    dash = await startDashboard({ faults: [{ service: "ce", kind: "throttle", probability: 1 }] });
    page = await dash.browser.newPage();
    errors = collectErrors(page);
    await page.goto(`${dash.server.url}/?range=3h`);
    await waitForLoads(page, 1);
  });

  after(async () => {
    await dash?.close();
  });

  it("shows the error badge with the reason on the cost panel only", async () => {
    // Assess: the cost panel carries a badge naming the throttling.
    const costBadge = page.locator("#panel-costs [data-badge]");
    assert.equal(await costBadge.count(), 1);
    assert.match((await page.textContent("#panel-costs .panel-status")) ?? "", /Throttl/i);
    assert.notEqual(await page.getAttribute("#panel-costs", "data-error"), "");
    // ...and no other data panel does.
    for (const id of ["panel-lambda", "panel-logs", "panel-bedrock", "panel-budgets", "panel-errors"]) {
      assert.equal(await page.locator(`#${id} [data-badge]`).count(), 0, `${id} has no badge`);
      assert.equal(await page.getAttribute(`#${id}`, "data-error"), "", `${id} has no error`);
    }
  });

  it("still draws the Lambda, Logs Insights and Bedrock charts, and no cost chart", async () => {
    const drawn = await charts(page);
    for (const id of [
      "lambda-invocations",
      "lambda-duration",
      "logs-durations",
      "bedrock-invocations",
      "bedrock-latency",
    ]) {
      const chart = drawn.find((c) => c.id === id);
      assert.ok(chart && chart.datasets.reduce((n, d) => n + d.points, 0) > 0, `${id} has data points`);
    }
    assert.equal(
      drawn.filter((c) => c.id.startsWith("costs-")).length,
      0,
      "cost charts have no data to draw",
    );
    assert.deepEqual(
      errors.filter((e) => !e.includes("/api/bench/")),
      [],
    );
  });
});
