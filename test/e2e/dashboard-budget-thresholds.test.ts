/**
 * One budget whose alert thresholds cannot be read (DescribeNotificationsForBudget failing every
 * time) keeps its figures on the page and says why, instead of emptying the budgets panel.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { type Dashboard, startDashboard, waitForLoads } from "./harness.ts";

describe("dashboard page with a budget's notifications unreadable", () => {
  let dash: Dashboard;
  let page: Page;

  before(async () => {
    dash = await startDashboard({
      budgets: true,
      faults: [
        { service: "budgets", operation: "DescribeNotificationsForBudget", kind: "internal", probability: 1 },
      ],
    });
    page = await dash.browser.newPage();
    await page.goto(`${dash.server.url}/?range=3h`);
    await waitForLoads(page, 1);
  });

  after(async () => {
    await dash?.close();
  });

  it("shows the budget's spend against its limit and says why its thresholds are missing", async () => {
    const budget = page.locator('#panel-budgets [data-budget="twin-budget"]');
    assert.equal(await budget.count(), 1);
    assert.match((await budget.locator(".budget-head").textContent()) ?? "", /of \$10\.00/);
    const note = (await budget.locator(".budget-note.alarm").textContent()) ?? "";
    assert.match(note, /^Alert thresholds not shown: .*DescribeNotificationsForBudget/);
    assert.equal(await budget.locator("ul.thresholds").count(), 0);
  });
});
