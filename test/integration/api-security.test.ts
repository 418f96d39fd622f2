/**
 * The API's security model in-process: token on every call (bearer or session cookie), strict
 * headers, refusal to bind beyond loopback without a token, no secret in any response, static
 * files confined to the build folder, and 400s that name the bad parameter.
 */

import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Router } from "express";
import { type RunningServer, startServer } from "../../server/api/server.ts";
import { parseConfig } from "../../server/config.ts";
import { sandboxCredentials } from "../../server/sandbox/index.ts";
import { rawGet } from "../helpers/http.ts";

const TOKEN = "correct-horse-battery-staple-42";
const NOW = Date.parse("2026-11-18T15:30:00.000Z");
const now = () => new Date(NOW);

describe("API security with a token", () => {
  let server: RunningServer;
  let root: string;
  const seen: string[] = [];

  async function call(path: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(`${server.url}${path}`, init);
    const text = await res.clone().text();
    seen.push(text, JSON.stringify([...res.headers.entries()]));
    return res;
  }

  before(async () => {
    root = mkdtempSync(join(tmpdir(), "bedrock-ops-sec-"));
    const dist = join(root, "dist");
    mkdirSync(dist);
    writeFileSync(join(dist, "index.html"), "<!doctype html><title>page</title>");
    writeFileSync(join(root, "outside.txt"), "must-not-be-served");
    const config = parseConfig({ mode: "sandbox", server: { token: TOKEN } });
    const extra = Router();
    extra.get("/ping", (_req, res) => {
      res.json({ pong: true });
    });
    server = await startServer(config, {
      port: 0,
      dataDir: ":memory:",
      now,
      staticDir: dist,
      routers: [{ path: "/extra", router: extra }],
    });
  });

  after(async () => {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  });

  test("health is public and says a token is required", async () => {
    const res = await call("/api/health");
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { auth: boolean }).auth, true);
  });

  test("every API call and /metrics answer 401 without the token or with a wrong one", async () => {
    for (const path of [
      "/api/metrics",
      "/api/overview",
      "/api/costs",
      "/api/budgets",
      "/api/usage",
      "/api/logs",
      "/api/openapi.json",
      "/metrics",
    ]) {
      const none = await call(path);
      assert.equal(none.status, 401, path);
      assert.equal(((await none.json()) as { error: { code: string } }).error.code, "Unauthorized");
      const wrong = await call(path, {
        headers: { Authorization: "Bearer correct-horse-battery-staple-43" },
      });
      assert.equal(wrong.status, 401, path);
    }
    const refresh = await call("/api/refresh/metrics", { method: "POST" });
    assert.equal(refresh.status, 401);
  });

  test("extra routers are mounted under /api behind the same token", async () => {
    assert.equal((await call("/api/extra/ping")).status, 401);
    const res = await call("/api/extra/ping", { headers: { Authorization: `Bearer ${TOKEN}` } });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { pong: true });
  });

  test("the bearer token opens the API", async () => {
    const res = await call("/api/metrics?range=1h", { headers: { Authorization: `Bearer ${TOKEN}` } });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { data: unknown; error: unknown };
    assert.equal(body.error, null);
    assert.notEqual(body.data, null);
  });

  test("login sets an HttpOnly SameSite=Strict cookie that is not the token, and it opens the API", async () => {
    const wrong = await call("/api/login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: "nope-nope-nope-nope" }),
    });
    assert.equal(wrong.status, 401);
    const ok = await call("/api/login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: TOKEN }),
    });
    assert.equal(ok.status, 200);
    const cookie = ok.headers.get("set-cookie") ?? "";
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    assert.ok(!cookie.includes(TOKEN));
    const pair = cookie.split(";")[0]!;
    const res = await call("/api/usage", { headers: { cookie: pair } });
    assert.equal(res.status, 200);
  });

  test("an oversized body is refused with 413", async () => {
    const res = await call("/api/login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: "x".repeat(20_000) }),
    });
    assert.equal(res.status, 413);
  });

  test("strict security headers on the page and the API", async () => {
    for (const path of ["/", "/api/health"]) {
      const res = await call(path);
      assert.equal(
        res.headers.get("content-security-policy"),
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
      );
      assert.equal(res.headers.get("x-content-type-options"), "nosniff");
      assert.equal(res.headers.get("referrer-policy"), "no-referrer");
      assert.equal(res.headers.get("x-powered-by"), null);
    }
  });

  test("static files cannot escape the build folder", async () => {
    const page = await call("/");
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<title>page<\/title>/);
    for (const path of [
      "/../outside.txt",
      "/..%2foutside.txt",
      "/%2e%2e/outside.txt",
      "/%2e%2e%2foutside.txt",
    ]) {
      const res = await rawGet(server.url, path, {});
      assert.notEqual(res.status, 200, path);
      assert.ok(!res.body.includes("must-not-be-served"), path);
    }
  });

  test("unknown routes answer 404 JSON", async () => {
    for (const path of ["/api/nope", "/nope"]) {
      const res = await call(path, { headers: { Authorization: `Bearer ${TOKEN}` } });
      assert.equal(res.status, 404);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, "NotFound");
    }
  });

  test("bad parameters answer 400 naming the parameter", async () => {
    const cases: Array<[string, string]> = [
      ["/api/metrics?range=2h", "range"],
      ["/api/metrics?start=yesterday&end=2026-11-18T10:00:00Z", "start"],
      ["/api/metrics?start=2026-11-18T10:00:00Z&end=2026-11-18T09:00:00Z", "end"],
      ["/api/metrics?end=2026-11-18T09:00:00Z", "start"],
      ["/api/metrics?range=1h&start=2026-11-18T09:00:00Z", "range"],
      ["/api/metrics?model=amazon.titan-text-v1", "model"],
      ["/api/logs?function=other-fn", "function"],
      ["/api/costs?format=xml", "format"],
      ["/api/overview?format=csv", "format"],
      ["/api/metrics?colour=blue", "colour"],
      ["/api/metrics?range=1h&range=3h", "range"],
      ["/api/metrics?start=2026-01-01T00:00:00Z&end=2026-11-18T00:00:00Z", "start"],
      ["/api/refresh/everything", "panel"],
    ];
    for (const [path, param] of cases) {
      const method = path.startsWith("/api/refresh") ? "POST" : "GET";
      const res = await call(path, { method, headers: { Authorization: `Bearer ${TOKEN}` } });
      assert.equal(res.status, 400, path);
      const body = (await res.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, "InvalidParameter", path);
      assert.ok(body.error.message.startsWith(`${param}:`), `${path}: ${body.error.message}`);
    }
  });

  test("CSV where a table makes sense", async () => {
    const res = await call("/api/metrics?range=1h&format=csv", {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/csv/);
    const lines = (await res.text()).trim().split("\r\n");
    assert.equal(lines[0], "timestamp,resource,metric,stat,unit,value");
    assert.match(lines[1] ?? "", /^2026-11-18T\d\d:\d\d:00\.000Z,twin-api,Invocations,Sum,Count,\d+$/);
  });

  test("no response carries the token or the AWS credentials", async () => {
    const { accessKeyId, secretAccessKey } = sandboxCredentials();
    for (const path of [
      "/api/health",
      "/api/overview",
      "/api/costs",
      "/api/budgets",
      "/api/usage",
      "/api/openapi.json",
      "/metrics",
    ]) {
      await call(path, { headers: { Authorization: `Bearer ${TOKEN}` } });
    }
    assert.ok(seen.length > 20);
    const all = seen.join("\n");
    assert.ok(!all.includes(TOKEN));
    assert.ok(!all.includes(secretAccessKey));
    assert.ok(!all.includes(accessKeyId));
  });
});

describe("binding and the missing page", () => {
  test("serve refuses a non-loopback address without a token", async () => {
    await assert.rejects(
      startServer(parseConfig({ mode: "sandbox", server: { host: "0.0.0.0" } }), {
        port: 0,
        dataDir: ":memory:",
      }),
      /Refusing to listen on 0\.0\.0\.0 without an access token.*BEDROCK_OPS_TOKEN/,
    );
  });

  test("without a token, requests addressed to another host are refused (DNS rebinding)", async () => {
    const server = await startServer(parseConfig({ mode: "sandbox" }), { port: 0, dataDir: ":memory:", now });
    try {
      const evil = await rawGet(server.url, "/api/health", { host: "attacker.example:80" });
      assert.equal(evil.status, 403);
      const local = await rawGet(server.url, "/api/health", { host: "localhost" });
      assert.equal(local.status, 200);
    } finally {
      await server.close();
    }
  });

  test("a missing web build gets a plain page saying how to build it", async () => {
    const server = await startServer(parseConfig({ mode: "sandbox" }), {
      port: 0,
      dataDir: ":memory:",
      now,
      staticDir: join(tmpdir(), "bedrock-ops-no-such-dist"),
    });
    try {
      const res = await fetch(`${server.url}/`);
      assert.equal(res.status, 503);
      assert.match(await res.text(), /npm run build:web/);
    } finally {
      await server.close();
    }
  });
});
