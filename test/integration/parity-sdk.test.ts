/**
 * Parity with our own SDK in the situations the product reaches and the tests otherwise do not:
 * CloudWatch over awsJson 1.0, awsQuery and Smithy RPC v2 CBOR from one set of handlers,
 * gzip-compressed PutMetricData (the SDK compresses bodies of 10,240 bytes or more), the bench
 * publisher's 1,000-datum calls, a hand-signed CBOR request, deflate bodies and the size limit.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { deflateSync, gzipSync } from "node:zlib";
import {
  DeleteDashboardsCommand,
  GetDashboardCommand,
  GetMetricDataCommand,
  GetMetricStatisticsCommand,
  InvalidParameterValueException,
  ListDashboardsCommand,
  ListMetricsCommand,
  PutDashboardCommand,
  PutMetricDataCommand,
  ResourceNotFound,
} from "@aws-sdk/client-cloudwatch";
import { cbor } from "@smithy/core/cbor";
import { Sha256 } from "@smithy/core/checksum";
import { SignatureV4 } from "@smithy/signature-v4";
import type { BenchModelStats } from "../../server/api/contract.ts";
import { createAwsClients } from "../../server/aws/clients.ts";
import { publishRun } from "../../server/bench/publish.ts";
import { type RunningSandbox, sandboxCredentials, startSandbox } from "../../server/sandbox/index.ts";
import { type CloudWatchWire, cloudWatchOver } from "../parity/sdk-protocols.ts";

const NOW = Date.UTC(2026, 10, 18, 15, 30);
const WIRES: CloudWatchWire[] = ["awsJson1_0", "awsQuery", "smithyRpcV2Cbor"];

function datums(n: number, metric: string) {
  return Array.from({ length: n }, (_, i) => ({
    MetricName: metric,
    Dimensions: [{ Name: "Shard", Value: `shard-${String(i).padStart(4, "0")}` }],
    Value: i + 0.5,
    Unit: "Milliseconds" as const,
    Timestamp: new Date(NOW - 60_000),
  }));
}

function percentiles(v: number) {
  return { mean: v, p50: v, p90: v, p95: v, p99: v, p90Ci: [v, v] as [number, number] };
}

describe("parity: our SDK against the sandbox's CloudWatch over every protocol", () => {
  let sandbox: RunningSandbox;
  before(async () => {
    sandbox = await startSandbox({ port: 0, now: () => NOW });
  });
  after(async () => {
    await sandbox.close();
  });

  for (const wire of WIRES) {
    it(`${wire}: the same handlers answer metrics, dashboards and typed errors`, async () => {
      const cw = cloudWatchOver(wire, sandbox.url);
      const since = sandbox.ledger.lastSeq;
      try {
        // Act
        await cw.send(
          new PutMetricDataCommand({ Namespace: `Parity/${wire}`, MetricData: datums(3, "Latency") }),
        );
        const listed = await cw.send(new ListMetricsCommand({ Namespace: `Parity/${wire}` }));
        const stats = await cw.send(
          new GetMetricStatisticsCommand({
            Namespace: `Parity/${wire}`,
            MetricName: "Latency",
            Dimensions: [{ Name: "Shard", Value: "shard-0002" }],
            StartTime: new Date(NOW - 3_600_000),
            EndTime: new Date(NOW),
            Period: 60,
            Statistics: ["Sum", "SampleCount"],
          }),
        );
        const data = await cw.send(
          new GetMetricDataCommand({
            StartTime: new Date(NOW - 3_600_000),
            EndTime: new Date(NOW),
            MetricDataQueries: [
              {
                Id: "inv",
                MetricStat: {
                  Metric: {
                    Namespace: "AWS/Lambda",
                    MetricName: "Invocations",
                    Dimensions: [{ Name: "FunctionName", Value: "twin-api" }],
                  },
                  Period: 300,
                  Stat: "Sum",
                },
                ReturnData: false,
              },
              { Id: "perMinute", Expression: "inv/5", Label: "Invocations per minute" },
            ],
          }),
        );
        const body = JSON.stringify({
          widgets: [{ type: "text", x: 0, y: 0, width: 6, height: 3, properties: { markdown: "hi" } }],
        });
        await cw.send(new PutDashboardCommand({ DashboardName: `parity-${wire}`, DashboardBody: body }));
        const dashboard = await cw.send(new GetDashboardCommand({ DashboardName: `parity-${wire}` }));
        const dashboards = await cw.send(
          new ListDashboardsCommand({ DashboardNamePrefix: `parity-${wire}` }),
        );
        await cw.send(new DeleteDashboardsCommand({ DashboardNames: [`parity-${wire}`] }));
        // Assess
        assert.deepEqual((listed.Metrics ?? []).map((m) => m.Dimensions?.[0]?.Value).sort(), [
          "shard-0000",
          "shard-0001",
          "shard-0002",
        ]);
        assert.deepEqual(
          stats.Datapoints?.map((p) => [p.Timestamp?.toISOString(), p.Sum, p.SampleCount, p.Unit]),
          [[new Date(NOW - 60_000).toISOString(), 2.5, 1, "Milliseconds"]],
        );
        assert.deepEqual(
          data.MetricDataResults?.map((r) => r.Id),
          ["perMinute"],
        );
        const perMinute = data.MetricDataResults?.[0];
        assert.equal(perMinute?.Label, "Invocations per minute");
        assert.equal(perMinute?.StatusCode, "Complete");
        assert.equal(perMinute?.Timestamps?.length, 12);
        assert.ok(perMinute?.Timestamps?.every((t) => t instanceof Date && t.getTime() % 300_000 === 0));
        assert.equal(perMinute?.Values?.length, 12);
        assert.equal(dashboard.DashboardBody, body);
        assert.equal(dashboards.DashboardEntries?.[0]?.DashboardName, `parity-${wire}`);
        assert.ok(dashboards.DashboardEntries?.[0]?.LastModified instanceof Date);
        assert.equal(typeof dashboards.DashboardEntries?.[0]?.Size, "number");
        await assert.rejects(
          cw.send(
            new GetMetricStatisticsCommand({
              Namespace: "AWS/Lambda",
              MetricName: "Invocations",
              StartTime: new Date(NOW),
              EndTime: new Date(NOW - 3_600_000),
              Period: 60,
              Statistics: ["Sum"],
            }),
          ),
          (e: unknown) => e instanceof InvalidParameterValueException && e.$metadata.httpStatusCode === 400,
        );
        await assert.rejects(
          cw.send(new GetDashboardCommand({ DashboardName: "no-such-dashboard" })),
          (e: unknown) => e instanceof ResourceNotFound || (e as Error).name === "DashboardNotFoundError",
        );
        const protocols = new Set(
          sandbox.ledger.list({ service: "cloudwatch", sinceSeq: since }).map((e) => e.protocol),
        );
        assert.deepEqual([...protocols], [wire]);
      } finally {
        cw.destroy();
      }
    });
  }

  it("accepts a 520-datum PutMetricData the SDK gzips, and counts every datum", async () => {
    const cw = cloudWatchOver("awsJson1_0", sandbox.url);
    const since = sandbox.ledger.lastSeq;
    try {
      await cw.send(new PutMetricDataCommand({ Namespace: "Parity/Gzip", MetricData: datums(520, "Big") }));
      const pages = [];
      let token: string | undefined;
      do {
        const page = await cw.send(new ListMetricsCommand({ Namespace: "Parity/Gzip", NextToken: token }));
        pages.push(...(page.Metrics ?? []));
        token = page.NextToken;
      } while (token);
      const put = sandbox.ledger.list({ operation: "PutMetricData", sinceSeq: since });
      assert.deepEqual(
        put.map((e) => [e.status, e.contentEncoding]),
        [[200, "gzip"]],
      );
      assert.equal(pages.length, 520);
    } finally {
      cw.destroy();
    }
  });

  it("takes the bench publisher's 1,000-datum calls (1,100 datums in two calls)", async () => {
    const clients = createAwsClients({
      region: "us-east-1",
      endpoint: sandbox.url,
      credentials: sandboxCredentials(),
      maxAttempts: 1,
      retryMode: "standard",
    });
    const since = sandbox.ledger.lastSeq;
    try {
      const stats: BenchModelStats[] = Array.from({ length: 110 }, (_, i) => ({
        modelId: `model-${i}`,
        count: 10,
        errorRate: 0,
        throttleRate: 0,
        ttftMs: percentiles(100 + i),
        endToEndMs: percentiles(500 + i),
        interTokenMs: percentiles(10),
        outputTokensPerSecond: 80,
        qualityPassRate: 1,
        costPerRequestUsd: 0.001,
        costPer1kRequestsUsd: 1,
      }));
      const sent = await publishRun(clients, "Parity/Bench", "big", stats, new Date(NOW - 60_000));
      const put = sandbox.ledger.list({ operation: "PutMetricData", sinceSeq: since });
      assert.equal(sent, 1100);
      assert.deepEqual(
        put.map((e) => [e.status, e.contentEncoding]),
        [
          [200, "gzip"],
          [200, "gzip"],
        ],
      );
    } finally {
      clients.destroy();
    }
  });

  it("answers a hand-built, SigV4-signed Smithy RPC v2 CBOR request with CBOR", async () => {
    const signer = new SignatureV4({
      credentials: sandboxCredentials(),
      region: "us-east-1",
      service: "monitoring",
      sha256: Sha256,
    });
    const url = new URL(sandbox.url);
    const body = cbor.serialize({ Namespace: "AWS/Bedrock", MetricName: "Invocations" });
    const signed = await signer.sign({
      method: "POST",
      protocol: "http:",
      hostname: url.hostname,
      port: Number(url.port),
      path: "/service/GraniteServiceVersion20100801/operation/ListMetrics",
      headers: {
        host: url.host,
        "content-type": "application/cbor",
        accept: "application/cbor",
        "smithy-protocol": "rpc-v2-cbor",
      },
      body,
    });
    const res = await fetch(`${sandbox.url}${signed.path}`, {
      method: "POST",
      headers: signed.headers,
      body: Buffer.from(body),
    });
    const out = cbor.deserialize(new Uint8Array(await res.arrayBuffer())) as {
      Metrics: { MetricName: string; Dimensions: { Name: string; Value: string }[] }[];
    };
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("smithy-protocol"), "rpc-v2-cbor");
    assert.equal(res.headers.get("content-type"), "application/cbor");
    assert.ok(out.Metrics.length > 0);
    assert.ok(out.Metrics.every((m) => m.MetricName === "Invocations"));
    assert.ok(out.Metrics.some((m) => m.Dimensions.some((d) => d.Value === "amazon.nova-micro-v1:0")));
  });

  it("reads a gzip-compressed CBOR body and answers CBOR errors with __type and x-amzn-query-error", async () => {
    const body = cbor.serialize({ Namespace: "Parity/Cbor", MetricData: [] });
    const res = await fetch(`${sandbox.url}/service/GraniteServiceVersion20100801/operation/PutMetricData`, {
      method: "POST",
      headers: {
        "smithy-protocol": "rpc-v2-cbor",
        "content-type": "application/cbor",
        "content-encoding": "gzip",
      },
      body: gzipSync(body),
    });
    const out = cbor.deserialize(new Uint8Array(await res.arrayBuffer())) as {
      __type: string;
      message: string;
    };
    assert.equal(res.status, 400);
    assert.equal(out.__type, "com.amazonaws.cloudwatch#MissingRequiredParameterException");
    assert.equal(out.message, "The parameter MetricData is required.");
    assert.equal(res.headers.get("x-amzn-query-error"), "MissingParameter;Sender");
  });

  it("reads deflate bodies, and answers 413 RequestEntityTooLarge past 1 MB decompressed, in the caller's protocol", async () => {
    const json = JSON.stringify({ Namespace: "Parity/Deflate", MetricData: datums(2, "D") });
    const ok = await fetch(sandbox.url, {
      method: "POST",
      headers: {
        "x-amz-target": "GraniteServiceVersion20100801.PutMetricData",
        "content-type": "application/x-amz-json-1.0",
        "content-encoding": "deflate",
      },
      body: deflateSync(json),
    });
    assert.equal(ok.status, 200);
    // 1,000 datums with long dimension values: about 1.3 MB of form, a few KB gzipped.
    const form = new URLSearchParams({
      Action: "PutMetricData",
      Version: "2010-08-01",
      Namespace: "Parity/Big",
    });
    for (let i = 1; i <= 1000; i++) {
      form.set(`MetricData.member.${i}.MetricName`, "Big");
      form.set(`MetricData.member.${i}.Value`, "1");
      form.set(`MetricData.member.${i}.Dimensions.member.1.Name`, "Pad");
      form.set(`MetricData.member.${i}.Dimensions.member.1.Value`, "x".repeat(1024));
    }
    const raw = Buffer.from(form.toString());
    const big = await fetch(sandbox.url, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded; charset=utf-8",
        "content-encoding": "gzip",
      },
      body: gzipSync(raw),
    });
    const text = await big.text();
    assert.equal(big.status, 413);
    assert.match(
      text,
      new RegExp(
        `<Code>RequestEntityTooLarge</Code><Message>Request size ${raw.length} exceeded 1048576 bytes</Message>`,
      ),
    );
  });
});
