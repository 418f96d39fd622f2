import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type AwsClients, createAwsClients, settingsFromConfig } from "../../server/aws/clients.ts";
import { parseConfig } from "../../server/config.ts";
import type { CheckRow } from "../../server/ops/doctor-checks.ts";
import { summarize } from "../../server/ops/doctor-checks.ts";
import { runDoctor } from "../../server/ops/doctor-run.ts";
import { PriceBook } from "../../server/pricing/prices.ts";
import { type RunningSandbox, sandboxCredentials, startSandbox } from "../../server/sandbox/index.ts";

const NOW = Date.UTC(2026, 10, 18, 15, 30);
const book = new PriceBook();
const prices = (id: string) => book.price(id, "us-east-1");

// The user's world with three typical mistakes: a function whose log group does not exist, Nova Lite
// called on demand where it needs a profile, Nova Pro through us. without access in us-west-2.
const config = parseConfig({
  mode: "aws",
  aws: { region: "us-east-1" },
  lambda: { functions: [{ name: "twin-api" }, { name: "twin-worker" }] },
  bedrock: {
    models: [
      { id: "amazon.nova-micro-v1:0", profile: "us" },
      { id: "amazon.nova-lite-v1:0" },
      { id: "amazon.nova-pro-v1:0", profile: "us" },
      { id: "amazon.nova-mikro-v1:0" },
    ],
  },
});

describe("doctor against the sandbox", () => {
  let sandbox: RunningSandbox;
  let clients: AwsClients;
  let rows: CheckRow[];
  const row = (id: string) => {
    const found = rows.find((r) => r.id === id);
    assert.ok(found, `no row ${id} in ${rows.map((r) => r.id).join(", ")}`);
    return found;
  };

  before(async () => {
    sandbox = await startSandbox({
      port: 0,
      now: () => NOW,
      functions: ["twin-api"],
      models: ["us.amazon.nova-micro-v1:0", "amazon.nova-lite-v1:0"],
      settings: {
        bedrock: {
          profileOnly: ["amazon.nova-lite-v1:0"],
          accessDenied: ["amazon.nova-pro-v1:0@us-west-2"],
          latencyScale: 0.01,
        },
      },
    });
    clients = createAwsClients(settingsFromConfig(config, sandboxCredentials(), sandbox.url));
    rows = await runDoctor(config, clients, { skipPaid: false, now: () => NOW, prices: prices });
  });
  after(async () => {
    clients.destroy();
    await sandbox.close();
  });

  it("passes credentials, permissions and the existing log group", () => {
    assert.equal(row("credentials").status, "pass");
    assert.match(row("credentials").detail, /account 123456789012/);
    for (const id of [
      "cloudwatch:ListMetrics",
      "cloudwatch:GetMetricData",
      "logs:DescribeLogGroups",
      "logs:StartQuery",
      "logs:GetQueryResults",
      "ce:GetCostAndUsage",
      "budgets:ViewBudget",
    ]) {
      assert.equal(row(`permission:${id}`).status, "pass", id);
    }
    assert.equal(row("log-group:/aws/lambda/twin-api").status, "pass");
    assert.equal(row("metrics:lambda:twin-api").status, "pass");
  });

  it("fails the missing log group and warns that its function has no metrics", () => {
    assert.equal(row("log-group:/aws/lambda/twin-worker").status, "fail");
    assert.equal(row("metrics:lambda:twin-worker").status, "warn");
  });

  it("passes a model through its profile and shows the call's cost", () => {
    const micro = row("model:us.amazon.nova-micro-v1:0");
    assert.equal(micro.status, "pass", micro.detail);
    assert.match(micro.detail, /Converse answered in \d+ ms, \d+\+1 tokens, cost \$0\.\d{8}/);
  });

  it("suggests the us. profile for a model that needs one", () => {
    const lite = row("model:amazon.nova-lite-v1:0");
    assert.equal(lite.status, "fail");
    assert.match(
      lite.detail,
      /^ValidationException: Invocation of model ID amazon\.nova-lite-v1:0 with on-demand throughput/,
    );
    assert.match(lite.fix!, /use us\.amazon\.nova-lite-v1:0/);
  });

  it("names every region of the us. profile for a model without access", () => {
    const pro = row("model:us.amazon.nova-pro-v1:0");
    assert.equal(pro.status, "fail");
    assert.match(pro.detail, /^AccessDeniedException/);
    assert.match(pro.fix!, /us-east-1, us-east-2, us-west-2/);
  });

  it("suggests the nearest valid ID for a mistyped one", () => {
    const typo = row("model:amazon.nova-mikro-v1:0");
    assert.equal(typo.status, "fail");
    assert.match(typo.fix!, /did you mean amazon\.nova-micro-v1:0\?/);
  });

  it("exits non-zero", () => {
    assert.equal(summarize(rows).exitCode, 1);
  });

  it("makes no Converse or Cost Explorer call with --skip-bedrock, and reports throttling as a warning", async () => {
    // Prepare
    const since = sandbox.ledger.lastSeq;
    // Act
    const skipped = await runDoctor(config, clients, {
      skipPaid: true,
      now: () => NOW,
      prices: prices,
    });
    // Assess
    const paid = sandbox.ledger
      .list({ sinceSeq: since })
      .filter((e) => e.service === "bedrock" || e.service === "ce");
    assert.deepEqual(paid, []);
    assert.ok(skipped.some((r) => r.id === "permission:bedrock:InvokeModel" && r.status === "warn"));

    // Prepare: every Converse throttled
    sandbox.faults.set([{ service: "bedrock", operation: "Converse", kind: "throttle", probability: 1 }]);
    const one = parseConfig({
      mode: "aws",
      bedrock: { models: [{ id: "amazon.nova-micro-v1:0", profile: "us" }] },
    });
    try {
      const throttled = await runDoctor(one, clients, {
        skipPaid: false,
        now: () => NOW,
        prices: prices,
      });
      const micro = throttled.find((r) => r.id === "model:us.amazon.nova-micro-v1:0")!;
      assert.equal(micro.status, "warn", micro.detail);
      assert.match(micro.detail, /^ThrottlingException/);
    } finally {
      sandbox.faults.set([]);
    }
  });
});
