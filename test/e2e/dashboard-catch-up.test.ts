/**
 * A panel whose AWS answer outlasts the server's wait (cache.waitSeconds) comes back as
 * SourceTimeout while the request goes on in the background. The page asks again by itself a
 * moment later, with auto-refresh off, until the answer is there: the Logs Insights charts draw
 * and the timeout badge goes, without a click or a reload.
 *
 * The sandbox's Logs Insights queries take about 2 s to complete (0.5 s scheduled + 1.5 s running,
 * as on AWS) and the logs panel needs several, so a 1 s wait times out on a fresh server.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { charts, collectErrors, type Dashboard, startDashboard, waitForLoads } from "./harness.ts";

describe("a panel that timed out catches up by itself", () => {
  let dash: Dashboard;
  let page: Page;
  let errors: string[];
  const logsAnswers: string[] = [];

  before(async () => {
    dash = await startDashboard({ waitSeconds: 1 });
    page = await dash.browser.newPage();
    errors = collectErrors(page);
    page.on("response", (res) => {
      if (new URL(res.url()).pathname === "/api/logs")
        void res.json().then(
          (b: { error: { code: string } | null }) => logsAnswers.push(b.error?.code ?? "ok"),
          () => logsAnswers.push("unreadable"),
        );
    });
    // The page's timers on Playwright's clock: the catch-up is a timer, so "no more loads" is
    // checked by moving the clock, not by waiting.
    await page.clock.install();
    await page.goto(`${dash.server.url}/?range=1h&refresh=off`);
    await waitForLoads(page, 1);
  });

  after(async () => {
    await dash?.close();
  });

  it("the first load shows the logs panel waiting for AWS", () => {
    assert.equal(logsAnswers[0], "SourceTimeout");
  });

  it("reloads until the logs answer is in, then draws it and stops asking", async () => {
    const logsDrawn = () =>
      page.evaluate(() =>
        (window.__bedrockOps?.charts() ?? []).some(
          (c) => c.id === "logs-durations" && c.datasets.some((d) => d.points > 0),
        ),
      );
    let loads = 1;
    while (!(await logsDrawn())) {
      assert.ok(loads < 40, `logs still not drawn after ${loads} loads: ${logsAnswers.join(", ")}`);
      await page.clock.fastForward(2_000);
      await waitForLoads(page, ++loads);
    }
    assert.ok(loads >= 2, "drawn by a load the page started itself");
    const drawn = (await charts(page)).find((c) => c.id === "logs-durations");
    assert.ok(drawn && drawn.datasets.reduce((n, d) => n + d.points, 0) > 0);
    assert.equal(await page.locator("#panel-logs [data-badge]").count(), 0);
    assert.equal(logsAnswers.at(-1), "ok");
    // Every panel has its answer now: the page stops asking (auto-refresh is off).
    await page.clock.fastForward(60_000);
    await page.clock.runFor(10);
    assert.equal(await page.getAttribute("body", "data-loading"), "false");
    assert.equal(Number(await page.getAttribute("body", "data-loads")), loads);
    assert.deepEqual(
      errors.filter((e) => !e.includes("/api/bench/")),
      [],
    );
  });
});
