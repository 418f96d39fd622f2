/**
 * The API under hostile input and hostile pages (issue 15): keys inherited from Object.prototype,
 * impossible dates, unknown parameters, cross-site requests, repeated and near-identical custom
 * ranges (AWS calls counted in the sandbox's ledger), Cost Explorer windows, panels as ETagged
 * compressed bytes, sessions, the login throttle and a port already in use.
 */
import assert from "node:assert/strict";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import type { MetricsData, Panel } from "../../server/api/contract.ts";
import { type RunningServer, StartError, startServer } from "../../server/api/server.ts";
import { parseConfig } from "../../server/config.ts";
import { rawGet } from "../helpers/http.ts";

const NOW = Date.parse("2026-11-18T15:30:00.000Z");
let offset = 0;
const now = () => new Date(NOW + offset);

function calls(server: RunningServer, seq: number, service: string, operation?: string): number {
  return server.sandbox!.ledger.list({ service, ...(operation ? { operation } : {}), sinceSeq: seq }).length;
}

const PROTO_KEYS = ["constructor", "__proto__", "toString", "valueOf", "hasOwnProperty", "isPrototypeOf"];

describe("API hardening without a token (loopback)", () => {
  let server: RunningServer;
  const log: string[] = [];

  before(async () => {
    // A cold fetch waits for the sandbox however loaded the machine is (a 46-day Cost Explorer
    // window is computed from the synthetic workload): no answer depends on the 10 s default.
    server = await startServer(parseConfig({ mode: "sandbox", cache: { waitSeconds: 300 } }), {
      port: 0,
      dataDir: ":memory:",
      now,
      log: (line) => log.push(line),
    });
  });

  after(async () => {
    await server.close();
  });

  test("Object.prototype names as a range are a 400 naming the parameter on every route; nothing reaches AWS", async () => {
    const seq = server.sandbox!.ledger.lastSeq;
    for (const name of PROTO_KEYS) {
      for (const path of ["/api/overview", "/api/metrics", "/api/logs", "/api/costs"]) {
        const res = await fetch(`${server.url}${path}?range=${encodeURIComponent(name)}`);
        assert.equal(res.status, 400, `${path} range=${name}`);
        const body = (await res.json()) as { error: { code: string; message: string } };
        assert.equal(body.error.code, "InvalidParameter");
        assert.match(body.error.message, /^range: got /);
      }
      const refresh = await fetch(`${server.url}/api/refresh/metrics?range=${name}`, { method: "POST" });
      assert.equal(refresh.status, 400, `refresh range=${name}`);
      const panel = await fetch(`${server.url}/api/refresh/${name}`, { method: "POST" });
      assert.equal(panel.status, 400, `refresh panel ${name}`);
      const param = await fetch(`${server.url}/api/metrics?${name}=1`);
      assert.equal(param.status, 400, `parameter named ${name}`);
    }
    assert.equal(calls(server, seq, "cloudwatch"), 0);
    assert.equal(calls(server, seq, "logs"), 0);
    assert.equal((await fetch(`${server.url}/api/health`)).status, 200);
  });

  test("a day that does not exist is refused, not rolled into the next month", async () => {
    for (const bad of ["2026-02-30", "2026-02-29T00:00:00Z", "2026-04-31T10:00Z", "2026-11-10T24:00:00Z"]) {
      const res = await fetch(`${server.url}/api/metrics?start=${bad}&end=2026-11-18T00:00:00Z`);
      assert.equal(res.status, 400, bad);
      assert.match(((await res.json()) as { error: { message: string } }).error.message, /^start: got /);
    }
    const leap = await fetch(`${server.url}/api/metrics?start=2026-11-17T00:00:00Z&end=2026-11-18T00:00:00Z`);
    assert.equal(leap.status, 200);
  });

  test("unknown parameters are refused by /api/health, /metrics, /api/openapi.json and /api/bench/*", async () => {
    for (const path of [
      "/api/health?x=1",
      "/metrics?debug=1",
      "/api/openapi.json?v=2",
      "/api/bench/runs?sort=desc",
      "/api/bench/schedules?all=1",
      "/api/bench/runs/abc?x=1",
    ]) {
      const res = await fetch(`${server.url}${path}`);
      assert.equal(res.status, 400, path);
      const body = (await res.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, "InvalidParameter", path);
      assert.match(body.error.message, /unknown parameter/, path);
    }
  });

  test("requests another site's page makes are refused on every API route, GETs included", async () => {
    const cases: Array<[string, string, Record<string, string>]> = [
      ["GET", "/api/overview?range=constructor", { "Sec-Fetch-Site": "cross-site" }],
      ["GET", "/api/metrics", { "Sec-Fetch-Site": "same-site" }],
      ["GET", "/api/costs", { Origin: "http://evil.example" }],
      ["GET", "/api/health", { Referer: "http://evil.example/page" }],
      ["POST", "/api/refresh/metrics", { Origin: "http://evil.example" }],
      ["POST", "/api/refresh/budgets", { Origin: "null" }],
      ["GET", "/metrics", { "Sec-Fetch-Site": "cross-site" }],
    ];
    for (const [method, path, headers] of cases) {
      const res = await fetch(`${server.url}${path}`, { method, headers });
      assert.equal(res.status, 403, `${method} ${path} ${JSON.stringify(headers)}`);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, "CrossSiteRequest");
    }
    const own = new URL(server.url).host;
    const same = await fetch(`${server.url}/api/health`, {
      headers: { "Sec-Fetch-Site": "same-origin", Origin: `http://${own}` },
    });
    assert.equal(same.status, 200);
    const typed = await fetch(`${server.url}/api/health`, { headers: { "Sec-Fetch-Site": "none" } });
    assert.equal(typed.status, 200);
  });

  test("the sandbox's admin routes refuse a browser Origin", async () => {
    const res = await fetch(`${server.sandbox!.url}/_sandbox/faults`, {
      method: "DELETE",
      headers: { Origin: "http://evil.example" },
    });
    assert.equal(res.status, 403);
    assert.equal((await fetch(`${server.sandbox!.url}/_sandbox/health`)).status, 200);
  });

  test("five identical custom-range requests and near-identical ends (end=now to the millisecond) make one GetMetricData call", async () => {
    const seq = server.sandbox!.ledger.lastSeq;
    const start = "2026-11-18T09:00:00Z";
    const ends = [
      "2026-11-18T15:00:00Z",
      "2026-11-18T15:00:00Z",
      "2026-11-18T14:59:59.123Z",
      "2026-11-18T14:59:30.001Z",
      "2026-11-18T14:59:00.999Z",
    ];
    const bodies: Array<Panel<MetricsData>> = [];
    for (const end of ends) {
      const res = await fetch(`${server.url}/api/metrics?start=${start}&end=${end}`);
      assert.equal(res.status, 200);
      bodies.push((await res.json()) as Panel<MetricsData>);
    }
    assert.equal(calls(server, seq, "cloudwatch", "GetMetricData"), 1);
    assert.ok(bodies.every((b) => b.data?.range.end === bodies[0]!.data?.range.end));
    // Three page loads of a custom range with end=now (no end): one Logs Insights batch.
    const logsSeq = server.sandbox!.ledger.lastSeq;
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${server.url}/api/logs?start=2026-11-18T12:00:00Z`);
      assert.equal(res.status, 200);
      await res.arrayBuffer();
    }
    const starts = calls(server, logsSeq, "logs", "StartQuery");
    const once = starts;
    const again = await fetch(`${server.url}/api/logs?start=2026-11-18T12:00:00Z`);
    await again.arrayBuffer();
    assert.equal(calls(server, logsSeq, "logs", "StartQuery"), once);
    assert.ok(starts > 0);
  });

  test("Cost Explorer: custom windows inside the same months share one fetch", async () => {
    const seq = server.sandbox!.ledger.lastSeq;
    let afterFirst = 0;
    for (const start of ["2026-10-03", "2026-10-05", "2026-10-11", "2026-10-20", "2026-10-28"]) {
      const res = await fetch(`${server.url}/api/costs?start=${start}T00:00:00Z&end=2026-11-15T00:00:00Z`);
      assert.equal(res.status, 200);
      const body = (await res.json()) as Panel<{ range: { start: string } }>;
      assert.equal(body.data?.range.start, `${start}T00:00:00.000Z`);
      if (afterFirst === 0) afterFirst = calls(server, seq, "ce");
    }
    // The first window buys the month-aligned queries (each page is a request); the other four
    // windows inside the same months buy nothing more.
    assert.ok(afterFirst > 0, "the first window asked Cost Explorer");
    assert.equal(calls(server, seq, "ce"), afterFirst, "later windows in the same months re-used it");
  });

  test("a panel is sent as ETagged bytes: brotli or gzip when accepted, 304 when unchanged", async () => {
    const plain = await fetch(`${server.url}/api/metrics?range=24h`, {
      headers: { "Accept-Encoding": "identity" },
    });
    const text = await plain.text();
    const etag = plain.headers.get("etag");
    assert.ok(etag && /^"[A-Za-z0-9_-]+"$/.test(etag));
    assert.equal(plain.headers.get("cache-control"), "no-cache");
    assert.equal(plain.headers.get("vary"), "Accept-Encoding");
    for (const [encoding, decode] of [
      ["br", brotliDecompressSync],
      ["gzip", gunzipSync],
    ] as const) {
      const res = await new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>(
        (resolve, reject) => {
          const url = new URL(`${server.url}/api/metrics?range=24h`);
          const req = createRequest(url, { "Accept-Encoding": encoding }, resolve);
          req.on("error", reject);
        },
      );
      assert.equal(res.status, 200);
      assert.equal(res.headers["content-encoding"], encoding);
      assert.equal(res.headers.etag, etag);
      assert.ok(res.body.length < Buffer.byteLength(text) / 3, `${encoding}: ${res.body.length} bytes`);
      assert.equal(decode(res.body).toString("utf8"), text);
    }
    const revalidated = await rawGet(server.url, "/api/metrics?range=24h", { "If-None-Match": etag });
    assert.equal(revalidated.status, 304);
    assert.equal(revalidated.body, "");
  });

  test("a port already in use fails at once with the port and the fix", async () => {
    const holder: Server = createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", () => resolve()));
    const port = (holder.address() as AddressInfo).port;
    try {
      await assert.rejects(
        startServer(parseConfig({ mode: "sandbox" }), { port, dataDir: ":memory:", now }),
        (err: Error) =>
          err instanceof StartError &&
          err.message.includes(`Port ${port} on 127.0.0.1 is already in use`) &&
          err.message.includes("--port"),
      );
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
  });
});

function createRequest(
  url: URL,
  headers: Record<string, string>,
  done: (r: { status: number; headers: Record<string, unknown>; body: Buffer }) => void,
) {
  const req = request(url, { headers }, (res) => {
    const chunks: Buffer[] = [];
    res.on("data", (c: Buffer) => chunks.push(c));
    res.on("end", () =>
      done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
    );
  });
  req.end();
  return req;
}

describe("sessions and the login throttle (with a token)", () => {
  const TOKEN = "s3ssion-t0ken-for-the-tests-42";
  let server: RunningServer;
  const log: string[] = [];

  before(async () => {
    offset = 0;
    server = await startServer(
      parseConfig({ mode: "sandbox", server: { token: `  ${TOKEN}\n`, trustProxy: "loopback" } }),
      { port: 0, dataDir: ":memory:", now, log: (line) => log.push(line) },
    );
  });

  after(async () => {
    await server.close();
  });

  const login = (token: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/api/login`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ token }),
    });

  test("the configured token is trimmed; each login gets its own random session; logout revokes it", async () => {
    const a = await login(TOKEN);
    const b = await login(`${TOKEN}\n`);
    assert.equal(a.status, 200);
    assert.equal(b.status, 200);
    const cookieA = (a.headers.get("set-cookie") ?? "").split(";")[0]!;
    const cookieB = (b.headers.get("set-cookie") ?? "").split(";")[0]!;
    assert.notEqual(cookieA, cookieB);
    assert.ok(!cookieA.includes(TOKEN));
    assert.match(a.headers.get("set-cookie") ?? "", /HttpOnly; SameSite=Strict; Path=\/; Max-Age=43200/);
    assert.doesNotMatch(a.headers.get("set-cookie") ?? "", /Secure/);
    assert.equal((await rawGet(server.url, "/api/usage", { Cookie: cookieA })).status, 200);
    const out = await fetch(`${server.url}/api/logout`, { method: "POST", headers: { Cookie: cookieA } });
    assert.equal(out.status, 200);
    assert.equal((await rawGet(server.url, "/api/usage", { Cookie: cookieA })).status, 401);
    assert.equal((await rawGet(server.url, "/api/usage", { Cookie: cookieB })).status, 200);
    assert.ok(log.some((l) => /^audit: login ok from /.test(l)));
  });

  test("a session expires after server.sessionHours", async () => {
    const res = await login(TOKEN);
    const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0]!;
    assert.equal((await rawGet(server.url, "/api/usage", { Cookie: cookie })).status, 200);
    offset += 12 * 3_600_000 + 1_000;
    assert.equal((await rawGet(server.url, "/api/usage", { Cookie: cookie })).status, 401);
  });

  test("behind a trusted TLS proxy the cookie is Secure", async () => {
    const res = await login(TOKEN, { "X-Forwarded-Proto": "https" });
    assert.match(res.headers.get("set-cookie") ?? "", /; Secure$/);
  });

  test("wrong tokens are throttled per client after five, with an audit line each, and the right one waits too", async () => {
    for (let i = 0; i < 5; i++) assert.equal((await login(`wrong-token-number-${i}-xxxxxxxx`)).status, 401);
    const throttled = await login("wrong-token-number-6-xxxxxxxx");
    assert.equal(throttled.status, 429);
    assert.ok(Number(throttled.headers.get("retry-after")) > 0);
    assert.equal((await login(TOKEN)).status, 429);
    assert.equal(log.filter((l) => /^audit: login failed from /.test(l)).length, 5);
    assert.ok(log.some((l) => /^audit: login throttled from /.test(l)));
    assert.ok(log.every((l) => !l.includes("wrong-token") && !l.includes(TOKEN)));
    offset += 61_000;
    assert.equal((await login(TOKEN)).status, 200);
  });
});
