/**
 * The "By account" panel: with aws.accounts set (the sandbox's monitoring account and its two
 * linked source accounts), one row per account with that account's totals from /api/metrics;
 * without the key the panel stays hidden (dashboard.test.ts runs without it).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import type { LogsData, MetricsData, Panel } from "../../server/api/contract.ts";
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
    dash = await startDashboard({ aws: { accounts: ACCOUNTS } });
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
});

/**
 * aws.accounts "linked": the server discovers the sandbox's two source accounts through OAM and
 * the page shows the three accounts, each with its errors from the metrics (linked to that
 * account's CloudWatch graph) and from its own log groups (Logs Insights by ARN).
 */
describe('By account panel with aws.accounts "linked"', () => {
  let dash: Dashboard;
  let page: Page;
  let errors: string[];

  before(async () => {
    dash = await startDashboard({ aws: { accounts: "linked" } });
    page = await dash.browser.newPage();
    errors = collectErrors(page);
    await page.goto(`${dash.server.url}/?range=3h`);
    await waitForLoads(page, 1);
  });

  after(async () => {
    await dash?.close();
  });

  it("shows the monitoring account and both discovered source accounts, each with its own errors", async () => {
    const metrics = (await (
      await fetch(`${dash.server.url}/api/metrics?range=3h`)
    ).json()) as Panel<MetricsData>;
    const logs = (await (await fetch(`${dash.server.url}/api/logs?range=3h`)).json()) as Panel<LogsData>;
    const expected = [
      { id: SANDBOX_ACCOUNT_ID, label: "monitoring account" },
      ...SANDBOX_LINKED_ACCOUNTS.map((a) => ({ id: a.id, label: a.label })),
    ];
    assert.deepEqual(
      metrics.data!.accounts!.map((a) => [a.accountId, a.label]),
      expected.map((a) => [a.id, a.label]),
    );
    assert.deepEqual(
      logs.data!.accounts!.map((a) => a.accountId),
      expected.map((a) => a.id),
    );
    const rows = await page
      .locator("#panel-accounts tbody tr")
      .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent ?? "")));
    assert.deepEqual(
      rows.map((r) => r[0]),
      expected.map((a) => `${a.label} (${a.id})`),
    );
    for (const [i, a] of metrics.data!.accounts!.entries()) {
      assert.ok(a.lambdaInvocations > 0, a.label);
      assert.equal(Number(rows[i]![1]!.replace(/[^\d]/g, "")), a.lambdaInvocations, a.label);
      const fromLogs = logs.data!.accounts![i]!;
      assert.ok(fromLogs.invocations > 0, `logs of ${a.label}`);
      assert.match(rows[i]![2]!, new RegExp(`logs: ${fromLogs.recentErrors} recent errors`), a.label);
      const href = await page.getAttribute(`#panel-accounts [data-errors="${a.accountId}"] a`, "href");
      assert.ok(href?.includes(`accountId~'${a.accountId}`), href ?? "no link");
    }
    // The source accounts carry half and a quarter of the monitoring account's traffic.
    const [home, prod, staging] = logs.data!.accounts!;
    assert.ok(prod!.invocations < home!.invocations && staging!.invocations < prod!.invocations);
    assert.equal(await page.isVisible("text=Logs Insights links open this monitoring account's view"), true);
    assert.deepEqual(errors, []);
  });
});
