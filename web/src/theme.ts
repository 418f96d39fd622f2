/**
 * Colours: one colour per model on every chart, and the chart chrome (text, grid) from the
 * CSS theme (light/dark via prefers-color-scheme).
 */

/** Fixed colours for the seeds' models; others get one from the palette by a stable hash. */
const MODEL_COLORS: Record<string, string> = {
  "amazon.nova-micro-v1:0": "#2a9d8f",
  "amazon.nova-lite-v1:0": "#e76f51",
  "amazon.nova-pro-v1:0": "#7b61ff",
};

/** Colour-blind friendly-ish palette (Okabe-Ito based), for series that are not models. */
export const PALETTE = [
  "#0072b2",
  "#e69f00",
  "#009e73",
  "#cc79a7",
  "#56b4e9",
  "#d55e00",
  "#999933",
  "#882255",
];

/** Strips an inference-profile prefix (us./eu./apac./global.) so both IDs share a colour. */
export function baseModelId(modelId: string): string {
  return modelId.replace(/^(us|eu|apac|us-gov|global)\./, "");
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** The family part of a model ID: "us.amazon.nova-lite-v1:0" and "nova-lite" both give "nova-lite". */
export function modelFamily(modelId: string): string {
  return baseModelId(modelId)
    .replace(/^[a-z0-9-]+\./, "")
    .replace(/(-v\d+)?(:\d+)?$/, "");
}

/** The same colour for a model wherever it appears (metrics use model IDs, Cost Explorer short names). */
export function modelColor(modelId: string): string {
  const family = modelFamily(modelId);
  const known = Object.entries(MODEL_COLORS).find(([id]) => modelFamily(id) === family);
  return known ? known[1] : PALETTE[hash(family) % PALETTE.length]!;
}

/** Whether a cost group key names a model (ID or family such as "nova-lite"). */
export function looksLikeModel(key: string): boolean {
  const family = modelFamily(key);
  return (
    Object.keys(MODEL_COLORS).some((id) => modelFamily(id) === family) ||
    /^[a-z0-9-]+\.[a-z0-9-]+-v\d/.test(baseModelId(key))
  );
}

export function paletteColor(index: number): string {
  return PALETTE[index % PALETTE.length]!;
}

/** A short human name: "amazon.nova-lite-v1:0" -> "Nova Lite". */
export function modelName(modelId: string): string {
  const base = baseModelId(modelId);
  const nova = /^(?:amazon\.)?nova-([a-z]+)(?:-v\d|$)/.exec(base);
  if (nova?.[1]) return `Nova ${nova[1][0]!.toUpperCase()}${nova[1].slice(1)}`;
  return base;
}

/** Adds alpha to a #rrggbb colour. */
export function withAlpha(color: string, alpha: number): string {
  if (!/^#[0-9a-f]{6}$/i.test(color)) return color;
  const a = Math.round(alpha * 255)
    .toString(16)
    .padStart(2, "0");
  return `${color}${a}`;
}

export interface ChromeColors {
  text: string;
  muted: string;
  grid: string;
  background: string;
}

export function chromeColors(): ChromeColors {
  const css = getComputedStyle(document.documentElement);
  const read = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    text: read("--text", "#1b1f24"),
    muted: read("--muted", "#5b6470"),
    grid: read("--grid", "#e3e6ea"),
    background: read("--surface", "#ffffff"),
  };
}

export function onThemeChange(listener: () => void): void {
  window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", listener);
}
