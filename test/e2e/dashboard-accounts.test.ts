/**
 * The "By account" panel: with aws.accounts set (the sandbox's monitoring account and its two
 * linked source accounts), one row per account with that account's totals from /api/metrics;
 * without the key the panel stays hidden (dashboard.test.ts runs without it).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import type { CostsData, MetricsData, Panel } from "../../server/api/contract.ts";
import { SANDBOX_ACCOUNT_ID, SANDBOX_LINKED_ACCOUNTS } from "../../server/sandbox/index.ts";
import { collectErrors, type Dashboard, startDashboard, waitForLoads } from "./harness.ts";

const ACCOUNTS = [
  { id: SANDBOX_ACCOUNT_ID, label: "monitoring" },
  ...SANDBOX_LINKED_ACCOUNTS.map((a) => ({ id: a.id, label: a.label })),
];

describe("By account panel", () => {
  let dash: Dashboard;
  let page: Page;
  let errors: string[];

  before(async () => {
    // The monitoring account is also the organization's management account: Cost Explorer by LINKED_ACCOUNT.
    dash = await startDashboard({
      aws: { accountId: SANDBOX_ACCOUNT_ID, accounts: ACCOUNTS },
      sandbox: { organization: "management" },
    });
    page = await dash.browser.newPage();
    errors = collectErrors(page);
    await page.goto(`${dash.server.url}/?range=3h`);
    await waitForLoads(page, 1);
  });

  after(async () => {
    await dash?.close();
  });

  it("shows one row per account with that account's totals", async () => {
    const api = (await (await fetch(`${dash.server.url}/api/metrics?range=3h`)).json()) as Panel<MetricsData>;
    const expected = api.data!.accounts!;
    assert.equal(await page.isVisible("#panel-accounts"), true);
    const rows = await page
      .locator("#panel-accounts tbody tr")
      .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent ?? "")));
    assert.deepEqual(
      rows.map((r) => r[0]),
      ACCOUNTS.map((a) => `${a.label} (${a.id})`),
    );
    for (const [i, a] of expected.entries()) {
      assert.ok(a.lambdaInvocations > 0, a.label);
      assert.equal(Number(rows[i]![1]!.replace(/[^\d]/g, "")), a.lambdaInvocations, a.label);
    }
    assert.deepEqual(errors, []);
  });

  it("shows each account's Cost Explorer month to date beside its metrics", async () => {
    const api = (await (await fetch(`${dash.server.url}/api/costs?range=3h`)).json()) as Panel<CostsData>;
    const expected = api.data!.accounts!;
    assert.equal(expected.length, 3);
    await page.waitForSelector("#panel-accounts th:has-text('Bedrock cost (month to date)')");
    const rows = await page
      .locator("#panel-accounts tbody tr")
      .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent ?? "")));
    for (const [i, a] of expected.entries()) {
      assert.ok((a.bedrockMonthToDate ?? 0) > 0, a.label);
      const shown = Number(rows[i]![8]!.replace(/[^\d.]/g, ""));
      // Shown rounded for reading: within a cent (or 1 % for larger sums) of the API's figure.
      assert.ok(
        Math.abs(shown - a.bedrockMonthToDate!) <= Math.max(0.01, a.bedrockMonthToDate! * 0.01),
        `${a.label}: ${rows[i]![8]} vs ${a.bedrockMonthToDate}`,
      );
    }
    assert.equal(await page.isVisible("#panel-accounts .accounts-note"), false);
    assert.deepEqual(errors, []);
  });
});
