/**
 * Property of the HTTP API: any query string on any route (the caller passes them, see
 * routes.ts: served, documented and /metrics) answers below 500, and every 4xx is JSON
 * {error: {code, message}} whose 400 message starts with the name of a parameter. Shared by
 * `npm run fuzz` and test/integration/fuzz-api.test.ts.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { fillPath, type Route } from "./routes.ts";

export type { Route } from "./routes.ts";

const PARAMS = ["range", "start", "end", "model", "function", "format", "panel", "suite", "limit"];
/**
 * Names every object inherits (constructor, __proto__, toString, valueOf, hasOwnProperty, ...):
 * an allow-list that asks `name in table` accepts them (issue 15: one GET took the server down).
 */
export const PROTOTYPE_NAMES = [...Object.getOwnPropertyNames(Object.prototype), "prototype"];
/** Values for path placeholders: the refresh panels, a bench run ID shape, anything. */
const FILLS = [
  "metrics",
  "logs",
  "costs",
  "budgets",
  "01J0000000000000000000000",
  "nope",
  ...PROTOTYPE_NAMES,
];

function isoAround(now: number): fc.Arbitrary<string> {
  return fc
    .integer({ min: now - 120 * 86_400_000, max: now + 2 * 86_400_000 })
    .chain((t) =>
      fc.constantFrom(
        new Date(t).toISOString(),
        new Date(t).toISOString().slice(0, 10),
        new Date(t).toISOString().slice(0, 16),
        new Date(t).toISOString().replace("Z", "+02:00"),
      ),
    );
}

function value(now: number): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom("1h", "3h", "12h", "24h", "7d", "30d", "2h", "", "json", "csv", "xml"),
    fc.constantFrom(
      "amazon.nova-lite-v1:0",
      "us.amazon.nova-lite-v1:0",
      "twin-api",
      "nope",
      "twin-api,twin-api",
    ),
    isoAround(now),
    fc.constantFrom("2025-02-30T00:00:00Z", "9999-12-31", "0000-01-01T00:00Z", "2025-06-01T25:61:00Z", "NaN"),
    fc.constantFrom(...PROTOTYPE_NAMES),
    fc.string({ maxLength: 20 }),
  );
}

const key = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...PARAMS) },
  { weight: 1, arbitrary: fc.constantFrom(...PROTOTYPE_NAMES) },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 8 }) },
);

export interface Call {
  route: Route;
  /** The concrete path (placeholders filled). */
  path: string;
  pairs: Array<[string, string]>;
  /** Raw junk appended to the query (undecodable escapes, separators). */
  raw: string;
}

export function callArbitrary(now: number, routes: readonly Route[]): fc.Arbitrary<Call> {
  return fc
    .record({
      route: fc.constantFrom(...routes),
      fill: fc.oneof(fc.constantFrom(...FILLS), fc.string({ maxLength: 10 })),
      pairs: fc.array(fc.tuple(key, value(now)), { maxLength: 5 }),
      raw: fc.oneof(
        { weight: 4, arbitrary: fc.constant("") },
        {
          weight: 1,
          arbitrary: fc.constantFrom("&%", "&a=%E0%A4%A", "&&==", "&range", "&x[y]=1", "&range[]=1h", "&;"),
        },
      ),
    })
    .map(({ route, fill, pairs, raw }) => ({
      route,
      path: fillPath(route.path, () => fill),
      pairs,
      raw,
    }));
}

export function queryString(call: Call): string {
  const q =
    call.pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&") + call.raw;
  return q ? `?${q}` : "";
}

/**
 * Names a 400 message may start with: the parameters sent (decoded), the route's documented
 * parameters (a missing `start` is named though not sent), the path parameter, the body.
 */
function namesSent(call: Call): string[] {
  const names = new Set([
    "panel",
    "body",
    "token",
    "range",
    "start",
    "end",
    "model",
    "function",
    "format",
    "suite",
    "limit",
    "id",
  ]);
  for (const [k] of call.pairs) names.add(k);
  for (const part of call.raw.split("&")) {
    const k = part.split("=")[0] ?? "";
    try {
      names.add(decodeURIComponent(k));
    } catch {
      names.add(k);
    }
  }
  return [...names].filter(Boolean);
}

export interface Answer {
  status: number;
  code?: string;
}

/** Make the call and check the answer; throws an AssertionError naming the violation. */
export async function checkCall(
  baseUrl: string,
  call: Call,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const url = `${baseUrl}${call.path}${queryString(call)}`;
  const res = await fetch(url, { method: call.route.method, headers });
  const text = await res.text();
  const where = `${call.route.method} ${call.path}${queryString(call)}`;
  assert.ok(res.status < 500, `${where} answered ${res.status}: ${text.slice(0, 300)}`);
  if (res.status < 400) return { status: res.status };
  let body: { error?: { code?: unknown; message?: unknown } };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    assert.fail(`${where} answered ${res.status} with a body that is not JSON: ${text.slice(0, 200)}`);
  }
  assert.equal(typeof body.error?.code, "string", `${where}: error.code`);
  assert.equal(typeof body.error?.message, "string", `${where}: error.message`);
  const message = String(body.error?.message);
  assert.ok(message.length > 0, `${where}: an empty error message`);
  if (res.status === 400) {
    const names = namesSent(call);
    // A parameter with an empty name (`?=x`) is named by a label in parentheses, e.g. "(empty name): ...".
    assert.ok(
      names.some((n) => message.startsWith(`${n}:`)) || /^\([^)]+\): /.test(message),
      `${where}: 400 message does not start with a parameter sent (${names.join(", ")}): ${message}`,
    );
  }
  return { status: res.status, code: String(body.error?.code) };
}

export function apiProperty(
  baseUrl: string,
  now: number,
  routes: readonly Route[],
  headers: Record<string, string> = {},
) {
  return fc.asyncProperty(
    callArbitrary(now, routes),
    async (call) => void (await checkCall(baseUrl, call, headers)),
  );
}
