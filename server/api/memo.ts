/**
 * Derived panel data (costs, overview) computed once per combination of its inputs: the same
 * cached objects and the same scalars give back the same object, so its serialised bytes and
 * ETag (server/api/encode.ts) are reused too.
 */
import type { Panel } from "./contract.ts";

const ids = new WeakMap<object, number>();
let nextId = 1;

function idOf(part: unknown): string {
  if (part === null || typeof part !== "object") return JSON.stringify(part) ?? "undefined";
  let id = ids.get(part);
  if (id === undefined) {
    id = nextId++;
    ids.set(part, id);
  }
  return `#${id}`;
}

export class Memo<T> {
  private readonly values = new Map<string, T>();
  constructor(private readonly max = 256) {}

  get(parts: readonly unknown[], compute: () => T): T {
    const key = parts.map(idOf).join("|");
    const hit = this.values.get(key);
    if (hit !== undefined) return hit;
    const value = compute();
    this.values.set(key, value);
    if (this.values.size > this.max) {
      const oldest = this.values.keys().next().value;
      if (oldest !== undefined) this.values.delete(oldest);
    }
    return value;
  }
}

/** The last panel built around each data object. */
const panelsByData = new WeakMap<object, Panel<unknown>>();

/**
 * The same panel object as last time when nothing in it changed (same data object, same asOf,
 * staleness and error), so the encoder (server/api/encode.ts) finds its bytes by identity.
 */
export function stablePanel<T>(panel: Panel<T>): Panel<T> {
  const data = panel.data;
  if (data === null || typeof data !== "object") return panel;
  const last = panelsByData.get(data);
  if (last && last.asOf === panel.asOf && last.stale === panel.stale && last.error === panel.error)
    return last as Panel<T>;
  panelsByData.set(data, panel);
  return panel;
}
