/**
 * The routes a running server actually serves, read from its Express router stack (so a route
 * missing from the OpenAPI document is still fuzzed and checked for auth), plus those the
 * OpenAPI document lists.
 */

import { OPENAPI } from "../../../server/api/openapi.ts";
import type { RunningServer } from "../../../server/api/server.ts";

export interface Route {
  method: "GET" | "POST";
  /** Path with `:id` or `{panel}` placeholders. */
  path: string;
}

interface Layer {
  rawPath?: string;
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

function join(prefix: string, path: string): string {
  const joined = `${prefix}/${path}`.replace(/\/+/g, "/");
  return joined.length > 1 ? joined.replace(/\/$/, "") : joined;
}

function walk(stack: readonly Layer[], prefix: string, out: Route[]): void {
  for (const layer of stack) {
    if (layer.route) {
      for (const [method, on] of Object.entries(layer.route.methods)) {
        const m = method.toUpperCase();
        if (on && (m === "GET" || m === "POST"))
          out.push({ method: m, path: join(prefix, layer.route.path) });
      }
    } else if (layer.handle?.stack) {
      walk(layer.handle.stack, join(prefix, layer.rawPath ?? "/"), out);
    }
  }
}

/** Every GET/POST route of the server's app (the page's own `/` excluded). */
export function servedRoutes(running: RunningServer): Route[] {
  const app = running.server.listeners("request")[0] as { router?: { stack?: Layer[] } } | undefined;
  const out: Route[] = [];
  walk(app?.router?.stack ?? [], "/", out);
  return out.filter((r) => r.path !== "/");
}

/** Every route the OpenAPI document lists, plus the Prometheus endpoint. */
export function documentedRoutes(): Route[] {
  const out: Route[] = [];
  for (const [path, ops] of Object.entries(OPENAPI.paths)) {
    for (const method of Object.keys(ops))
      out.push({ method: method.toUpperCase() as Route["method"], path });
  }
  if (!out.some((r) => r.path === "/metrics")) out.push({ method: "GET", path: "/metrics" });
  return out;
}

const normal = (r: Route) => `${r.method} ${r.path.replace(/\{([^}]+)\}/g, ":$1")}`;

/** Served and documented routes together, each once. */
export function allRoutes(running?: RunningServer): Route[] {
  const seen = new Map<string, Route>();
  for (const r of [...documentedRoutes(), ...(running ? servedRoutes(running) : [])]) seen.set(normal(r), r);
  return [...seen.values()];
}

/** Served routes the OpenAPI document does not list. */
export function undocumentedRoutes(running: RunningServer): string[] {
  const documented = new Set(documentedRoutes().map(normal));
  return servedRoutes(running)
    .map(normal)
    .filter((r) => !documented.has(r));
}

/** Fill `:name` and `{name}` placeholders. */
export function fillPath(path: string, value: (name: string) => string): string {
  return path.replace(/\{([^}]+)\}|:([A-Za-z_]+)/g, (_m, a: string | undefined, b: string | undefined) =>
    encodeURIComponent(value(a ?? b ?? "")),
  );
}
