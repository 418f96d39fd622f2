/**
 * The dashboard page: reads the view state from the URL, fetches every panel source in
 * parallel (each renders as soon as it arrives; a failure marks only its own panels), and
 * re-renders on range/filter changes and on auto-refresh.
 */
import type {
  AlarmsData,
  AttributionData,
  BenchRunDetail,
  BenchRunSummary,
  BenchSchedulesData,
  BudgetsData,
  CostsData,
  HealthResponse,
  LogsData,
  MetricsData,
  OverviewData,
  Panel,
  QuotasData,
  UsageData,
} from "../../server/api/contract.ts";
import { AuthRequiredError, getHealth, getPanel, requestRefresh } from "./api.ts";
import { chartSummaries, restyleAll } from "./charts.ts";
import { byId, h } from "./dom.ts";
import { header } from "./header.ts";
import { showLogin } from "./login.ts";
import { accountsPanel } from "./panels/accounts.ts";
import { alarmsPanel } from "./panels/alarms.ts";
import { attributionPanel } from "./panels/attribution.ts";
import { bedrockPanels } from "./panels/bedrock.ts";
import { benchPanel, runsOf, runsToDetail } from "./panels/bench.ts";
import { budgetPanel } from "./panels/budgets.ts";
import { costPanels } from "./panels/costs.ts";
import { errorsPanel } from "./panels/errors.ts";
import { kpiPanel } from "./panels/kpis.ts";
import { lambdaPanels } from "./panels/lambda.ts";
import { quotasPanel } from "./panels/quotas.ts";
import { scheduler } from "./refresh.ts";
import { resources } from "./series.ts";
import { accountQuery, parseState, rangeQuery, refreshMs, serializeState, type ViewState } from "./state.ts";
import { onThemeChange } from "./theme.ts";
import { viewContext } from "./view.ts";

declare global {
  interface Window {
    /** Read-only test hook: chart summaries and load counters (see the README). */
    __bedrockOps?: { charts: typeof chartSummaries; loads: () => number; state: () => ViewState };
  }
}

let state = parseState(location.search);
let loads = 0;
let generation = 0;
/** Reloads after a SourceTimeout: every CATCH_UP_MS, at most CATCH_UP_TRIES in a row. */
const CATCH_UP_MS = 2_000;
const CATCH_UP_TRIES = 15;
let catchUps = 0;
let catchUpTimer: ReturnType<typeof setTimeout> | null = null;

/** Whether any panel is still waiting for AWS (the server answered SourceTimeout). */
async function stillAsking(panels: Array<Promise<Panel<unknown>>>): Promise<boolean> {
  const answers = await Promise.all(panels);
  return answers.some((p) => p.error?.code === "SourceTimeout");
}

async function start(root: HTMLElement): Promise<void> {
  let health: HealthResponse;
  try {
    health = await getHealth();
  } catch (err) {
    root.replaceChildren(
      h("p", { class: "fatal", text: `Could not reach the dashboard server: ${(err as Error).message}` }),
    );
    return;
  }
  try {
    // In token mode, probe once: a 401 means we need the login form first.
    if (health.auth) await getPanel<UsageData>("/api/usage", "");
  } catch (err) {
    if (err instanceof AuthRequiredError) {
      showLogin(root, () => void start(root));
      return;
    }
  }
  mount(root, health);
}

function mount(root: HTMLElement, health: HealthResponse): void {
  // The last metrics answer, so a model-filter change re-renders without refetching.
  let lastMetrics: Panel<MetricsData> | null = null;
  let logGroup = "";
  const top = header({
    onRange(range) {
      update({ ...state, range });
    },
    onRefreshOption(option) {
      update({ ...state, refresh: option }, false);
      timer.set(refreshMs(option));
    },
    async onRefreshNow() {
      const q = rangeQuery(state.range);
      const refused = await Promise.all([
        requestRefresh("metrics", q),
        requestRefresh("logs", q),
        requestRefresh("costs", q),
        requestRefresh("budgets", ""),
      ]);
      await load();
      const notes = refused.filter((m): m is string => m !== null);
      if (notes.length > 0) top.setNote(notes.join(" "));
    },
  });
  const kpis = kpiPanel();
  const lambda = lambdaPanels();
  const bedrock = bedrockPanels((models) => {
    update({ ...state, models }, false);
    if (lastMetrics) bedrock.render(lastMetrics, viewContext(state, health, logGroup));
  });
  const quotas = quotasPanel();
  const alarms = alarmsPanel();
  const costs = costPanels();
  const budgets = budgetPanel();
  const attribution = attributionPanel(() => void loadAttribution(generation));
  const errors = errorsPanel();
  const bench = benchPanel();
  const accounts = accountsPanel((account, region) => {
    const { account: _a, region: _r, ...rest } = state;
    update({ ...rest, ...(account ? { account } : {}), ...(region ? { region } : {}) });
  });
  const main = h(
    "main",
    { id: "main", class: "grid" },
    kpis.node,
    ...lambda.nodes,
    bedrock.node,
    quotas.node,
    alarms.node,
    costs.node,
    attribution.node,
    budgets.node,
    errors.node,
    bench.node,
    accounts.node,
  );
  const skip = h("a", { class: "skip", href: "#main", text: "Skip to panels" });
  root.replaceChildren(skip, top.node, main);
  top.setHealth(health);
  top.setState(state);

  const timer = scheduler(
    () => void load(),
    (paused) => top.setLastRefresh(new Date(), paused),
  );
  timer.set(refreshMs(state.refresh));
  onThemeChange(restyleAll);
  window.addEventListener("popstate", () => {
    state = parseState(location.search);
    top.setState(state);
    void load();
  });

  function update(next: ViewState, reload = true): void {
    state = next;
    const query = serializeState(state);
    history.pushState(null, "", query ? `?${query}` : location.pathname);
    top.setState(state);
    if (reload) void load();
  }

  /** The Attribution panel for its selected view (also on its own when the view changes). */
  async function loadAttribution(mine: number): Promise<void> {
    const by = `by=${encodeURIComponent(attribution.by())}`;
    const q = rangeQuery(state.range);
    const p = await getPanel<AttributionData>("/api/attribution", q ? `${by}&${q}` : by);
    if (mine === generation) attribution.render(p);
  }

  async function load(): Promise<void> {
    const mine = ++generation;
    const q = rangeQuery(state.range);
    const current = () => mine === generation;
    document.body.dataset.loading = "true";
    const ctx = viewContext(state, health, logGroup);
    // The account/region selector narrows the per-account views (server: account=, region=).
    const metricsP = getPanel<MetricsData>("/api/metrics", q + accountQuery(state));
    const overviewP = getPanel<OverviewData>("/api/overview", q);
    const logsP = getPanel<LogsData>("/api/logs", q);
    const costsP = getPanel<CostsData>("/api/costs", q + accountQuery(state));
    const budgetsP = getPanel<BudgetsData>("/api/budgets", "");
    const quotasP = getPanel<QuotasData>("/api/quotas", q);
    const alarmsP = getPanel<AlarmsData>("/api/alarms", "");
    const benchP = loadBench();
    const tasks = [
      metricsP.then((p) => {
        if (!current()) return;
        lastMetrics = p;
        const fn = p.data ? resources(p.data.lambda)[0] : undefined;
        if (fn) logGroup = ctx.logGroup = `/aws/lambda/${fn}`;
        lambda.renderMetrics(p, ctx);
        bedrock.render(p, ctx);
        accounts.render(p, state, ctx);
      }),
      overviewP.then((p) => current() && kpis.render(p)),
      Promise.all([logsP, metricsP]).then(([p]) => {
        if (!current()) return;
        lambda.renderLogs(p, ctx);
        errors.render(p, ctx);
        accounts.renderLogs(p);
      }),
      Promise.all([costsP, overviewP, budgetsP]).then(([p, o, b]) => {
        if (!current()) return;
        const budget = o.data?.budget ?? b.data?.budgets[0] ?? null;
        costs.render(p, ctx, budget);
        accounts.renderCosts(p);
      }),
      budgetsP.then((p) => current() && budgets.render(p)),
      loadAttribution(mine),
      quotasP.then((p) => current() && quotas.render(p)),
      alarmsP.then((p) => current() && alarms.render(p)),
      benchP.then(([runs, details, schedules]) => current() && bench.render(runs, details, schedules)),
    ];
    await Promise.allSettled(tasks);
    const waiting = await stillAsking([metricsP, overviewP, logsP, costsP, budgetsP, quotasP, alarmsP]);
    // Own spend last, so it includes the calls this refresh just caused.
    const usage = await getPanel<UsageData>("/api/usage", "");
    if (!current()) return;
    top.setUsage(usage);
    loads++;
    top.setLastRefresh(new Date(), timer.paused());
    document.body.dataset.loading = "false";
    document.body.dataset.loads = String(loads);
    catchUp(waiting, mine);
  }

  /**
   * A panel whose AWS answer outlasted the server's wait (cache.waitSeconds) says SourceTimeout
   * while the request goes on in the background: ask again shortly rather than at the next
   * auto-refresh (minutes away, or never when it is off), a few times at most.
   */
  function catchUp(waiting: boolean, mine: number): void {
    if (catchUpTimer) clearTimeout(catchUpTimer);
    catchUpTimer = null;
    catchUps = waiting ? catchUps + 1 : 0;
    if (!waiting || catchUps > CATCH_UP_TRIES) return;
    catchUpTimer = setTimeout(() => {
      catchUpTimer = null;
      if (mine === generation) void load();
    }, CATCH_UP_MS);
  }

  window.__bedrockOps = Object.freeze({
    charts: chartSummaries,
    loads: () => loads,
    state: () => structuredClone(state),
  });
  void load();
}

async function loadBench(): Promise<[Panel<BenchRunSummary[]>, BenchRunDetail[], BenchSchedulesData | null]> {
  const [runs, schedules] = await Promise.all([
    getPanel<BenchRunSummary[]>("/api/bench/runs", ""),
    getPanel<BenchSchedulesData>("/api/bench/schedules", ""),
  ]);
  const wanted = runsToDetail(runsOf(runs.data));
  const details = await Promise.all(wanted.map(runDetail));
  const keep = new Set(wanted.map(detailKey));
  for (const key of heldDetails.keys()) if (!keep.has(key)) heldDetails.delete(key);
  return [
    { ...runs, data: runs.data === null ? null : runsOf(runs.data) },
    details.flatMap((d) => (d ? [d] : [])),
    schedules.data,
  ];
}

/**
 * The details of the finished runs the Benchmarks panel shows, held by the page: a complete or
 * incomplete run never changes (runsToDetail never picks a running one), so each is asked for once.
 */
const heldDetails = new Map<string, BenchRunDetail>();
const detailKey = (r: BenchRunSummary) => `${r.id}|${r.status}`;

async function runDetail(run: BenchRunSummary): Promise<BenchRunDetail | null> {
  const key = detailKey(run);
  const held = heldDetails.get(key);
  if (held) return held;
  const p = await getPanel<BenchRunDetail>(`/api/bench/runs/${encodeURIComponent(run.id)}`, "");
  if (p.data) heldDetails.set(key, p.data);
  return p.data;
}

void start(byId("app"));
