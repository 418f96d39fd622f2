/**
 * An AWS endpoint that accepts connections and never answers (a black hole): every panel still
 * answers — an error naming the timeout, or its stale data — and later requests do not queue
 * behind the hung one; doctor's probes each end at their own deadline. Real SDK clients, real
 * sockets; no assertion on how long anything took.
 */
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { createServer, type Server } from "node:net";
import { after, before, describe, test } from "node:test";
import { ConverseCommand } from "@aws-sdk/client-bedrock-runtime";
import { GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { createApp } from "../../server/api/app.ts";
import type { Panel } from "../../server/api/contract.ts";
import { createAwsClients } from "../../server/aws/clients.ts";
import { parseConfig } from "../../server/config.ts";
import { attempt } from "../../server/ops/probe.ts";
import { sandboxCredentials } from "../../server/sandbox/index.ts";
import { memoryStore } from "../../server/store/index.ts";

describe("a black-hole AWS endpoint", () => {
  let hole: Server;
  let endpoint: string;
  let api: import("node:http").Server;
  let base: string;
  const sockets = new Set<import("node:net").Socket>();

  before(async () => {
    hole = createServer((socket) => {
      sockets.add(socket);
      socket.on("error", () => undefined);
      socket.on("close", () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => hole.listen(0, "127.0.0.1", () => resolve()));
    endpoint = `http://127.0.0.1:${(hole.address() as AddressInfo).port}`;
    const config = parseConfig({
      mode: "aws",
      aws: {
        endpoint,
        accountId: "123456789012",
        connectTimeoutMs: 200,
        requestTimeoutMs: 600,
        maxAttempts: 2,
      },
      cache: { waitSeconds: 1 },
    });
    const clients = createAwsClients({
      region: "us-east-1",
      endpoint,
      credentials: sandboxCredentials(),
      maxAttempts: 2,
      retryMode: "standard",
      connectTimeoutMs: 200,
      requestTimeoutMs: 600,
    });
    const app = createApp({ config, clients, mode: "aws", store: await memoryStore() });
    api = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => api.once("listening", resolve));
    base = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  });

  after(async () => {
    await new Promise<void>((resolve) => api.close(() => resolve()));
    api.closeAllConnections();
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => hole.close(() => resolve()));
  });

  test("each panel answers with an error instead of hanging, and a second request does not queue behind the first", async () => {
    const [metrics, logs, costs, budgets] = await Promise.all(
      ["/api/metrics?range=1h", "/api/logs?range=1h", "/api/costs", "/api/budgets"].map(async (path) => {
        const res = await fetch(`${base}${path}`);
        return { path, status: res.status, body: (await res.json()) as Panel<unknown> };
      }),
    );
    for (const r of [metrics!, logs!, costs!, budgets!]) {
      assert.equal(r.status, 200, r.path);
      assert.equal(r.body.data, null, r.path);
      assert.ok(r.body.error, r.path);
      assert.match(r.body.error.code, /SourceTimeout|TimeoutError/, `${r.path}: ${r.body.error.code}`);
    }
    const again = await fetch(`${base}/api/overview?range=1h`);
    assert.equal(again.status, 200);
    assert.ok(((await again.json()) as Panel<unknown>).error);
    assert.equal((await fetch(`${base}/api/health`)).status, 200);
  });

  test("the SDK clients give up with a TimeoutError (HTTP/1.1 and the Bedrock HTTP/2 handler)", async () => {
    const clients = createAwsClients({
      region: "us-east-1",
      endpoint,
      credentials: sandboxCredentials(),
      maxAttempts: 1,
      retryMode: "standard",
      connectTimeoutMs: 200,
      requestTimeoutMs: 400,
    });
    try {
      await assert.rejects(
        clients.cloudwatch().send(
          new GetMetricDataCommand({
            StartTime: new Date(0),
            EndTime: new Date(60_000),
            MetricDataQueries: [],
          }),
        ),
        (err: Error) => err.name === "TimeoutError",
      );
      await assert.rejects(
        clients.bedrock().send(
          new ConverseCommand({
            modelId: "amazon.nova-micro-v1:0",
            messages: [{ role: "user", content: [{ text: "hi" }] }],
          }),
        ),
        (err: Error) => /Timeout|timed out|ECONNRESET|GOAWAY|closed/i.test(`${err.name} ${err.message}`),
      );
    } finally {
      clients.destroy();
    }
  });

  test("a doctor probe ends at its own deadline", async () => {
    const outcome = await attempt(() => new Promise<never>(() => undefined), 50);
    assert.equal(outcome.ok, false);
    assert.equal(outcome.ok ? "" : outcome.error.name, "TimeoutError");
    assert.match(outcome.ok ? "" : outcome.error.message, /no answer within/);
  });
});
