/**
 * The "By account" panel: with aws.accounts set (the sandbox's monitoring account and its two
 * linked source accounts), one row per account with that account's totals from /api/metrics;
 * without the key the panel stays hidden (dashboard.test.ts runs without it).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import type { CostsData, LogsData, MetricsData, Panel } from "../../server/api/contract.ts";
import {
  SANDBOX_ACCOUNT_ID,
  SANDBOX_LINKED_ACCOUNTS,
  SANDBOX_SECOND_REGION,
} from "../../server/sandbox/index.ts";
import { collectErrors, type Dashboard, startDashboard, waitForLoads } from "./harness.ts";

const [PROD, STAGING] = SANDBOX_LINKED_ACCOUNTS;
/** Three accounts in two regions: staging also runs in us-west-2 (SANDBOX_SECOND_REGION). */
const ACCOUNTS = [
  { id: SANDBOX_ACCOUNT_ID, label: "monitoring" },
  { id: PROD.id, label: PROD.label },
  { id: STAGING.id, label: STAGING.label, regions: ["us-east-1", SANDBOX_SECOND_REGION.region] },
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

  it("shows one row per account and region with its totals: three accounts in two regions", async () => {
    const api = (await (await fetch(`${dash.server.url}/api/metrics?range=3h`)).json()) as Panel<MetricsData>;
    const expected = api.data!.accounts!;
    assert.equal(await page.isVisible("#panel-accounts"), true);
    const rows = await page
      .locator("#panel-accounts tbody tr")
      .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent ?? "")));
    assert.deepEqual(
      rows.map((r) => [r[0], r[1]]),
      [
        [`monitoring (${SANDBOX_ACCOUNT_ID})`, "us-east-1"],
        [`${PROD.label} (${PROD.id})`, "us-east-1"],
        [`${STAGING.label} (${STAGING.id})`, "us-east-1"],
        [`${STAGING.label} (${STAGING.id})`, "us-west-2"],
      ],
    );
    for (const [i, a] of expected.entries()) {
      assert.ok(a.lambdaInvocations > 0, `${a.label} ${a.region}`);
      assert.equal(Number(rows[i]![2]!.replace(/[^\d]/g, "")), a.lambdaInvocations, `${a.label} ${a.region}`);
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
    // An account's month to date is on its first row, spanning its regions.
    const ids = await page
      .locator("#panel-accounts tbody tr")
      .evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-account")));
    const rowOf = (id: string) => ids.indexOf(id);
    for (const a of expected) {
      assert.ok((a.bedrockMonthToDate ?? 0) > 0, a.label);
      const shown = Number(rows[rowOf(a.accountId)]![9]!.replace(/[^\d.]/g, ""));
      // Shown rounded for reading: within a cent (or 1 % for larger sums) of the API's figure.
      assert.ok(
        Math.abs(shown - a.bedrockMonthToDate!) <= Math.max(0.01, a.bedrockMonthToDate! * 0.01),
        `${a.label}: ${rows[rowOf(a.accountId)]![9]} vs ${a.bedrockMonthToDate}`,
      );
    }
    assert.equal(await page.isVisible("#panel-accounts .accounts-note"), false);
    assert.deepEqual(errors, []);
  });

  it("narrows the per-account views with the account and region selector (account=, region= in the URL and the API)", async () => {
    const rowsShown = () =>
      page
        .locator("#panel-accounts tbody tr")
        .evaluateAll((trs) =>
          trs.map((tr) => [tr.getAttribute("data-account"), tr.getAttribute("data-region")]),
        );
    const loads = await page.evaluate(() => Number(document.body.dataset.loads ?? "0"));
    await page.selectOption("#account-select", STAGING.id);
    await waitForLoads(page, loads + 1);
    assert.match(page.url(), new RegExp(`account=${STAGING.id}`));
    assert.deepEqual(await rowsShown(), [
      [STAGING.id, "us-east-1"],
      [STAGING.id, "us-west-2"],
    ]);
    const again = await page.evaluate(() => Number(document.body.dataset.loads ?? "0"));
    await page.selectOption("#region-select", "us-west-2");
    await waitForLoads(page, again + 1);
    assert.match(page.url(), /region=us-west-2/);
    assert.deepEqual(await rowsShown(), [[STAGING.id, "us-west-2"]]);
    // The staging account's month to date still shows on its (only) row.
    const cells = await page.locator("#panel-accounts tbody tr td").allTextContents();
    assert.match(cells.at(-2) ?? "", /^\$/);
    const third = await page.evaluate(() => Number(document.body.dataset.loads ?? "0"));
    await page.selectOption("#account-select", "");
    await waitForLoads(page, third + 1);
    await page.selectOption("#region-select", "");
    await page.waitForFunction(
      () => document.querySelectorAll("#panel-accounts tbody tr").length === 4,
      null,
      {
        timeout: 120_000,
      },
    );
    assert.doesNotMatch(page.url(), /account=|region=/);
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
      // Columns: account, region, Lambda invocations, Lambda errors, ...
      assert.equal(Number(rows[i]![2]!.replace(/[^\d]/g, "")), a.lambdaInvocations, a.label);
      const fromLogs = logs.data!.accounts![i]!;
      assert.ok(fromLogs.invocations > 0, `logs of ${a.label}`);
      assert.match(rows[i]![3]!, new RegExp(`logs: ${fromLogs.recentErrors} recent errors`), a.label);
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
