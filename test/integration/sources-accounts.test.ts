/**
 * Linked source accounts (config aws.accounts; CloudWatch cross-account observability): their
 * series travel in the monitoring account's one GetMetricData call with AccountId per query, and
 * each account's totals equal that account's own workload in the sandbox (a monitoring account
 * with two linked source accounts).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import {
  CloudWatchClient,
  GetMetricDataCommand,
  type GetMetricDataCommandInput,
} from "@aws-sdk/client-cloudwatch";
import { createAwsClients } from "../../server/aws/clients.ts";
import { parseConfig } from "../../server/config.ts";
import {
  type RunningSandbox,
  SANDBOX_ACCOUNT_ID,
  SANDBOX_LINKED_ACCOUNTS,
  SANDBOX_SECOND_REGION,
  sandboxCredentials,
  startSandbox,
} from "../../server/sandbox/index.ts";
import { invocationEnd, type Workload } from "../../server/sandbox/workload/model.ts";
import { fetchMetrics } from "../../server/sources/metrics.ts";

const NOW = Date.parse("2026-11-18T15:30:00.000Z");
const [PROD, STAGING] = SANDBOX_LINKED_ACCOUNTS;

describe("metrics of linked source accounts", () => {
  let sandbox: RunningSandbox;
  before(async () => {
    sandbox = await startSandbox({ port: 0, now: () => NOW });
  });
  after(async () => {
    await sandbox.close();
  });

  it("answers the AWS request shape with AccountId per query: each account its own data", async () => {
    const fixture = JSON.parse(
      readFileSync(
        new URL("../fixtures/cloudwatch/get-metric-data-cross-account.json", import.meta.url),
        "utf8",
      ),
    ) as { request: Record<string, unknown> };
    // The fixture's shape, over the last three hours of the sandbox's clock.
    const input = {
      ...fixture.request,
      StartTime: new Date(NOW - 3 * 3_600_000),
      EndTime: new Date(NOW),
    } as GetMetricDataCommandInput;
    const client = new CloudWatchClient({
      region: "us-east-1",
      endpoint: sandbox.url,
      credentials: sandboxCredentials(),
    });
    const out = await client.send(new GetMetricDataCommand(input));
    client.destroy();
    const sum = (id: string) =>
      (out.MetricDataResults ?? []).find((r) => r.Id === id)!.Values!.reduce((n, v) => n + v, 0);
    assert.ok(sum("m0") > 0 && sum("m1") > 0);
    assert.notEqual(sum("m0"), sum("m1"));
  });

  it("reads three accounts in one GetMetricData call, each account's totals equal to its workload", async () => {
    // Prepare: the monitoring account, the two linked accounts, and one that is not linked
    const config = parseConfig({
      mode: "aws",
      aws: {
        accountId: SANDBOX_ACCOUNT_ID,
        accounts: [
          { id: SANDBOX_ACCOUNT_ID, label: "monitoring" },
          { id: PROD.id, label: PROD.label },
          { id: STAGING.id, label: STAGING.label },
          { id: "999999999999", label: "not-linked" },
        ],
      },
    });
    const clients = createAwsClients({
      region: "us-east-1",
      endpoint: sandbox.url,
      credentials: sandboxCredentials(),
      maxAttempts: 1,
      retryMode: "standard",
    });
    const seq = sandbox.ledger.lastSeq;
    // Act
    const data = await fetchMetrics(
      clients,
      config,
      { start: new Date(NOW - 3 * 3_600_000), end: new Date(NOW), preset: "3h", periodSeconds: 60 },
      new Date(NOW),
    );
    clients.destroy();
    // Assess
    assert.equal(sandbox.ledger.list({ operation: "GetMetricData", sinceSeq: seq }).length, 1);
    assert.equal(data.calls, 1);
    const start = Date.parse(data.range.start);
    const end = Date.parse(data.range.end);
    const invocations = (w: Workload) =>
      w
        .invocations("twin-api", start - 180_000, end)
        .filter((i) => invocationEnd(i) >= start && invocationEnd(i) < end && invocationEnd(i) <= NOW);
    const linked = (id: string) => sandbox.context.linkedAccounts.find((a) => a.id === id)!.workload;
    const byId = new Map((data.accounts ?? []).map((a) => [a.accountId, a]));
    assert.deepEqual(
      (data.accounts ?? []).map((a) => a.label),
      ["monitoring", PROD.label, STAGING.label, "not-linked"],
    );
    for (const [id, workload] of [
      [SANDBOX_ACCOUNT_ID, sandbox.workload],
      [PROD.id, linked(PROD.id)],
      [STAGING.id, linked(STAGING.id)],
    ] as const) {
      const expected = invocations(workload);
      assert.ok(expected.length > 0, id);
      assert.equal(byId.get(id)!.lambdaInvocations, expected.length, `invocations of ${id}`);
      assert.equal(
        byId.get(id)!.lambdaErrors,
        expected.filter((i) => i.error || i.status).length,
        `errors of ${id}`,
      );
    }
    // The linked accounts carry less traffic than the monitoring account (half and a quarter).
    assert.ok(byId.get(PROD.id)!.lambdaInvocations < byId.get(SANDBOX_ACCOUNT_ID)!.lambdaInvocations);
    assert.ok(byId.get(PROD.id)!.inputTokens > 0);
    // An account that is not linked has no data: zeros, not an error.
    assert.equal(byId.get("999999999999")!.lambdaInvocations, 0);
    assert.equal(byId.get("999999999999")!.inputTokens, 0);
  });

  it("reads a second region in one more GetMetricData call: each region's rows equal that region's workload", async () => {
    // Prepare: staging runs in us-east-1 and us-west-2; prod is asked in us-west-2 too, where it runs nothing.
    const config = parseConfig({
      mode: "aws",
      aws: {
        accountId: SANDBOX_ACCOUNT_ID,
        accounts: [
          { id: SANDBOX_ACCOUNT_ID, label: "monitoring" },
          { id: PROD.id, label: PROD.label, regions: ["us-east-1", "us-west-2"] },
          { id: STAGING.id, label: STAGING.label, regions: ["us-east-1", "us-west-2"] },
        ],
      },
    });
    const clients = createAwsClients({
      region: "us-east-1",
      endpoint: sandbox.url,
      credentials: sandboxCredentials(),
      maxAttempts: 1,
      retryMode: "standard",
    });
    const seq = sandbox.ledger.lastSeq;
    // Act
    const data = await fetchMetrics(
      clients,
      config,
      { start: new Date(NOW - 3 * 3_600_000), end: new Date(NOW), preset: "3h", periodSeconds: 60 },
      new Date(NOW),
    );
    clients.destroy();
    // Assess: one call per region, whatever the number of accounts.
    const calls = sandbox.ledger.list({ operation: "GetMetricData", sinceSeq: seq });
    assert.equal(calls.length, 2);
    assert.equal(data.calls, 2);
    const start = Date.parse(data.range.start);
    const end = Date.parse(data.range.end);
    const invocations = (w: Workload) =>
      w
        .invocations("twin-api", start - 180_000, end)
        .filter((i) => invocationEnd(i) >= start && invocationEnd(i) < end && invocationEnd(i) <= NOW).length;
    const linked = sandbox.context.linkedAccounts.find((a) => a.id === STAGING.id)!;
    const west = linked.elsewhere.find((w) => w.region === SANDBOX_SECOND_REGION.region)!;
    const rows = (data.accounts ?? []).map((a) => [a.label, a.region, a.lambdaInvocations]);
    assert.deepEqual(rows, [
      ["monitoring", "us-east-1", invocations(sandbox.workload)],
      [
        PROD.label,
        "us-east-1",
        invocations(sandbox.context.linkedAccounts.find((a) => a.id === PROD.id)!.workload),
      ],
      [PROD.label, "us-west-2", 0],
      [STAGING.label, "us-east-1", invocations(linked.workload)],
      [STAGING.label, "us-west-2", invocations(west)],
    ]);
    assert.ok(invocations(west) > 0);
    assert.notEqual(invocations(west), invocations(linked.workload));
  });

  it("changes nothing without aws.accounts", async () => {
    const config = parseConfig({ mode: "aws", aws: { accountId: SANDBOX_ACCOUNT_ID } });
    const clients = createAwsClients({
      region: "us-east-1",
      endpoint: sandbox.url,
      credentials: sandboxCredentials(),
      maxAttempts: 1,
      retryMode: "standard",
    });
    const data = await fetchMetrics(
      clients,
      config,
      { start: new Date(NOW - 3_600_000), end: new Date(NOW), preset: "1h", periodSeconds: 60 },
      new Date(NOW),
    );
    clients.destroy();
    assert.equal("accounts" in data, false);
    assert.equal(data.lambda.length, 10);
  });
});
