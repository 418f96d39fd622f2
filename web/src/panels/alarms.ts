/** Alarms: each managed CloudWatch alarm with its state, reason and since when, and the recent history. */
import type { AlarmsData, Panel } from "../../../server/api/contract.ts";
import { clear, h } from "../dom.ts";
import { formatTime } from "../format.ts";
import { panelFrame, setStatus } from "../panel.ts";

export interface AlarmsPanel {
  node: HTMLElement;
  render(panel: Panel<AlarmsData>): void;
}

export function alarmsPanel(): AlarmsPanel {
  const frame = panelFrame("panel-alarms", "Alarms", "alarms", true);
  const table = h("div", { class: "table-wrap" });
  const history = h("ol", { class: "alarm-history" });
  frame.body.append(table, h("h3", { text: "History (last 24 h)" }), history);
  return {
    node: frame.section,
    render(panel) {
      setStatus(frame, panel);
      const d = panel.data;
      if (!d) return;
      clear(table);
      clear(history);
      if (d.alarms.length === 0) {
        table.appendChild(
          h("p", {
            class: "empty",
            text: `No alarms named ${d.prefix}-* in ${d.region}. Create them with \`npx bedrock-ops alarms setup\` (see docs/quotas-alarms.md).`,
          }),
        );
      } else {
        const rows = d.alarms.map((a) =>
          h(
            "tr",
            { "data-alarm": a.name, "data-state": a.state },
            h("td", {}, h("span", { class: `state state-${a.state.toLowerCase()}`, text: a.state })),
            h("td", {}, h("code", { text: a.name })),
            h("td", {
              text: `${a.metric} ${a.stat} ${a.comparison.replace("Threshold", "")} ${a.threshold}`,
            }),
            h("td", { text: a.since ? formatTime(a.since) : "–" }),
            h("td", { class: "reason", text: a.reason }),
          ),
        );
        table.appendChild(
          h(
            "table",
            {},
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                ...["State", "Alarm", "Condition", "Since", "Reason"].map((t) =>
                  h("th", { scope: "col", text: t }),
                ),
              ),
            ),
            h("tbody", {}, ...rows),
          ),
        );
      }
      const items = d.history.filter((x) => x.type !== "ConfigurationUpdate").slice(0, 50);
      if (items.length === 0)
        history.appendChild(h("li", { class: "empty", text: "No state changes in the last 24 h." }));
      for (const item of items)
        history.appendChild(
          h(
            "li",
            {},
            h("time", { datetime: item.time, text: formatTime(item.time) }),
            " ",
            h("code", { text: item.alarm }),
            ` ${item.summary}`,
          ),
        );
    },
  };
}
