/**
 * The dashboard page in Chromium against the server on the in-process sandbox: every panel
 * filled, no console errors, range changes refetch and redraw, filters and legend toggles,
 * CSV downloads equal to the API, and screenshots at 360 px and 1440 px.
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import type { LogsData, MetricsData, Panel } from "../../server/api/contract.ts";
import { parseCsv } from "../../web/src/tabular.ts";
import { ARTIFACTS, charts, collectErrors, type Dashboard, startDashboard, waitForLoads } from "./harness.ts";

/** Charts that must draw sandbox data (the Benchmarks charts need a run; see the empty-state test). */
const DATA_CHARTS = [
  "lambda-invocations",
  "lambda-duration",
  "lambda-errors",
  "logs-durations",
  "bedrock-invocations",
  "bedrock-latency",
  "bedrock-tokens",
  "bedrock-ttft",
  "bedrock-errors",
  "quota-peaks",
  "quota-series",
  "costs-by-service",
  "costs-by-model",
  "costs-reconciliation",
  "costs-mtd",
];

describe("dashboard page (Chromium, sandbox)", () => {
  let dash: Dashboard;
  let page: Page;
  let errors: string[];

  before(async () => {
    dash = await startDashboard({ budgets: true });
    page = await dash.browser.newPage();
    errors = collectErrors(page);
    await page.goto(`${dash.server.url}/?range=24h`);
    await waitForLoads(page, 1);
  });

  after(async () => {
    await dash?.close();
  });

  it("loads with no console errors and every chart has data points", async () => {
    // Prepare: the page loaded once in before().
    // Act
    const drawn = await charts(page);
    // Assess
    assert.deepEqual(errors, []);
    for (const id of DATA_CHARTS) {
      const chart = drawn.find((c) => c.id === id);
      assert.ok(chart, `chart ${id} was drawn`);
      assert.ok(chart.datasets.length > 0, `chart ${id} has series`);
      const points = chart.datasets.reduce((n, d) => n + d.points, 0);
      assert.ok(points > 0, `chart ${id} has data points (got ${points})`);
      const canvasPoints = await page.getAttribute(`canvas[data-chart="${id}"]`, "data-points");
      assert.ok(Number(canvasPoints) > 0, `canvas of ${id} reports its points`);
    }
    const bedrock = drawn.find((c) => c.id === "bedrock-invocations");
    assert.deepEqual(
      bedrock?.datasets.map((d) => d.label),
      ["Nova Micro", "Nova Lite", "Nova Pro"],
    );
  });

  it("shows the sandbox badge, the KPI cards, own AWS spend and no error badges", async () => {
    assert.match((await page.textContent("#mode-badge")) ?? "", /^SANDBOX · us-east-1$/);
    assert.equal(await page.locator(".kpi").count(), 7);
    assert.match((await page.textContent('[data-kpi="ttft"] .kpi-value')) ?? "", /^[\d.,]+ ?m?s$/);
    const invocations = (await page.textContent('[data-kpi="invocations"] .kpi-value')) ?? "";
    assert.match(invocations, /^[\d.,]+K?$/);
    assert.match(
      (await page.textContent("#own-spend")) ?? "",
      /^Own AWS spend today \$[\d.]+ \(\d+ calls\)$/,
    );
    assert.equal(await page.locator("[data-badge]").count(), 0, "no panel is stale or failed");
    assert.match((await page.textContent("#panel-bench")) ?? "", /npx bedrock-ops bench --suite twin/);
  });

  it("shows each budget as a progress bar with its limit and threshold marks", async () => {
    const budget = page.locator('[data-budget="twin-budget"]');
    assert.equal(await budget.count(), 1);
    assert.match((await budget.locator(".budget-head").textContent()) ?? "", /\$[\d.,]+ of \$10\.00 monthly/);
    assert.equal(await budget.locator(".bar-threshold").count(), 2, "80 % actual and 100 % forecast marks");
    const width = await budget.locator(".bar-actual").evaluate((el) => (el as HTMLElement).style.width);
    assert.match(width, /^\d+(\.\d+)?%$/);
    const thresholds = await budget.locator(".thresholds li").allTextContents();
    assert.equal(thresholds.length, 2);
    assert.match(thresholds[0] ?? "", /^Actual ≥ 80 % \(\$8\.00\): (ok|ALARM)$/);
    assert.match(thresholds[1] ?? "", /^Forecast ≥ 100 % \(\$10\.00\): (ok|ALARM)$/);
  });

  it("changing the range (keyboard) refetches every source and redraws the charts", async () => {
    // Prepare
    const before = await charts(page);
    const requested: string[] = [];
    page.on("request", (req) => {
      if (req.url().includes("/api/"))
        requested.push(new URL(req.url()).pathname + new URL(req.url()).search);
    });
    const loads = Number(await page.getAttribute("body", "data-loads"));
    // Act: Tab to the 3h preset and press Enter.
    await page.focus('button[data-range="3h"]');
    await page.keyboard.press("Enter");
    await waitForLoads(page, loads + 1);
    // Assess
    assert.ok(requested.includes("/api/metrics?range=3h"), `metrics refetched: ${requested.join(", ")}`);
    assert.ok(requested.includes("/api/logs?range=3h"));
    assert.ok(requested.includes("/api/costs?range=3h"));
    assert.match(page.url(), /\?range=3h$/);
    assert.equal(await page.getAttribute('button[data-range="3h"]', "aria-pressed"), "true");
    const afterCharts = await charts(page);
    const was = before.find((c) => c.id === "lambda-invocations")!;
    const now = afterCharts.find((c) => c.id === "lambda-invocations")!;
    assert.equal(now.renders, was.renders + 1);
    const span = (c: typeof now) => (c.xRange ? c.xRange[1] - c.xRange[0] : 0);
    assert.ok(span(was) >= 24 * 3_600_000, `24h axis spans a day (${span(was)} ms)`);
    assert.ok(
      span(now) >= 3 * 3_600_000 && span(now) < 4 * 3_600_000,
      `3h axis spans 3 hours (${span(now)} ms)`,
    );
    assert.notEqual(now.datasets[0]?.points, was.datasets[0]?.points);
  });

  it("the model filter and legend toggles hide series and the filter lands in the URL", async () => {
    // Act: untick Nova Pro.
    await page.uncheck('input[value="amazon.nova-pro-v1:0"]');
    await page.waitForFunction(() =>
      window.__bedrockOps?.charts().some((c) => c.id === "bedrock-invocations" && c.datasets.length === 2),
    );
    // Assess
    const url = new URL(page.url());
    assert.deepEqual(url.searchParams.get("models")?.split(","), [
      "amazon.nova-micro-v1:0",
      "amazon.nova-lite-v1:0",
    ]);
    const latency = (await charts(page)).find((c) => c.id === "bedrock-latency")!;
    assert.equal(
      latency.datasets.some((d) => d.label.startsWith("Nova Pro")),
      false,
    );

    // Act: toggle the first Lambda duration series off with the keyboard.
    const legend = page.locator('[data-card="lambda-duration"] .legend-item').first();
    await legend.focus();
    await page.keyboard.press("Space");
    // Assess
    assert.equal(await legend.getAttribute("aria-pressed"), "false");
    const duration = (await charts(page)).find((c) => c.id === "lambda-duration")!;
    assert.deepEqual(
      duration.datasets.map((d) => d.visible),
      [false, true, true],
    );
    // Restore for the next tests.
    await page.check('input[value="amazon.nova-pro-v1:0"]');
  });

  it("CSV downloads equal the API's numbers (metrics and the Logs Insights table)", async () => {
    // Prepare: the API's answer for the range the page shows (served from the same cache entry).
    const api = await page.evaluate(async () => {
      const m = (await (await fetch("/api/metrics?range=3h")).json()) as unknown;
      const l = (await (await fetch("/api/logs?range=3h")).json()) as unknown;
      return { m, l };
    });
    const metrics = (api.m as Panel<MetricsData>).data!;
    const logs = (api.l as Panel<LogsData>).data!;
    // Act
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.click('[data-card="lambda-invocations"] button[data-action="csv"]'),
    ]);
    const rows = parseCsv(readFileSync((await download.path())!, "utf8"));
    // Assess
    assert.equal(download.suggestedFilename(), "lambda-invocations.csv");
    assert.deepEqual(rows[0], ["time (UTC)", "Invocations (count)"]);
    const series = metrics.lambda.find((s) => s.id === "lambda:twin-api:Invocations:Sum")!;
    assert.deepEqual(
      rows.slice(1),
      series.points.map(([t, v]) => [new Date(t).toISOString(), String(v)]),
    );

    const [logsDownload] = await Promise.all([
      page.waitForEvent("download"),
      page.click('[data-card="logs-durations"] button[data-action="csv"]'),
    ]);
    const logRows = parseCsv(readFileSync((await logsDownload.path())!, "utf8"));
    assert.deepEqual(logRows[0], [
      "time (UTC)",
      "avg_duration (ms)",
      "min_duration (ms)",
      "max_duration (ms)",
    ]);
    const expected = [...logs.durations]
      .sort((a, b) => Date.parse(a.bin) - Date.parse(b.bin))
      .map((b) =>
        [new Date(Date.parse(b.bin)).toISOString(), b.avg, b.min, b.max].map((v) =>
          String(typeof v === "number" ? Number(v.toPrecision(12)) : v),
        ),
      );
    assert.deepEqual(logRows.slice(1), expected);
  });

  it("the table alternative holds a row per point of the chart, built when opened, following redraws", async () => {
    const card = '[data-card="lambda-invocations"]';
    const invocations = async (range: string) => {
      const api = (await page.evaluate(
        async (r) => (await (await fetch(`/api/metrics?range=${r}`)).json()) as unknown,
        range,
      )) as Panel<MetricsData>;
      return api.data!.lambda.find((s) => s.id === "lambda:twin-api:Invocations:Sum")!.points;
    };
    const rows = page.locator(`${card} .table-wrap tbody tr`);
    // Closed: not built.
    assert.equal(await page.locator(`${card} .table-wrap tr`).count(), 0);
    await page.click(`${card} details.chart-table summary`);
    const threeHours = await invocations("3h");
    assert.equal(await rows.count(), threeHours.length);
    assert.equal(
      (await rows.last().locator("td").textContent())?.replaceAll(",", ""),
      String(threeHours.at(-1)![1]),
    );
    // Open, it is rebuilt with the chart: another range, another set of rows.
    const loads = Number(await page.getAttribute("body", "data-loads"));
    await page.click('button[data-range="1h"]');
    await waitForLoads(page, loads + 1);
    const oneHour = await invocations("1h");
    assert.notEqual(oneHour.length, threeHours.length);
    assert.equal(await rows.count(), oneHour.length);
    // Back to the 3 h view the other tests expect, table closed.
    await page.click('button[data-range="3h"]');
    await waitForLoads(page, loads + 2);
    await page.click(`${card} details.chart-table summary`);
  });

  it("PNG download is a PNG image of the chart", async () => {
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.click('[data-card="bedrock-latency"] button[data-action="png"]'),
    ]);
    const bytes = readFileSync((await download.path())!);
    assert.equal(download.suggestedFilename(), "bedrock-latency.png");
    assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });

  it("deep links point at the CloudWatch console, Logs Insights and Cost Explorer for the region", async () => {
    const cw = await page.getAttribute('[data-card="lambda-invocations"] a.tool', "href");
    const li = await page.getAttribute('[data-card="logs-durations"] a.tool', "href");
    const ce = await page.getAttribute('[data-card="costs-by-service"] a.tool', "href");
    assert.match(
      cw ?? "",
      /^https:\/\/us-east-1\.console\.aws\.amazon\.com\/cloudwatch\/home\?region=us-east-1#metricsV2:graph=~\(metrics~\(~\(~'AWS\*2fLambda~'Invocations~'FunctionName~'twin-api/,
    );
    assert.match(
      li ?? "",
      /#logsV2:logs-insights\$3FqueryDetail\$3D~\(.*source~\(~'\*2faws\*2flambda\*2ftwin-api\)\)$/,
    );
    assert.match(ce ?? "", /costmanagement\/home#\/cost-explorer\?.*groupBy=%5B%22SERVICE%22%5D/);
  });

  it("works at 360 px and 1440 px wide (screenshots in test-artifacts/)", async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    for (const width of [360, 1440]) {
      // Act
      await page.setViewportSize({ width, height: 900 });
      await page.waitForFunction((w) => window.innerWidth === w, width);
      await page.screenshot({ path: `${ARTIFACTS}dashboard-${width}.png`, fullPage: true });
      // Assess: nothing forces a horizontal scroll, and every chart canvas fits its card.
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      assert.equal(overflow, 0, `no horizontal overflow at ${width} px`);
      const widest = await page.evaluate(() =>
        Math.max(...[...document.querySelectorAll("canvas")].map((c) => c.getBoundingClientRect().right)),
      );
      assert.ok(widest <= width, `charts fit in ${width} px (rightmost edge ${widest})`);
    }
    assert.deepEqual(errors, []);
  });
});
