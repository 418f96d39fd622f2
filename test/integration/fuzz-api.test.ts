/**
 * Always-on slice of `npm run fuzz` for the HTTP API: random query strings on every documented
 * route answer below 500, and every 4xx is JSON {error: {code, message}} whose 400 message
 * starts with the name of a parameter. Fixed seed, few runs; the long run is `npm run fuzz`.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Router } from "express";
import fc from "fast-check";
import { type RunningServer, startServer } from "../../server/api/server.ts";
import { parseConfig } from "../../server/config.ts";
import { apiProperty, type Call, checkCall } from "../perf/properties/api.ts";
import { allRoutes } from "../perf/properties/routes.ts";

const SEED = 20_261_122;
const NOW = Date.parse("2026-11-18T15:30:00.000Z");

function call(method: "GET" | "POST", path: string, raw: string, pairs: Array<[string, string]> = []): Call {
  return { route: { method, path }, path, pairs, raw };
}

describe("API query-string fuzzing (fixed seed)", () => {
  let server: RunningServer;
  const logs: string[] = [];

  before(async () => {
    // A route that fails on purpose, to show the checker catches a 5xx.
    const boom = Router();
    boom.get("/", () => {
      throw new Error("boom");
    });
    server = await startServer(parseConfig({ mode: "sandbox" }), {
      port: 0,
      dataDir: ":memory:",
      now: () => new Date(NOW),
      sandbox: { settings: { logs: { scheduledMs: 5, runningMs: 5 } } },
      routers: [{ path: "/boom", router: boom }],
      log: (line) => logs.push(line),
    });
  });

  after(async () => {
    await server.close();
  });

  it("covers every documented and served route and /metrics", () => {
    const paths = allRoutes(server).map((r) => `${r.method} ${r.path}`);
    for (const p of [
      "GET /api/overview",
      "GET /api/metrics",
      "GET /api/logs",
      "GET /api/costs",
      "GET /api/budgets",
      "GET /api/usage",
      "POST /api/refresh/:panel",
      "GET /metrics",
      "GET /api/bench/runs",
      "GET /api/boom",
    ])
      assert.ok(paths.includes(p), `${p} in ${paths.join(", ")}`);
  });

  it("the checker fails on a 5xx", async () => {
    await assert.rejects(checkCall(server.url, call("GET", "/api/boom", "")), /answered 500/);
  });

  it("names the parameter of a bad value", async () => {
    // Act
    const answer = await checkCall(server.url, call("GET", "/api/metrics", "", [["range", "2d"]]));
    // Assess
    assert.deepEqual(answer, { status: 400, code: "InvalidParameter" });
  });

  it("names a parameter sent with an empty name", async () => {
    // `?=x` reaches onlyParams with the name "": the message must still say which parameter,
    // e.g. "(empty name): got ...", not ": got ...".
    const res = await fetch(`${server.url}/api/metrics?=x`);
    const body = (await res.json()) as { error: { message: string } };
    assert.equal(res.status, 400);
    assert.match(body.error.message, /^\([^)]+\): got "x"; /);
  });

  it("random query strings on every route: no 5xx, clear 4xx", async () => {
    // Prepare
    const logged = logs.length;
    // Act
    await fc.assert(
      apiProperty(
        server.url,
        NOW,
        allRoutes(server).filter((r) => r.path !== "/api/boom"),
      ),
      { seed: SEED, numRuns: 60 },
    );
    // Assess
    const health = await fetch(`${server.url}/api/health`);
    assert.equal(health.status, 200);
    assert.deepEqual(logs.slice(logged), []);
  });
});
