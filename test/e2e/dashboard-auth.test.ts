/** Token mode: the page shows the login form, refuses a wrong token, and loads every panel after a correct one. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { charts, type Dashboard, startDashboard, waitForLoads } from "./harness.ts";

const TOKEN = "e2e-token-0123456789abcdef";

describe("dashboard page in token mode", () => {
  let dash: Dashboard;
  let page: Page;

  before(async () => {
    dash = await startDashboard({ token: TOKEN });
    page = await dash.browser.newPage();
    await page.goto(`${dash.server.url}/`);
  });

  after(async () => {
    await dash?.close();
  });

  it("shows the login form instead of the panels", async () => {
    await page.waitForSelector("#login-form");
    assert.equal(await page.locator(".panel").count(), 0);
    assert.equal(await page.evaluate(() => document.activeElement?.id), "token", "the token field has focus");
  });

  it("refuses a wrong token with a message", async () => {
    await page.fill("#token", "wrong-token-0000000000");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => (document.getElementById("login-error")?.textContent ?? "") !== "");
    assert.match((await page.textContent("#login-error")) ?? "", /^Sign-in failed: /);
    assert.equal(await page.locator(".panel").count(), 0);
  });

  it("loads the dashboard after the right token, and the session survives a reload", async () => {
    // Act
    await page.fill("#token", TOKEN);
    await page.click('#login-form button[type="submit"]');
    await waitForLoads(page, 1);
    // Assess
    assert.equal(await page.locator("#login-form").count(), 0);
    const drawn = await charts(page);
    const invocations = drawn.find((c) => c.id === "lambda-invocations");
    assert.ok(invocations && invocations.datasets[0]!.points > 0);
    await page.reload();
    await waitForLoads(page, 1);
    assert.equal(await page.locator("#login-form").count(), 0, "the session cookie keeps the user signed in");
  });
});
