/**
 * Per AWS account (config aws.accounts: the monitoring account and the source accounts linked to
 * it through CloudWatch cross-account observability): Lambda and Bedrock totals over the range from
 * /api/metrics, and each account's month to date from Cost Explorer (LINKED_ACCOUNT) from
 * /api/costs. Hidden when the server reads one account.
 */
import type {
  AccountCosts,
  AccountMetrics,
  CostsData,
  MetricsData,
  Panel,
} from "../../../server/api/contract.ts";
import { clear, h } from "../dom.ts";
import { formatCount, formatPercent, formatUsd } from "../format.ts";
import { panelFrame, setStatus } from "../panel.ts";

export interface AccountsPanel {
  node: HTMLElement;
  render(panel: Panel<MetricsData>): void;
  renderCosts(panel: Panel<CostsData>): void;
}

const DASH = "—";

export function accountsPanel(): AccountsPanel {
  const frame = panelFrame("panel-accounts", "By account", "metrics", true);
  const intro = h("p", {
    class: "intro",
    text: "Per account: Lambda and Bedrock totals over the range (CloudWatch metrics read from this monitoring account with AccountId per query; an account that is not linked to this one shows zeros), and the month to date from Cost Explorer grouped by LINKED_ACCOUNT (every account only when bedrock-ops runs in the organization's management account).",
  });
  const note = h("p", { class: "note accounts-note" });
  note.hidden = true;
  const table = h("div", { class: "table-wrap table-visible" });
  frame.body.append(intro, note, table);
  frame.section.hidden = true;
  let metrics: AccountMetrics[] | undefined;
  let costs: CostsData | null = null;

  const usd = (v: number | null | undefined, reason: string) =>
    v === null || v === undefined
      ? h("td", { class: "unknown", text: "unknown", title: reason })
      : h("td", { text: formatUsd(v) });

  function draw(): void {
    const accounts = costs?.accounts;
    frame.section.hidden = !metrics && !accounts;
    if (frame.section.hidden) return;
    note.hidden = !costs?.accountsNote;
    note.textContent = costs?.accountsNote ?? "";
    const byId = new Map<string, { label: string; m?: AccountMetrics; c?: AccountCosts }>();
    for (const m of metrics ?? []) byId.set(m.accountId, { label: m.label, m });
    for (const c of accounts ?? []) {
      const row = byId.get(c.accountId) ?? { label: c.label };
      row.c = c;
      byId.set(c.accountId, row);
    }
    const withCosts = accounts !== undefined;
    const unknown = costs?.accountsNote ?? "Cost Explorer did not answer for this account";
    const head = [
      "Account",
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
          ...[...byId].map(([id, { label, m, c }]) =>
            h(
              "tr",
              { "data-account": id },
              h("th", { scope: "row", text: `${label} (${id})` }),
              count(m?.lambdaInvocations),
              h("td", {
                text: !m
                  ? DASH
                  : m.lambdaInvocations > 0
                    ? `${formatCount(m.lambdaErrors)} (${formatPercent((m.lambdaErrors / m.lambdaInvocations) * 100)})`
                    : formatCount(m.lambdaErrors),
              }),
              count(m?.bedrockInvocations),
              count(m?.inputTokens),
              count(m?.outputTokens),
              count(m?.bedrockErrors),
              count(m?.bedrockThrottles),
              ...(withCosts ? [usd(c?.bedrockMonthToDate, unknown), usd(c?.totalMonthToDate, unknown)] : []),
            ),
          ),
        ),
      ),
    );
  }

  return {
    node: frame.section,
    render(panel) {
      metrics = panel.data?.accounts;
      if (metrics) setStatus(frame, panel);
      draw();
    },
    renderCosts(panel) {
      costs = panel.data;
      draw();
    },
  };
}
