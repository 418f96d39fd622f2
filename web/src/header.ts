/** The header: mode badge, range presets + custom range, auto-refresh, last refresh, and the dashboard's own AWS spend today. */
import type { HealthResponse, Panel, UsageData } from "../../server/api/contract.ts";
import { h } from "./dom.ts";
import { formatTime, formatUsd } from "./format.ts";
import { describeRange, PRESETS, REFRESH_OPTIONS, type RefreshOption, type ViewState } from "./state.ts";

export interface HeaderHandlers {
  onRange(range: ViewState["range"]): void;
  onRefreshOption(option: RefreshOption): void;
  onRefreshNow(): Promise<void>;
}

export interface Header {
  node: HTMLElement;
  setHealth(health: HealthResponse): void;
  setState(state: ViewState): void;
  setLastRefresh(at: Date, paused: boolean): void;
  setUsage(panel: Panel<UsageData>): void;
  /** A short note after a manual refresh (e.g. the server's rate limit). */
  setNote(text: string): void;
}

/** datetime-local value (local time) <-> ISO. */
function toLocalInput(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function header(handlers: HeaderHandlers): Header {
  const mode = h("span", { class: "mode", id: "mode-badge", text: "…" });
  const rangeLabel = h("span", { class: "range-label", id: "range-label" });
  const presets = h("div", { class: "presets", role: "group", "aria-label": "Time range" });
  const buttons = PRESETS.map((p) => {
    const b = h("button", {
      type: "button",
      class: "preset",
      "data-range": p,
      "aria-pressed": "false",
      text: p,
    });
    b.addEventListener("click", () => handlers.onRange({ kind: "preset", preset: p }));
    presets.appendChild(b);
    return b;
  });
  const start = h("input", { type: "datetime-local", id: "range-start", required: true });
  const end = h("input", { type: "datetime-local", id: "range-end", required: true });
  const customError = h("span", { class: "form-error", role: "alert" });
  const custom = h(
    "form",
    { class: "custom-range", id: "custom-range" },
    h("label", { for: "range-start", text: "From" }),
    start,
    h("label", { for: "range-end", text: "To" }),
    end,
    h("button", { type: "submit", text: "Apply" }),
    customError,
  );
  custom.addEventListener("submit", (e) => {
    e.preventDefault();
    const s = new Date(start.value);
    const t = new Date(end.value);
    if (Number.isNaN(s.getTime()) || Number.isNaN(t.getTime()) || s >= t) {
      customError.textContent = "“From” must be a date before “To”.";
      return;
    }
    customError.textContent = "";
    handlers.onRange({ kind: "custom", start: s.toISOString(), end: t.toISOString() });
  });
  const customDetails = h("details", { class: "custom" }, h("summary", { text: "Custom" }), custom);

  const refreshSelect = h("select", { id: "auto-refresh", "aria-label": "Auto-refresh" });
  for (const o of REFRESH_OPTIONS)
    refreshSelect.appendChild(
      h("option", { value: o, text: o === "off" ? "Auto-refresh off" : `Every ${o.replace("m", " min")}` }),
    );
  refreshSelect.addEventListener("change", () =>
    handlers.onRefreshOption(refreshSelect.value as RefreshOption),
  );
  const refreshNow = h("button", { type: "button", id: "refresh-now", text: "Refresh" });
  refreshNow.addEventListener("click", () => {
    refreshNow.disabled = true;
    note.textContent = "";
    void handlers.onRefreshNow().finally(() => {
      refreshNow.disabled = false;
    });
  });
  const note = h("span", { class: "refresh-note", id: "refresh-note", role: "status" });
  const last = h("span", { class: "last-refresh", id: "last-refresh", "aria-live": "polite" });
  const spend = h("span", {
    class: "spend",
    id: "own-spend",
    title: "What this dashboard's own AWS API calls cost today (estimated)",
  });

  const node = h(
    "header",
    { class: "top" },
    h("div", { class: "brand" }, h("h1", { text: "bedrock-ops" }), mode, rangeLabel),
    h("div", { class: "controls" }, presets, customDetails, refreshSelect, refreshNow),
    h("div", { class: "meta" }, last, spend, note),
  );

  return {
    node,
    setHealth(health) {
      mode.className = `mode mode-${health.mode}`;
      mode.textContent =
        health.mode === "sandbox"
          ? `SANDBOX · ${health.region}`
          : `AWS ${health.accountId ?? ""} · ${health.region}`.replace("  ", " ");
      mode.title =
        health.mode === "sandbox" ? "Local AWS sandbox: simulated data, no AWS charges" : "Live AWS account";
      document.title = `bedrock-ops · ${health.mode === "sandbox" ? "sandbox" : health.region}`;
    },
    setState(state) {
      rangeLabel.textContent = describeRange(state.range);
      for (const b of buttons) {
        b.setAttribute(
          "aria-pressed",
          String(state.range.kind === "preset" && state.range.preset === b.dataset.range),
        );
      }
      if (state.range.kind === "custom") {
        start.value = toLocalInput(state.range.start);
        end.value = toLocalInput(state.range.end);
        customDetails.open = true;
      }
      refreshSelect.value = state.refresh;
    },
    setLastRefresh(at, paused) {
      last.textContent = `Last refresh ${formatTime(at.toISOString())}${paused ? " · auto-refresh paused (tab hidden)" : ""}`;
    },
    setNote(text) {
      note.textContent = text;
    },
    setUsage(panel) {
      spend.textContent = panel.data
        ? `Own AWS spend today ${formatUsd(panel.data.totalUsdToday)} (${panel.data.calls.reduce((n, c) => n + c.count, 0)} calls)`
        : `Own AWS spend: unavailable${panel.error ? ` (${panel.error.code})` : ""}`;
    },
  };
}
