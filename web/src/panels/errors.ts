/** Recent Lambda error lines, newest first, each expandable to the full message. */
import type { LogsData, Panel } from "../../../server/api/contract.ts";
import { clear, h } from "../dom.ts";
import { formatTime } from "../format.ts";
import { ERRORS_QUERY, logsInsightsLink } from "../links.ts";
import { headline } from "../logline.ts";
import { panelFrame, setStatus } from "../panel.ts";
import type { ViewContext } from "../view.ts";

export interface ErrorsPanel {
  node: HTMLElement;
  render(panel: Panel<LogsData>, ctx: ViewContext): void;
}

export function errorsPanel(): ErrorsPanel {
  const frame = panelFrame("panel-errors", "Recent errors", "logs");
  const link = h("a", {
    class: "tool",
    target: "_blank",
    rel: "noopener noreferrer",
    text: "Open in Logs Insights",
  });
  const list = h("div", { class: "errors" });
  frame.body.append(link, list);
  return {
    node: frame.section,
    render(panel, ctx) {
      setStatus(frame, panel);
      const data = panel.data;
      if (!data) return;
      link.setAttribute(
        "href",
        logsInsightsLink(ctx.region, ctx.logGroup, ERRORS_QUERY, ctx.window(data.range)),
      );
      clear(list);
      const o = data.outcomes;
      if (o && o.timeouts + o.outOfMemory + o.initFailures > 0)
        list.appendChild(
          h("p", {
            class: "outcomes",
            text: `In this range: ${o.timeouts} timed out, ${o.outOfMemory} ran out of memory, ${o.initFailures} failed init (from REPORT Status and JSON record.status; a timeout may leave no error line).`,
          }),
        );
      if (data.recentErrors.length === 0) {
        list.appendChild(h("p", { class: "empty", text: "No error lines in this range." }));
        return;
      }
      for (const e of data.recentErrors.slice(0, 50)) {
        const head = headline(e.message);
        list.appendChild(
          h(
            "details",
            { class: "error-line" },
            h(
              "summary",
              {},
              h("time", { datetime: e.timestamp, text: formatTime(e.timestamp) }),
              head.level
                ? h("span", { class: `level level-${head.level.toLowerCase()}`, text: head.level })
                : null,
              h("span", { class: "error-msg", text: head.text }),
            ),
            h(
              "dl",
              {},
              h("dt", { text: "Request ID" }),
              h("dd", { text: e.requestId ?? "–" }),
              h("dt", { text: "Log stream" }),
              h("dd", { text: e.logStream }),
            ),
            h("pre", { text: e.message }),
          ),
        );
      }
    },
  };
}
