/**
 * Auto-refresh and custom ranges: the page's clock is driven by Playwright (no real waiting):
 * 1 min auto-refresh reloads every panel when the minute passes, not while the tab is hidden,
 * and catches up when it shows again; a custom range goes into the URL and the API query.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { type Dashboard, startDashboard, waitForLoads } from "./harness.ts";

async function loads(page: Page): Promise<number> {
  return Number(await page.getAttribute("body", "data-loads"));
}

/** Simulates the tab being hidden or shown (a string script: tsx's helpers do not exist in the page). */
async function setHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate(`
    Object.defineProperty(document, "visibilityState", { configurable: true, get() { return ${hidden ? '"hidden"' : '"visible"'}; } });
    document.dispatchEvent(new Event("visibilitychange"));
  `);
}

describe("auto-refresh and custom range", () => {
  let dash: Dashboard;
  let page: Page;

  before(async () => {
    dash = await startDashboard();
    page = await dash.browser.newPage();
    await page.clock.install();
    await page.goto(`${dash.server.url}/?range=1h&refresh=1m`);
    await waitForLoads(page, 1);
  });

  after(async () => {
    await dash?.close();
  });

  it("reloads every panel when the minute has passed", async () => {
    assert.equal(await page.inputValue("#auto-refresh"), "1m");
    await page.clock.fastForward(61_000);
    await waitForLoads(page, 2);
    assert.equal(await loads(page), 2);
  });

  it("pauses while the tab is hidden and catches up when it is visible again", async () => {
    // Act: hide the tab and let two minutes pass.
    await setHidden(page, true);
    await page.clock.fastForward(125_000);
    // Assess: no load started (load() marks the body synchronously when a timer fires) and none ran.
    assert.equal(await page.getAttribute("body", "data-loading"), "false");
    assert.equal(await loads(page), 2);
    assert.match((await page.textContent("#last-refresh")) ?? "", /paused \(tab hidden\)/);
    // Act: show it again: the overdue refresh runs at once.
    await setHidden(page, false);
    await page.clock.runFor(10);
    await waitForLoads(page, 3);
    assert.equal(await loads(page), 3);
  });

  it("turning auto-refresh off keeps it off and drops it from the URL", async () => {
    await page.selectOption("#auto-refresh", "off");
    assert.equal(new URL(page.url()).searchParams.get("refresh"), null);
    await page.clock.fastForward(310_000);
    assert.equal(await page.getAttribute("body", "data-loading"), "false");
    assert.equal(await loads(page), 3);
  });

  it("a custom range goes into the URL and into every API query", async () => {
    // Prepare
    const requested: string[] = [];
    page.on("request", (req) => {
      if (req.url().includes("/api/metrics")) requested.push(new URL(req.url()).search);
    });
    const before = await loads(page);
    // Act
    await page.click(".custom summary");
    await page.fill("#range-start", "2026-11-20T08:00");
    await page.fill("#range-end", "2026-11-20T20:00");
    await page.click('#custom-range button[type="submit"]');
    await waitForLoads(page, before + 1);
    // Assess: local times as entered, sent as ISO instants.
    const url = new URL(page.url());
    const start = await page.evaluate(() => new Date("2026-11-20T08:00").toISOString());
    const end = await page.evaluate(() => new Date("2026-11-20T20:00").toISOString());
    assert.equal(url.searchParams.get("start"), start);
    assert.equal(url.searchParams.get("end"), end);
    assert.deepEqual(requested, [`?${new URLSearchParams({ start, end }).toString()}`]);
    assert.match((await page.textContent("#range-label")) ?? "", /→/);
    assert.equal(await page.locator('button[data-range][aria-pressed="true"]').count(), 0);
  });

  it("rejects a custom range that ends before it starts, naming the fields", async () => {
    await page.fill("#range-start", "2026-11-20T20:00");
    await page.fill("#range-end", "2026-11-20T08:00");
    await page.click('#custom-range button[type="submit"]');
    assert.equal(await page.textContent("#custom-range .form-error"), "“From” must be a date before “To”.");
  });

  it("Refresh asks the server to refetch every panel, and a second click reports its rate limit", async () => {
    // Prepare
    const posts: string[] = [];
    page.on("request", (req) => {
      if (req.method() === "POST") posts.push(new URL(req.url()).pathname);
    });
    const before = await loads(page);
    // Act
    await page.click("#refresh-now");
    await waitForLoads(page, before + 1);
    // Assess
    assert.deepEqual(posts.sort(), [
      "/api/refresh/budgets",
      "/api/refresh/costs",
      "/api/refresh/logs",
      "/api/refresh/metrics",
    ]);
    // Act: again at once; the server refuses to call AWS again so soon.
    await page.click("#refresh-now");
    await waitForLoads(page, before + 2);
    await page.waitForFunction(() => (document.getElementById("refresh-note")?.textContent ?? "") !== "");
    // Assess
    assert.match(
      (await page.textContent("#refresh-note")) ?? "",
      /refreshed moments ago; try again in \d+ s/,
    );
  });
});
