/**
 * Per AWS account (config aws.accounts: the monitoring account and the source accounts linked to
 * it through CloudWatch cross-account observability): Lambda and Bedrock totals over the range from
 * /api/metrics, and each account's month to date from Cost Explorer (LINKED_ACCOUNT) from
 * /api/costs. Hidden when the server reads one account.
 */
import type {
  AccountMetrics,
  CostsData,
  LogsData,
  MetricsData,
  Panel,
} from "../../../server/api/contract.ts";
import { clear, h } from "../dom.ts";
import { formatCount, formatPercent, formatUsd } from "../format.ts";
import { cloudWatchMetricsLink, LOGS_LINK_ACCOUNT_NOTE } from "../links.ts";
import { panelFrame, setStatus } from "../panel.ts";
import type { ViewContext } from "../view.ts";

export interface AccountsPanel {
  node: HTMLElement;
  render(panel: Panel<MetricsData>, selected: { account?: string; region?: string }, ctx?: ViewContext): void;
  renderCosts(panel: Panel<CostsData>): void;
  /** Each account's errors as its log groups tell them (Logs Insights across accounts). */
  renderLogs(panel: Panel<LogsData>): void;
}

/**
 * The errors cell: the metrics' count, a console link to that account's Errors (in the row's
 * region), and, on an account's first row, the logs' figures.
 */
function errorsCell(
  a: AccountMetrics | undefined,
  region: string,
  data: MetricsData | null,
  ctx: ViewContext | undefined,
  first: boolean,
  id: string,
): HTMLElement {
  if (!a) return h("td", { text: DASH });
  const count =
    a.lambdaInvocations > 0
      ? `${formatCount(a.lambdaErrors)} (${formatPercent((a.lambdaErrors / a.lambdaInvocations) * 100)})`
      : formatCount(a.lambdaErrors);
  const functions = data ? [...new Set(data.lambda.map((s) => s.resource))] : [];
  const link =
    ctx && data && functions.length > 0
      ? h("a", {
          class: "console-link",
          target: "_blank",
          rel: "noopener noreferrer",
          title: `AWS/Lambda Errors of account ${a.accountId} in ${region}, graphed from this monitoring account`,
          href: cloudWatchMetricsLink(
            /^[a-z]{2}(-[a-z]+)+-\d$/.test(region) ? region : ctx.region,
            functions.map((fn) => ({
              namespace: "AWS/Lambda",
              metric: "Errors",
              dimension: "FunctionName",
              value: fn,
              stat: "Sum",
              accountId: a.accountId,
            })),
            ctx.window(data.range),
            data.range.periodSeconds,
          ),
          text: "CloudWatch",
        })
      : null;
  return h(
    "td",
    first ? { "data-errors": id } : {},
    count,
    link ? " " : null,
    link,
    first ? h("span", { class: "logs-errors", "data-logs-errors": id }) : null,
  );
}

/** Called with the account and region chosen in the selector (undefined = all). */
export type OnSelect = (account: string | undefined, region: string | undefined) => void;

const DASH = "—";

export function accountsPanel(onSelect: OnSelect): AccountsPanel {
  const frame = panelFrame("panel-accounts", "By account", "metrics", true);
  const intro = h("p", {
    class: "intro",
    text: "Per account: Lambda and Bedrock totals over the range (CloudWatch metrics read from this monitoring account with AccountId per query; an account that is not linked to this one shows zeros), and the month to date from Cost Explorer grouped by LINKED_ACCOUNT (every account only when bedrock-ops runs in the organization's management account).",
  });
  const note = h("p", { class: "note accounts-note" });
  note.hidden = true;
  const problem = h("p", { class: "error", role: "status" });
  problem.hidden = true;
  const logsNote = h("p", { class: "intro", text: LOGS_LINK_ACCOUNT_NOTE });
  const table = h("div", { class: "table-wrap table-visible" });
  // The selector: every account and region seen on this page (the API narrows to the choice).
  const known = { accounts: new Map<string, string>(), regions: new Set<string>() };
  const accountSelect = h("select", { id: "account-select", "aria-label": "Account" });
  const regionSelect = h("select", { id: "region-select", "aria-label": "Region" });
  const choose = () => onSelect(accountSelect.value || undefined, regionSelect.value || undefined);
  accountSelect.addEventListener("change", choose);
  regionSelect.addEventListener("change", choose);
  const controls = h(
    "div",
    { class: "controls accounts-controls" },
    h("label", { text: "Account " }, accountSelect),
    h("label", { text: " Region " }, regionSelect),
  );
  let selected: { account?: string; region?: string } = {};
  function fillSelectors(): void {
    const option = (value: string, text: string, current: string | undefined) =>
      h("option", { value, text, selected: value === (current ?? "") });
    accountSelect.replaceChildren(
      option("", "All accounts", selected.account),
      ...[...known.accounts].map(([id, label]) => option(id, `${label} (${id})`, selected.account)),
    );
    regionSelect.replaceChildren(
      option("", "All regions", selected.region),
      ...[...known.regions].sort().map((r) => option(r, r, selected.region)),
    );
  }
  frame.body.append(intro, controls, note, problem, table, logsNote);
  frame.section.hidden = true;
  let metrics: AccountMetrics[] | undefined;
  let metricsData: MetricsData | null = null;
  let accountsError: string | undefined;
  let view: ViewContext | undefined;
  let costs: CostsData | null = null;
  let logs: LogsData | null = null;

  const usd = (v: number | null | undefined, reason: string, rowspan: string) =>
    v === null || v === undefined
      ? h("td", { class: "unknown", text: "unknown", title: reason, rowspan })
      : h("td", { text: formatUsd(v), rowspan });

  function draw(): void {
    const accounts = costs?.accounts;
    frame.section.hidden = !metrics && !accounts && !accountsError;
    problem.hidden = !accountsError;
    problem.textContent = accountsError ? `Linked accounts not discovered: ${accountsError}` : "";
    if (frame.section.hidden) return;
    note.hidden = !costs?.accountsNote;
    note.textContent = costs?.accountsNote ?? "";
    // One row per account and region (metrics); an account's month to date spans its rows.
    const rows: Array<{ id: string; label: string; region: string; m?: AccountMetrics }> = (
      metrics ?? []
    ).map((m) => ({ id: m.accountId, label: m.label, region: m.region, m }));
    for (const c of accounts ?? [])
      if (!rows.some((r) => r.id === c.accountId))
        rows.push({ id: c.accountId, label: c.label, region: DASH });
    const costOf = new Map((accounts ?? []).map((c) => [c.accountId, c]));
    const withCosts = accounts !== undefined;
    const unknown = costs?.accountsNote ?? "Cost Explorer did not answer for this account";
    const head = [
      "Account",
      "Region",
      "Lambda invocations",
      "Lambda errors",
      "Bedrock invocations",
      "Input tokens",
      "Output tokens",
      "Bedrock errors",
      "Throttles",
      ...(withCosts ? ["Bedrock cost (month to date)", "All services (month to date)"] : []),
    ];
    const count = (v: number | undefined) => h("td", { text: v === undefined ? DASH : formatCount(v) });
    clear(table);
    table.appendChild(
      h(
        "table",
        { class: "accounts-table" },
        h("thead", {}, h("tr", {}, ...head.map((t) => h("th", { scope: "col", text: t })))),
        h(
          "tbody",
          {},
          ...rows.map(({ id, label, region, m }, i) => {
            const first = rows.findIndex((r) => r.id === id) === i;
            const span = String(rows.filter((r) => r.id === id).length);
            const c = costOf.get(id);
            return h(
              "tr",
              { "data-account": id, "data-region": region },
              h("th", { scope: "row", text: `${label} (${id})` }),
              h("td", { text: region }),
              count(m?.lambdaInvocations),
              errorsCell(m, region, metricsData, view, first, id),
              count(m?.bedrockInvocations),
              count(m?.inputTokens),
              count(m?.outputTokens),
              count(m?.bedrockErrors),
              count(m?.bedrockThrottles),
              ...(withCosts && first
                ? [usd(c?.bedrockMonthToDate, unknown, span), usd(c?.totalMonthToDate, unknown, span)]
                : []),
            );
          }),
        ),
      ),
    );
    drawLogs();
  }

  function drawLogs(): void {
    for (const a of logs?.accounts ?? []) {
      const cell = table.querySelector<HTMLElement>(`[data-logs-errors="${a.accountId}"]`);
      if (!cell) continue;
      const failed = a.timeouts + a.outOfMemory + a.initFailures;
      cell.textContent = ` · logs: ${formatCount(a.recentErrors)} recent errors, ${formatCount(failed)} timeouts/out of memory/failed inits`;
    }
  }

  return {
    node: frame.section,
    render(panel, choice, ctx) {
      metrics = panel.data?.accounts;
      metricsData = panel.data;
      accountsError = panel.data?.accountsError;
      view = ctx;
      selected = choice;
      for (const m of metrics ?? []) {
        known.accounts.set(m.accountId, m.label);
        known.regions.add(m.region);
      }
      if (metrics) setStatus(frame, panel);
      fillSelectors();
      draw();
    },
    renderCosts(panel) {
      costs = panel.data;
      for (const c of costs?.accounts ?? [])
        if (!known.accounts.has(c.accountId)) known.accounts.set(c.accountId, c.label);
      fillSelectors();
      draw();
    },
    renderLogs(panel) {
      logs = panel.data;
      drawLogs();
    },
  };
}
