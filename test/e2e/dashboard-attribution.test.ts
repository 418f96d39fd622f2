/**
 * The Attribution panel in Chromium against the sandbox: the "by" selector offers the configured
 * views, the profile view lists the sandbox's application profiles with the unattributed row last,
 * the table's total is the Bedrock estimate, and switching the view reloads only this panel.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { collectErrors, type Dashboard, startDashboard, waitForLoads } from "./harness.ts";

const dollars = (text: string | null) => Number((text ?? "").replace(/[^0-9.]/g, ""));

describe("dashboard page: attribution", () => {
  let dash: Dashboard;
  let page: Page;
  let errors: string[];

  before(async () => {
    dash = await startDashboard();
    page = await dash.browser.newPage();
    errors = collectErrors(page);
    await page.goto(`${dash.server.url}/?range=24h`);
    await waitForLoads(page, 1);
  });

  after(async () => {
    await dash?.close();
  });

  it("shows each application profile, the unattributed row last, and the groups adding up to the total", async () => {
    const panel = page.locator("#panel-attribution");
    await page.waitForFunction(
      () => document.querySelector("#panel-attribution")?.getAttribute("data-by") === "profile",
    );
    const options = await panel
      .locator("#attribution-by option")
      .evaluateAll((o) => o.map((x) => (x as HTMLOptionElement).value));
    assert.deepEqual(options, ["profile", "tag:team", "tag:app", "metadata:tenant", "principal"]);
    const rows = panel.locator(`table[data-table="attribution"] > tbody > tr`);
    const labels = await rows.locator("th").evaluateAll((t) => t.map((x) => x.firstChild?.textContent ?? ""));
    assert.ok(labels.includes("twin-support"), labels.join(", "));
    assert.equal(await rows.last().getAttribute("data-unattributed"), "true");
    // Estimated column: the groups add up to the Bedrock total shown in the footer (to the cent).
    const estimates = await rows.locator("td:nth-child(3)").allTextContents();
    const sum = estimates.reduce((n, t) => n + dollars(t), 0);
    const total = dollars(await panel.locator("tfoot [data-total] td:nth-child(3)").textContent());
    assert.ok(total > 0);
    assert.ok(Math.abs(sum - total) <= 0.01 * estimates.length, `${sum} vs ${total}`);
    assert.match((await panel.locator("[data-summary]").textContent()) ?? "", /unattributed/);
  });

  it("switches to the team tag view: the untagged row is there and the bill says the total", async () => {
    const panel = page.locator("#panel-attribution");
    await panel.locator("#attribution-by").selectOption("tag:team");
    await page.waitForFunction(
      () => document.querySelector("#panel-attribution")?.getAttribute("data-by") === "tag:team",
    );
    const last = panel.locator(`table[data-table="attribution"] > tbody > tr`).last();
    assert.equal(await last.getAttribute("data-unattributed"), "true");
    assert.match((await last.locator("th").textContent()) ?? "", /Untagged \(team\$\)/);
    assert.ok(dollars(await panel.locator("tfoot [data-total] td:nth-child(2)").textContent()) > 0);
    assert.deepEqual(errors, []);
  });
});
