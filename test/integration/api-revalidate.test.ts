/**
 * Every panel the page requests is revalidated, not re-sent (issue #14): /api/quotas, /api/alarms,
 * /api/attribution and the bench routes answer with an ETag and `Cache-Control: no-cache`, a
 * second identical request with that ETag in If-None-Match gets 304 with no body, the JSON is
 * compressed when the client accepts br or gzip, and the ETag changes when the answer does (a
 * forced metrics refresh, new alarms, a new or finished bench run). The quotas figures are the
 * ones the code before this change returned for the same sandbox range (fixture).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { after, before, describe, test } from "node:test";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { appServices } from "../../server/api/app.ts";
import type { AlarmsData, BenchRunSummary, Panel, QuotasData } from "../../server/api/contract.ts";
import { quotasPanel } from "../../server/api/quotas.ts";
import { type RunningServer, startServer } from "../../server/api/server.ts";
import { createAwsClients, settingsFromConfig } from "../../server/aws/clients.ts";
import { BenchStore } from "../../server/bench/store.ts";
import { parseConfig } from "../../server/config.ts";
import { alarmsSetup } from "../../server/ops/alarms-apply.ts";
import { sandboxCredentials } from "../../server/sandbox/index.ts";
import type { Store } from "../../server/store/index.ts";

const START = Date.parse("2026-11-18T15:30:00.000Z");
const OLD = JSON.parse(
  readFileSync(new URL("../fixtures/quotas/old-code-3h-nova-pro.json", import.meta.url), "utf8"),
) as { range: unknown; periodSeconds: number; models: string[]; novaPro: unknown };

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A GET with exactly these headers, the body as sent on the wire (not decompressed). */
function get(url: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

/**
 * The common contract: ETag + no-cache, 304 with the ETag, the same bytes brotli- and
 * gzip-compressed when accepted (for bodies of 1 KB and more). Returns the identity answer.
 */
async function revalidates(
  url: string,
  path: string,
  large = false,
): Promise<{ etag: string; text: string }> {
  const plain = await get(url, path, { "Accept-Encoding": "identity" });
  assert.equal(plain.status, 200, `${path}: ${plain.body.toString()}`);
  const etag = String(plain.headers.etag ?? "");
  assert.match(etag, /^"[A-Za-z0-9_-]{27}"$/, `${path}: ETag`);
  assert.equal(plain.headers["cache-control"], "no-cache", path);
  assert.equal(plain.headers["content-encoding"], undefined, path);
  const text = plain.body.toString("utf8");
  if (large)
    assert.ok(plain.body.length >= 1024, `${path}: ${plain.body.length} bytes, expected a body to compress`);
  const again = await get(url, path, { "If-None-Match": etag });
  assert.equal(again.status, 304, `${path}: revalidation`);
  assert.equal(again.body.length, 0);
  assert.equal(again.headers.etag, etag);
  if (plain.body.length >= 1024)
    for (const [encoding, decode] of [
      ["br", brotliDecompressSync],
      ["gzip", gunzipSync],
    ] as const) {
      const packed = await get(url, path, { "Accept-Encoding": `${encoding}, identity;q=0.5` });
      assert.equal(packed.status, 200);
      assert.equal(packed.headers["content-encoding"], encoding, `${path}: ${encoding}`);
      assert.equal(packed.headers.etag, etag, `${path}: one ETag for every encoding`);
      assert.ok(
        packed.body.length < plain.body.length / 2,
        `${path} ${encoding}: ${packed.body.length} bytes`,
      );
      assert.equal(decode(packed.body).toString("utf8"), text);
    }
  return { etag, text };
}

describe("revalidated panels against the sandbox", () => {
  let server: RunningServer;
  let store: Store | undefined;
  let offset = 0;
  const now = () => new Date(START + offset);
  const config = parseConfig({ mode: "sandbox", alarms: { emails: ["ops@example.com"] } });
  const services = () =>
    appServices(server.server.listeners("request")[0] as Parameters<typeof appServices>[0]);

  before(async () => {
    server = await startServer(config, {
      port: 0,
      dataDir: ":memory:",
      now,
      routers: (deps) => {
        store = deps.store;
        return [];
      },
    });
  });
  after(async () => {
    await server.close();
  });

  test("/api/quotas: same figures as before, compressed, 304 when unchanged, new ETag after a metrics refresh", async () => {
    const first = await revalidates(server.url, "/api/quotas?range=3h", true);
    const panel = JSON.parse(first.text) as Panel<QuotasData>;
    const data = panel.data!;
    assert.deepEqual(data.range, OLD.range);
    assert.equal(data.periodSeconds, OLD.periodSeconds);
    assert.deepEqual(
      data.models.map((m) => m.modelId),
      OLD.models,
    );
    const pro = data.models.find((m) => m.modelId === "amazon.nova-pro-v1:0")!;
    // Peak, p95, hot minutes, throttles, sentence and every per-minute point, as the old code had them.
    assert.deepEqual(pro, OLD.novaPro);
    assert.equal(pro.tokens.peak, 766_261);
    assert.equal(pro.series.tokens.length, 180);
    // The derived data is one object per inputs: computed once, serialised once.
    const deps = { ...services(), config };
    const q = { range: { kind: "preset" as const, preset: "3h" as const }, functions: [], models: [] };
    const a = await quotasPanel(deps, q);
    const b = await quotasPanel(deps, q);
    assert.ok(a.data !== null && a.data === b.data, "the same data object for the same inputs");

    // A forced metrics refresh 30 s later: a new fetch, so a new asOf and a new ETag.
    offset += 30_000;
    const refreshed = await fetch(`${server.url}/api/refresh/metrics?range=3h`, { method: "POST" });
    assert.equal(refreshed.status, 200, await refreshed.clone().text());
    const after = await get(server.url, "/api/quotas?range=3h", { "If-None-Match": first.etag });
    assert.equal(after.status, 200, "the old ETag no longer matches");
    assert.notEqual(after.headers.etag, first.etag);
    const newer = JSON.parse(after.body.toString("utf8")) as Panel<QuotasData>;
    assert.notEqual(newer.asOf, panel.asOf);
    offset = 0;
  });

  test("/api/alarms: 304 when unchanged, new ETag once alarms exist, compressed", async () => {
    offset = 0;
    const empty = await revalidates(server.url, "/api/alarms");
    assert.equal((JSON.parse(empty.text) as Panel<AlarmsData>).data!.alarms.length, 0);
    const clients = createAwsClients(settingsFromConfig(config, sandboxCredentials(), server.sandbox!.url));
    try {
      await alarmsSetup(clients, config, { dryRun: false });
    } finally {
      clients.destroy();
    }
    // Past the alarms' 60 s TTL: the next request refetches (the cache may answer the old entry
    // while it does); once settled, the answer is the new one.
    offset += 61_000;
    await get(server.url, "/api/alarms");
    await services().cache.settle();
    const full = await revalidates(server.url, "/api/alarms", true);
    assert.notEqual(full.etag, empty.etag);
    const data = (JSON.parse(full.text) as Panel<AlarmsData>).data!;
    assert.equal(data.alarms.length, 11);
    offset = 0;
  });

  test("/api/attribution: the same data object and bytes for an unchanged answer, 304 on revalidation", async () => {
    const path = "/api/attribution?by=profile&range=24h";
    const first = await revalidates(server.url, path, true);
    const again = await get(server.url, path, { "Accept-Encoding": "identity" });
    assert.equal(again.headers.etag, first.etag);
    assert.equal(again.body.toString("utf8"), first.text);
    const dashboard = services().dashboard;
    const q = { range: { kind: "preset" as const, preset: "24h" as const } };
    const a = await dashboard.attributionPanel({ kind: "profile" }, q);
    const b = await dashboard.attributionPanel({ kind: "profile" }, q);
    assert.ok(a.data !== null && a.data === b.data, "built once per inputs, not per request");
  });

  test("bench routes: 304 when unchanged; a new run and its finish change the ETags", async () => {
    const schedules = await revalidates(server.url, "/api/bench/schedules");
    assert.deepEqual(JSON.parse(schedules.text), { schedules: [], missed: [] });
    const none = await revalidates(server.url, "/api/bench/runs");
    assert.deepEqual(JSON.parse(none.text), []);

    const bench = new BenchStore(store!);
    const id = await bench.createRun("twin", ["amazon.nova-lite-v1:0"], { seed: 1 }, new Date(START));
    const running = await revalidates(server.url, "/api/bench/runs");
    assert.notEqual(running.etag, none.etag, "a new run changes the list's ETag");
    const runs = JSON.parse(running.text) as BenchRunSummary[];
    assert.deepEqual(
      runs.map((r) => [r.id, r.status]),
      [[id, "running"]],
    );
    const detail = await revalidates(server.url, `/api/bench/runs/${id}`);

    await bench.finishRun(id, "complete", new Date(START + 300_000), null);
    const listAfter = await get(server.url, "/api/bench/runs", { "If-None-Match": running.etag });
    assert.equal(listAfter.status, 200, "a finished run is not served from the old ETag");
    assert.equal((JSON.parse(listAfter.body.toString("utf8")) as BenchRunSummary[])[0]!.status, "complete");
    const detailAfter = await get(server.url, `/api/bench/runs/${id}`, { "If-None-Match": detail.etag });
    assert.equal(detailAfter.status, 200);
    assert.notEqual(detailAfter.headers.etag, detail.etag);
    const missing = await get(server.url, "/api/bench/runs/nope-123");
    assert.equal(missing.status, 404);

    // A history of runs: the list is large enough to be sent compressed, with the same ETag.
    for (let i = 1; i <= 8; i++) {
      const more = await bench.createRun(
        "twin",
        ["amazon.nova-lite-v1:0"],
        { seed: i },
        new Date(START + i * 3_600_000),
      );
      await bench.finishRun(more, "complete", new Date(START + i * 3_600_000 + 300_000), null);
    }
    const history = await revalidates(server.url, "/api/bench/runs", true);
    assert.equal((JSON.parse(history.text) as BenchRunSummary[]).length, 9);
  });
});
