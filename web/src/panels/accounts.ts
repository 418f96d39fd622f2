/**
 * Totals per AWS account over the range (config aws.accounts: the monitoring account and the
 * source accounts linked to it through CloudWatch cross-account observability). Hidden when the
 * server reads one account.
 */
import type { LogsData, MetricsData, Panel } from "../../../server/api/contract.ts";
import { clear, h } from "../dom.ts";
import { formatCount, formatPercent } from "../format.ts";
import { cloudWatchMetricsLink, LOGS_LINK_ACCOUNT_NOTE } from "../links.ts";
import { panelFrame, setStatus } from "../panel.ts";
import type { ViewContext } from "../view.ts";

export interface AccountsPanel {
  node: HTMLElement;
  render(panel: Panel<MetricsData>, ctx?: ViewContext): void;
  /** Each account's errors as its log groups tell them (Logs Insights across accounts). */
  renderLogs(panel: Panel<LogsData>): void;
}

/** The errors cell: the metrics' count, a console link to that account's Errors, and the logs' figures. */
function errorsCell(
  a: NonNullable<MetricsData["accounts"]>[number],
  data: MetricsData,
  ctx: ViewContext | undefined,
): HTMLElement {
  const count =
    a.lambdaInvocations > 0
      ? `${formatCount(a.lambdaErrors)} (${formatPercent((a.lambdaErrors / a.lambdaInvocations) * 100)})`
      : formatCount(a.lambdaErrors);
  const functions = [...new Set(data.lambda.map((s) => s.resource))];
  const link =
    ctx && functions.length > 0
      ? h("a", {
          class: "console-link",
          target: "_blank",
          rel: "noopener noreferrer",
          title: `AWS/Lambda Errors of account ${a.accountId}, graphed from this monitoring account`,
          href: cloudWatchMetricsLink(
            ctx.region,
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
    { "data-errors": a.accountId },
    count,
    link ? " " : null,
    link,
    h("span", { class: "logs-errors", "data-logs-errors": a.accountId }),
  );
}

export function accountsPanel(): AccountsPanel {
  const frame = panelFrame("panel-accounts", "By account", "metrics", true);
  const intro = h("p", {
    class: "intro",
    text: "Lambda and Bedrock totals over the range, per account (CloudWatch metrics read from this monitoring account with AccountId per query). An account that is not linked to this one shows zeros.",
  });
  const table = h("div", { class: "table-wrap table-visible" });
  const problem = h("p", { class: "error", role: "status" });
  problem.hidden = true;
  const logsNote = h("p", { class: "intro", text: LOGS_LINK_ACCOUNT_NOTE });
  frame.body.append(intro, problem, table, logsNote);
  frame.section.hidden = true;
  return {
    node: frame.section,
    render(panel, ctx) {
      const accounts = panel.data?.accounts;
      const accountsError = panel.data?.accountsError;
      frame.section.hidden = !accounts && !accountsError;
      problem.hidden = !accountsError;
      problem.textContent = accountsError ? `Linked accounts not discovered: ${accountsError}` : "";
      if (!accounts || !panel.data) return;
      const data = panel.data;
      setStatus(frame, panel);
      clear(table);
      const head = [
        "Account",
        "Lambda invocations",
        "Lambda errors",
        "Bedrock invocations",
        "Input tokens",
        "Output tokens",
        "Bedrock errors",
        "Throttles",
      ];
      table.appendChild(
        h(
          "table",
          { class: "accounts-table" },
          h("thead", {}, h("tr", {}, ...head.map((t) => h("th", { scope: "col", text: t })))),
          h(
            "tbody",
            {},
            ...accounts.map((a) =>
              h(
                "tr",
                { "data-account": a.accountId },
                h("th", { scope: "row", text: `${a.label} (${a.accountId})` }),
                h("td", { text: formatCount(a.lambdaInvocations) }),
                errorsCell(a, data, ctx),
                h("td", { text: formatCount(a.bedrockInvocations) }),
                h("td", { text: formatCount(a.inputTokens) }),
                h("td", { text: formatCount(a.outputTokens) }),
                h("td", { text: formatCount(a.bedrockErrors) }),
                h("td", { text: formatCount(a.bedrockThrottles) }),
              ),
            ),
          ),
        ),
      );
    },
    renderLogs(panel) {
      for (const a of panel.data?.accounts ?? []) {
        const cell = table.querySelector<HTMLElement>(`[data-logs-errors="${a.accountId}"]`);
        if (!cell) continue;
        const failed = a.timeouts + a.outOfMemory + a.initFailures;
        cell.textContent = ` · logs: ${formatCount(a.recentErrors)} recent errors, ${formatCount(failed)} timeouts/out of memory/failed inits`;
      }
    },
  };
}
