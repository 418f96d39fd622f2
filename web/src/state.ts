/**
 * The view state (range, filters, auto-refresh) and its URL form, so a view can be shared.
 * Pure: parse and serialise query strings; the DOM side lives in main.ts.
 */

export const PRESETS = ["1h", "3h", "12h", "24h", "7d", "30d"] as const;
export type Preset = (typeof PRESETS)[number];
export const REFRESH_OPTIONS = ["off", "1m", "5m"] as const;
export type RefreshOption = (typeof REFRESH_OPTIONS)[number];

export type RangeState = { kind: "preset"; preset: Preset } | { kind: "custom"; start: string; end: string };

export interface ViewState {
  range: RangeState;
  /** Bedrock model IDs to show; empty = all. */
  models: string[];
  refresh: RefreshOption;
  /** One account (aws.accounts) the per-account views are narrowed to; absent = all. */
  account?: string;
  /** One region the per-account views are narrowed to; absent = all. */
  region?: string;
}

export const DEFAULT_STATE: ViewState = {
  range: { kind: "preset", preset: "24h" },
  models: [],
  refresh: "off",
};

const PRESET_MS: Record<Preset, number> = {
  "1h": 3_600_000,
  "3h": 3 * 3_600_000,
  "12h": 12 * 3_600_000,
  "24h": 24 * 3_600_000,
  "7d": 7 * 86_400_000,
  "30d": 30 * 86_400_000,
};

export function presetMs(preset: Preset): number {
  return PRESET_MS[preset];
}

export function isPreset(value: string | null): value is Preset {
  return value !== null && (PRESETS as readonly string[]).includes(value);
}

function isRefresh(value: string | null): value is RefreshOption {
  return value !== null && (REFRESH_OPTIONS as readonly string[]).includes(value);
}

function validIso(value: string | null): string | null {
  if (!value) return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

/** Reads the state from a query string; anything invalid falls back to the default for that field. */
export function parseState(search: string): ViewState {
  const q = new URLSearchParams(search);
  const start = validIso(q.get("start"));
  const end = validIso(q.get("end"));
  const preset = q.get("range");
  let range: RangeState = DEFAULT_STATE.range;
  if (start && end && Date.parse(start) < Date.parse(end)) range = { kind: "custom", start, end };
  else if (isPreset(preset)) range = { kind: "preset", preset };
  const models = (q.get("models") ?? "")
    .split(",")
    .map((m) => m.trim())
    .filter((m) => m.length > 0);
  const refresh = q.get("refresh");
  const account = q.get("account");
  const region = q.get("region");
  return {
    range,
    models: [...new Set(models)],
    refresh: isRefresh(refresh) ? refresh : DEFAULT_STATE.refresh,
    ...(account && /^\d{12}$/.test(account) ? { account } : {}),
    ...(region && /^[a-z]{2}(-[a-z]+)+-\d$/.test(region) ? { region } : {}),
  };
}

/** The API query narrowing the per-account views (`&account=...&region=...`), or "". */
export function accountQuery(state: ViewState): string {
  const q = new URLSearchParams();
  if (state.account) q.set("account", state.account);
  if (state.region) q.set("region", state.region);
  const text = q.toString();
  return text ? `&${text}` : "";
}

/** The query string for a state (without "?"); defaults are omitted to keep links short. */
export function serializeState(state: ViewState): string {
  const q = new URLSearchParams();
  if (state.range.kind === "preset") q.set("range", state.range.preset);
  else {
    q.set("start", state.range.start);
    q.set("end", state.range.end);
  }
  if (state.models.length > 0) q.set("models", state.models.join(","));
  if (state.refresh !== "off") q.set("refresh", state.refresh);
  if (state.account) q.set("account", state.account);
  if (state.region) q.set("region", state.region);
  return q.toString();
}

/** The API query for a range: `range=3h` or `start=...&end=...`. */
export function rangeQuery(range: RangeState): string {
  const q = new URLSearchParams();
  if (range.kind === "preset") q.set("range", range.preset);
  else {
    q.set("start", range.start);
    q.set("end", range.end);
  }
  return q.toString();
}

/** Absolute bounds of a range at `now` (ms). */
export function rangeBounds(range: RangeState, now: number): { start: number; end: number } {
  if (range.kind === "custom") return { start: Date.parse(range.start), end: Date.parse(range.end) };
  return { start: now - presetMs(range.preset), end: now };
}

export function describeRange(range: RangeState): string {
  if (range.kind === "preset") return `last ${range.preset}`;
  return `${range.start.slice(0, 16).replace("T", " ")} → ${range.end.slice(0, 16).replace("T", " ")} UTC`;
}

export function refreshMs(option: RefreshOption): number | null {
  return option === "1m" ? 60_000 : option === "5m" ? 300_000 : null;
}

/** Whether a model passes the filter (empty filter = all models). */
export function modelSelected(state: ViewState, modelId: string): boolean {
  return state.models.length === 0 || state.models.includes(modelId);
}
