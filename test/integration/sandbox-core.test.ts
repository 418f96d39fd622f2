import assert from "node:assert/strict";
import http2 from "node:http2";
import { after, before, describe, it } from "node:test";
import { CloudWatchClient, ListMetricsCommand } from "@aws-sdk/client-cloudwatch";
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { type RunningSandbox, sandboxCredentials, startSandbox } from "../../server/sandbox/index.ts";

function h2Get(url: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(url);
    session.on("error", reject);
    const req = session.request({ ":method": "GET", ":path": path });
    let status = 0;
    let body = "";
    req.on("response", (headers) => {
      status = Number(headers[":status"]);
    });
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      body += chunk;
    });
    req.on("end", () => {
      session.close();
      resolve({ status, body });
    });
    req.on("error", reject);
    req.end();
  });
}

describe("sandbox core", () => {
  let sandbox: RunningSandbox;
  before(async () => {
    sandbox = await startSandbox({ port: 0, seed: 3 });
  });
  after(async () => {
    await sandbox.close();
  });

  it("answers health over HTTP/1.1 and HTTP/2 cleartext on the same port", async () => {
    const h1 = (await (await fetch(`${sandbox.url}/_sandbox/health`)).json()) as {
      status: string;
      seed: number;
      services: string[];
    };
    assert.equal(h1.status, "ok");
    assert.equal(h1.seed, 3);
    assert.deepEqual(h1.services, [
      "cloudwatch",
      "logs",
      "ce",
      "budgets",
      "bedrock",
      "bedrock-control",
      "sts",
      "sns",
      "lambda",
      "servicequotas",
      "oam",
    ]);
    const h2 = await h2Get(sandbox.url, "/_sandbox/health");
    assert.equal(h2.status, 200);
    assert.equal((JSON.parse(h2.body) as { status: string }).status, "ok");
  });

  it("answers an unknown X-Amz-Target with AWS's UnknownOperationException shape", async () => {
    const res = await fetch(sandbox.url, {
      method: "POST",
      headers: {
        "x-amz-target": "NoSuchService_20990101.DoThing",
        "content-type": "application/x-amz-json-1.1",
      },
      body: "{}",
    });
    assert.equal(res.status, 400);
    assert.match(res.headers.get("x-amzn-errortype") ?? "", /^UnknownOperationException/);
    const body = (await res.json()) as { __type: string };
    assert.equal(body.__type, "UnknownOperationException");
  });

  it("injects faults per service and operation, records every call in the ledger, and resets", async () => {
    const logs = new CloudWatchLogsClient({
      region: "us-east-1",
      endpoint: sandbox.url,
      credentials: sandboxCredentials(),
      maxAttempts: 1,
    });
    const cw = new CloudWatchClient({
      region: "us-east-1",
      endpoint: sandbox.url,
      credentials: sandboxCredentials(),
      maxAttempts: 1,
    });
    const set = await fetch(`${sandbox.url}/_sandbox/faults`, {
      method: "POST",
      body: JSON.stringify({
        faults: [{ service: "logs", operation: "DescribeLogGroups", kind: "throttle", probability: 1 }],
      }),
    });
    assert.equal(set.status, 200);
    await assert.rejects(
      logs.send(new DescribeLogGroupsCommand({})),
      (err: Error) => err.name === "ThrottlingException",
    );
    await cw.send(new ListMetricsCommand({ Namespace: "AWS/Lambda" }));
    const ledger = (await (await fetch(`${sandbox.url}/_sandbox/requests`)).json()) as {
      requests: Array<{ service: string; operation: string; status: number; errorCode?: string }>;
    };
    const mine = ledger.requests.map((r) => `${r.service}:${r.operation}:${r.status}:${r.errorCode ?? ""}`);
    assert.ok(mine.includes("logs:DescribeLogGroups:400:ThrottlingException"), mine.join(","));
    assert.ok(mine.includes("cloudwatch:ListMetrics:200:"), mine.join(","));
    const bad = await fetch(`${sandbox.url}/_sandbox/faults`, {
      method: "POST",
      body: JSON.stringify({ faults: [{ service: "ce", kind: "explode" }] }),
    });
    assert.equal(bad.status, 400);
    assert.match(
      ((await bad.json()) as { error: { message: string } }).error.message,
      /faults\[0\]\.kind must be one of/,
    );
    await fetch(`${sandbox.url}/_sandbox/reset`, { method: "POST" });
    await logs.send(new DescribeLogGroupsCommand({}));
    assert.deepEqual(
      sandbox.ledger.list().map((e) => e.operation),
      ["DescribeLogGroups"],
    );
    logs.destroy();
    cw.destroy();
  });
});

describe("sandbox fault schedules", () => {
  it("fires on every Nth call after the first N, at most N times, as configured", async () => {
    const sandbox = await startSandbox({
      port: 0,
      faults: [
        {
          service: "logs",
          operation: "DescribeLogGroups",
          kind: "throttle",
          probability: 1,
          after: 1,
          every: 2,
          times: 2,
        },
      ],
    });
    const logs = new CloudWatchLogsClient({
      region: "us-east-1",
      endpoint: sandbox.url,
      credentials: sandboxCredentials(),
      maxAttempts: 1,
    });
    const outcomes: string[] = [];
    for (let i = 0; i < 8; i++) {
      outcomes.push(
        await logs.send(new DescribeLogGroupsCommand({})).then(
          () => "ok",
          (err: Error) => err.name,
        ),
      );
    }
    logs.destroy();
    await sandbox.close();
    // Calls 1..8: skip the first, then every 2nd (calls 3 and 5), then stop after two hits.
    assert.deepEqual(outcomes, [
      "ok",
      "ok",
      "ThrottlingException",
      "ok",
      "ThrottlingException",
      "ok",
      "ok",
      "ok",
    ]);
  });
});
