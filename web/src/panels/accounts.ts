/**
 * Totals per AWS account over the range (config aws.accounts: the monitoring account and the
 * source accounts linked to it through CloudWatch cross-account observability). Hidden when the
 * server reads one account.
 */
import type { MetricsData, Panel } from "../../../server/api/contract.ts";
import { clear, h } from "../dom.ts";
import { formatCount, formatPercent } from "../format.ts";
import { panelFrame, setStatus } from "../panel.ts";

export interface AccountsPanel {
  node: HTMLElement;
  render(panel: Panel<MetricsData>): void;
}

export function accountsPanel(): AccountsPanel {
  const frame = panelFrame("panel-accounts", "By account", "metrics", true);
  const intro = h("p", {
    class: "intro",
    text: "Lambda and Bedrock totals over the range, per account (CloudWatch metrics read from this monitoring account with AccountId per query). An account that is not linked to this one shows zeros.",
  });
  const table = h("div", { class: "table-wrap table-visible" });
  frame.body.append(intro, table);
  frame.section.hidden = true;
  return {
    node: frame.section,
    render(panel) {
      const accounts = panel.data?.accounts;
      frame.section.hidden = !accounts;
      if (!accounts) return;
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
                h("td", {
                  text:
                    a.lambdaInvocations > 0
                      ? `${formatCount(a.lambdaErrors)} (${formatPercent((a.lambdaErrors / a.lambdaInvocations) * 100)})`
                      : formatCount(a.lambdaErrors),
                }),
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
  };
}
