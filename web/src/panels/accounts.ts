/**
 * Per AWS account (config aws.accounts: the monitoring account and the source accounts linked to
 * it through CloudWatch cross-account observability): Lambda and Bedrock totals over the range from
 * /api/metrics, and each account's month to date from Cost Explorer (LINKED_ACCOUNT) from
 * /api/costs. Hidden when the server reads one account.
 */
import type { AccountMetrics, CostsData, MetricsData, Panel } from "../../../server/api/contract.ts";
import { clear, h } from "../dom.ts";
import { formatCount, formatPercent, formatUsd } from "../format.ts";
import { panelFrame, setStatus } from "../panel.ts";

export interface AccountsPanel {
  node: HTMLElement;
  render(panel: Panel<MetricsData>, selected: { account?: string; region?: string }): void;
  renderCosts(panel: Panel<CostsData>): void;
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
  frame.body.append(intro, controls, note, table);
  frame.section.hidden = true;
  let metrics: AccountMetrics[] | undefined;
  let costs: CostsData | null = null;

  const usd = (v: number | null | undefined, reason: string, rowspan: string) =>
    v === null || v === undefined
      ? h("td", { class: "unknown", text: "unknown", title: reason, rowspan })
      : h("td", { text: formatUsd(v), rowspan });

  function draw(): void {
    const accounts = costs?.accounts;
    frame.section.hidden = !metrics && !accounts;
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
              ...(withCosts && first
                ? [usd(c?.bedrockMonthToDate, unknown, span), usd(c?.totalMonthToDate, unknown, span)]
                : []),
            );
          }),
        ),
      ),
    );
  }

  return {
    node: frame.section,
    render(panel, choice) {
      metrics = panel.data?.accounts;
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
  };
}
