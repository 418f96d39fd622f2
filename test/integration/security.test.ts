/**
 * Security checks of issue 8: no bind beyond loopback without a token; with a token, every
 * route the server serves (read from its router, plus the OpenAPI document) and /metrics
 * rejects a missing or wrong token with 401 JSON and accepts the right one (bearer header and
 * the login cookie); strict security headers on the page and the API; and no secret (the
 * token, the sandbox's AWS keys) in any response body, header or server log line over a run
 * of every route, failing AWS sources included.
 */

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { Router } from "express";
import { CSP, SESSION_COOKIE } from "../../server/api/security.ts";
import { type RunningServer, StartError, startServer } from "../../server/api/server.ts";
import { parseConfig } from "../../server/config.ts";
import { sandboxCredentials } from "../../server/sandbox/index.ts";
import { rawGet } from "../helpers/http.ts";
import { VirtualClock } from "../perf/common.ts";
import { allRoutes, fillPath, type Route } from "../perf/properties/routes.ts";

const TOKEN = "sec-test-token-7f3a9c1e5b2d4680";
const PUBLIC = ["GET /api/health", "POST /api/login", "POST /api/logout"];
const key = (r: Route) => `${r.method} ${r.path}`;
const FILL: Record<string, string> = { panel: "metrics", id: "01J0000000000000000000000" };

describe("binding beyond loopback", () => {
  it("is refused without a token, naming BEDROCK_OPS_TOKEN and the address", async () => {
    for (const host of ["0.0.0.0", "::", "192.0.2.10"]) {
      // Prepare
      const config = parseConfig({ mode: "sandbox" });
      // Act
      const started = startServer(config, { host, port: 0, dataDir: ":memory:" });
      // Assess
      await assert.rejects(started, (err: unknown) => {
        assert.ok(err instanceof StartError, String(err));
        assert.match(err.message, /BEDROCK_OPS_TOKEN/);
        assert.ok(err.message.includes(host), err.message);
        return true;
      });
    }
  });

  it("is allowed with a token", async () => {
    const running = await startServer(parseConfig({ mode: "sandbox", server: { token: TOKEN } }), {
      host: "0.0.0.0",
      port: 0,
      dataDir: ":memory:",
    });
    try {
      const port = new URL(running.url).port;
      const res = await fetch(`http://127.0.0.1:${port}/api/health`);
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as { auth: boolean }).auth, true);
    } finally {
      await running.close();
    }
  });

  it("without a token, loopback answers only requests addressed to loopback (DNS rebinding)", async () => {
    const running = await startServer(parseConfig({ mode: "sandbox" }), { port: 0, dataDir: ":memory:" });
    try {
      const rebound = await rawGet(running.url, "/api/health", { Host: "evil.example:80" });
      const local = await rawGet(running.url, "/api/health", {});
      assert.equal(rebound.status, 403);
      assert.equal((JSON.parse(rebound.body) as { error: { code: string } }).error.code, "ForbiddenHost");
      assert.equal(local.status, 200);
    } finally {
      await running.close();
    }
  });
});

describe("with a token", () => {
  let server: RunningServer;
  let routes: Route[];
  const clock = new VirtualClock();
  const logs: string[] = [];
  /** Every response body and header seen, to search for secrets. */
  const seen: string[] = [];
  const bearer = { Authorization: `Bearer ${TOKEN}` };

  async function call(route: Route, headers: Record<string, string> = {}, query = ""): Promise<Response> {
    const path = fillPath(route.path, (name) => FILL[name] ?? "x");
    const res = await fetch(`${server.url}${path}${query}`, { method: route.method, headers });
    seen.push(await res.clone().text(), JSON.stringify([...res.headers.entries()]));
    return res;
  }

  before(async () => {
    // A route whose error message carries secrets: neither the answer nor the log may repeat them.
    const boom = Router();
    boom.get("/boom", () => {
      throw new Error(`failed with ${TOKEN} and ${sandboxCredentials().secretAccessKey}`);
    });
    server = await startServer(parseConfig({ mode: "sandbox", server: { token: TOKEN } }), {
      port: 0,
      dataDir: ":memory:",
      now: clock.now,
      sandbox: { settings: { logs: { scheduledMs: 5, runningMs: 5 } } },
      routers: [{ path: "/", router: boom }],
      log: (line) => logs.push(line),
    });
    routes = allRoutes(server);
  });

  after(async () => {
    await server.close();
  });

  it("finds the routes to check: the documented ones, the served ones and /metrics", () => {
    const keys = routes.map(key);
    for (const k of [
      "GET /api/overview",
      "GET /api/metrics",
      "GET /api/logs",
      "GET /api/costs",
      "GET /api/budgets",
      "GET /api/usage",
      "GET /api/openapi.json",
      "GET /metrics",
      "GET /api/bench/runs",
      "GET /api/boom",
    ])
      assert.ok(keys.includes(k), `${k} in ${keys.join(", ")}`);
    assert.ok(routes.length >= 15, keys.join(", "));
  });

  it("every route but health, login and logout answers 401 JSON without a token", async () => {
    for (const route of routes) {
      const res = await call(route);
      if (PUBLIC.includes(key(route))) {
        assert.notEqual(res.status, 401, key(route));
        continue;
      }
      assert.equal(res.status, 401, key(route));
      assert.match(res.headers.get("content-type") ?? "", /^application\/json/, key(route));
      assert.match(res.headers.get("www-authenticate") ?? "", /^Bearer /, key(route));
      const body = (await res.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, "Unauthorized", key(route));
      assert.match(body.error.message, /Authorization: Bearer/, key(route));
    }
  });

  it("every protected route answers 401 to a wrong token, in any form", async () => {
    const wrong: Array<Record<string, string>> = [
      { Authorization: `Bearer ${TOKEN.slice(0, -1)}x` },
      { Authorization: `Bearer ${TOKEN}-and-more` },
      { Authorization: "Bearer " },
      { Authorization: `Basic ${Buffer.from(`user:${TOKEN}`).toString("base64")}` },
      { Authorization: TOKEN },
      { Cookie: `${SESSION_COOKIE}=${TOKEN}` },
      {
        Cookie: `${SESSION_COOKIE}=${createHash("sha256").update(`bedrock-ops-session\u0000${TOKEN}`).digest("base64url")}`,
      },
      { Cookie: `${SESSION_COOKIE}=${"A".repeat(43)}` },
    ];
    for (const route of routes.filter((r) => !PUBLIC.includes(key(r)))) {
      for (const headers of wrong) {
        const res = await call(route, headers);
        assert.equal(res.status, 401, `${key(route)} with ${JSON.stringify(headers)}`);
      }
      const inQuery = await call(route, {}, `?token=${encodeURIComponent(TOKEN)}`);
      assert.equal(inQuery.status, 401, `${key(route)} with the token in the query string`);
    }
  });

  it("every protected route accepts the bearer token", async () => {
    for (const route of routes.filter((r) => !PUBLIC.includes(key(r)))) {
      const res = await call(route, bearer);
      assert.notEqual(res.status, 401, key(route));
      assert.notEqual(res.status, 403, key(route));
    }
  });

  it("every protected route accepts the cookie from POST /api/login", async () => {
    // Prepare
    const login = await fetch(`${server.url}/api/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: TOKEN }),
    });
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    seen.push(JSON.stringify([...login.headers.entries()]));
    // Act and assess
    assert.equal(login.status, 200);
    assert.match(cookie, new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]{43}$`));
    for (const route of routes.filter((r) => !PUBLIC.includes(key(r)))) {
      clock.advance(61_000);
      const res = await call(route, { Cookie: cookie });
      assert.notEqual(res.status, 401, key(route));
    }
  });

  it("sends the CSP and security headers on the page and on every API answer", async () => {
    const answers = [
      await call({ method: "GET", path: "/" }),
      await call({ method: "GET", path: "/api/health" }),
      await call({ method: "GET", path: "/api/overview" }),
      await call({ method: "GET", path: "/api/overview" }, bearer),
      await call({ method: "GET", path: "/api/nope" }, bearer),
      await call({ method: "GET", path: "/metrics" }, bearer),
    ];
    for (const res of answers) {
      assert.equal(res.headers.get("content-security-policy"), CSP, res.url);
      assert.ok(!CSP.includes("unsafe-inline") && !CSP.includes("unsafe-eval"));
      assert.match(CSP, /frame-ancestors 'none'/);
      assert.equal(res.headers.get("x-content-type-options"), "nosniff", res.url);
      assert.equal(res.headers.get("referrer-policy"), "no-referrer", res.url);
      assert.equal(res.headers.get("x-frame-options"), "DENY", res.url);
      assert.equal(res.headers.get("x-powered-by"), null, res.url);
    }
  });

  it("no secret in any answer or log line over every route, CSV, refreshes and failing AWS sources", async () => {
    // Prepare: every route as JSON and CSV, then again with every AWS service failing.
    const csv = "?format=csv";
    const run = async () => {
      for (const route of routes) {
        clock.advance(301_000);
        await call(route, bearer);
        if (route.method === "GET" && route.path.startsWith("/api/")) await call(route, bearer, csv);
      }
      for (const panel of ["metrics", "logs", "costs", "budgets"]) {
        await call({ method: "POST", path: `/api/refresh/${panel}` }, bearer);
      }
    };
    await run();
    server.sandbox!.faults.set(
      ["cloudwatch", "logs", "ce", "budgets", "sts"].flatMap((service) => [
        { service, kind: "throttle" as const, probability: 0.5 },
        { service, kind: "malformed" as const, probability: 0.5 },
      ]),
    );
    clock.advance(86_400_000);
    await run();
    server.sandbox!.faults.set([]);
    // Act
    const { accessKeyId, secretAccessKey } = sandboxCredentials();
    const everything = [...seen, ...logs].join("\n");
    // Assess
    assert.ok(seen.length > 100, `${seen.length} answers seen`);
    assert.ok(logs.length > 0, "the failing route logged a line");
    assert.ok(everything.includes("Unauthorized") && everything.includes("InternalError"));
    assert.match(everything, /Throttl/, "the failing AWS sources showed up in the panels");
    for (const secret of [TOKEN, secretAccessKey, accessKeyId]) {
      assert.ok(!everything.includes(secret), `a secret (${secret.slice(0, 4)}...) leaked`);
    }
    assert.ok(
      !/AWS4-HMAC-SHA256|Signature=|X-Amz-Signature/i.test(everything),
      "no request signature leaked",
    );
    assert.ok(!/\n\s+at .+\(.+:\d+:\d+\)/.test(everything), "no stack trace leaked");
  });
});
