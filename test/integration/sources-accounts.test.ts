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
import {
  GetQueryResultsCommand,
  StartQueryCommand,
  type StartQueryCommandInput,
} from "@aws-sdk/client-cloudwatch-logs";
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
import { groupEvents } from "../../server/sandbox/providers/logs/index.ts";
import { invocationEnd, type Workload } from "../../server/sandbox/workload/model.ts";
import { LogsSource } from "../../server/sources/logs.ts";
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
    assert.equal(data.lambda.length, 7);
  });
});

/**
 * Logs Insights across the linked accounts: StartQuery takes logGroupIdentifiers (names of this
 * account, ARNs of the source accounts), serves each account's log groups from its own traffic,
 * and names each row's group in `@log` as `<account>:<name>`; the logs panel reads all three
 * accounts in the same queries and reports per account what each account's events hold.
 */
describe("Logs Insights across linked accounts", () => {
  const T = Date.parse("2026-11-18T15:30:00.000Z");
  let sandbox: RunningSandbox;
  let clients: ReturnType<typeof createAwsClients>;
  const arn = (account: string) => `arn:aws:logs:us-east-1:${account}:log-group:/aws/lambda/twin-api`;
  const reports = (w: Workload, from: number, to: number) =>
    groupEvents(w, "/aws/lambda/twin-api", from, to).filter((e) => e.message.startsWith("REPORT")).length;
  const linked = (id: string) => sandbox.context.linkedAccounts.find((a) => a.id === id)!.workload;

  before(async () => {
    sandbox = await startSandbox({ now: () => T, settings: { logs: { scheduledMs: 0, runningMs: 0 } } });
    clients = createAwsClients({
      region: "us-east-1",
      endpoint: sandbox.url,
      credentials: sandboxCredentials(),
      maxAttempts: 1,
      retryMode: "standard",
    });
  });
  after(async () => {
    clients.destroy();
    await sandbox.close();
  });

  async function query(input: Partial<StartQueryCommandInput>) {
    const logs = clients.logs();
    const { queryId } = await logs.send(
      new StartQueryCommand({
        queryString: 'filter @type = "REPORT" | stats count(*) as n by @log',
        startTime: Math.floor((T - 3_600_000) / 1000),
        endTime: Math.floor(T / 1000),
        ...input,
      }),
    );
    for (;;) {
      const out = await logs.send(new GetQueryResultsCommand({ queryId }));
      if (out.status === "Complete")
        return new Map(
          (out.results ?? []).map((row) => {
            const f = Object.fromEntries(row.map((c) => [c.field, c.value]));
            return [f["@log"], Number(f.n)];
          }),
        );
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it("StartQuery with logGroupIdentifiers: each account's group from its own traffic, named by @log", async () => {
    const counts = await query({
      logGroupIdentifiers: ["/aws/lambda/twin-api", arn(PROD.id), arn(STAGING.id)],
    });
    const from = Math.floor((T - 3_600_000) / 1000) * 1000;
    const to = Math.floor(T / 1000) * 1000;
    const home = reports(sandbox.workload, from, to + 1);
    const prod = reports(linked(PROD.id), from, to + 1);
    const staging = reports(linked(STAGING.id), from, to + 1);
    assert.deepEqual(
      [...counts].sort(),
      [
        [`${SANDBOX_ACCOUNT_ID}:/aws/lambda/twin-api`, home],
        [`${PROD.id}:/aws/lambda/twin-api`, prod],
        [`${STAGING.id}:/aws/lambda/twin-api`, staging],
      ].sort(),
    );
    // Half and a quarter of the monitoring account's traffic, give or take the workloads' own randomness.
    assert.ok(prod > home * 0.3 && prod < home * 0.7, `${prod} vs ${home}`);
    assert.ok(staging > home * 0.1 && staging < prod, `${staging} vs ${prod}`);
  });

  it("answers AWS's errors for identifiers", async () => {
    const code = async (input: Partial<StartQueryCommandInput>) =>
      query(input).then(
        () => "ok",
        (err: Error) => err.name,
      );
    assert.equal(
      await code({ logGroupNames: ["/aws/lambda/twin-api"], logGroupIdentifiers: [arn(PROD.id)] }),
      "InvalidParameterException",
    );
    assert.equal(await code({ logGroupIdentifiers: [arn("999999999999")] }), "ResourceNotFoundException");
    assert.equal(
      await code({ logGroupIdentifiers: [arn(PROD.id).replace("us-east-1", "eu-west-1")] }),
      "InvalidParameterException",
    );
    assert.equal(
      await code({ logGroupIdentifiers: Array.from({ length: 51 }, () => arn(PROD.id)) }),
      "InvalidParameterException",
    );
  });

  it("the logs panel reads the three accounts in the same queries, with per-account figures", async () => {
    const config = parseConfig({
      mode: "aws",
      aws: {
        accountId: SANDBOX_ACCOUNT_ID,
        accounts: [
          { id: SANDBOX_ACCOUNT_ID, label: "monitoring" },
          { id: PROD.id, label: PROD.label },
          { id: STAGING.id, label: STAGING.label },
        ],
      },
      lambda: { functions: [{ name: "twin-api", logFormat: "Text" }] },
    });
    const source = new LogsSource(clients, config, undefined, {
      now: () => T,
      insights: { firstPollMs: 1, sleep: async () => undefined },
    });
    const range = {
      start: new Date(T - 3_600_000),
      end: new Date(T),
      preset: "1h" as const,
      periodSeconds: 60,
    };
    // The same first read for this account alone: its number of queries is the three accounts' too.
    const alone = new LogsSource(
      clients,
      parseConfig({
        mode: "aws",
        aws: { accountId: SANDBOX_ACCOUNT_ID },
        lambda: { functions: [{ name: "twin-api", logFormat: "Text" }] },
      }),
      undefined,
      { now: () => T, insights: { firstPollMs: 1, sleep: async () => undefined } },
    );
    const seqAlone = sandbox.ledger.lastSeq;
    await alone.fetch(range);
    const queriesAlone = sandbox.ledger.list({ operation: "StartQuery", sinceSeq: seqAlone }).length;
    assert.ok(queriesAlone >= 2, `bins and errors queries: ${queriesAlone}`);
    const seq = sandbox.ledger.lastSeq;
    const data = await source.fetch(range);
    // The three accounts' groups are read in the same queries (by identifiers), not one set per account.
    assert.equal(sandbox.ledger.list({ operation: "StartQuery", sinceSeq: seq }).length, queriesAlone);
    assert.deepEqual(
      data.functions!.map((f) => [f.name, f.accountId ?? "home", f.logGroup]),
      [
        ["twin-api", "home", "/aws/lambda/twin-api"],
        ["twin-api", PROD.id, "/aws/lambda/twin-api"],
        ["twin-api", STAGING.id, "/aws/lambda/twin-api"],
      ],
    );
    const binStart = Math.floor((T - 3_600_000) / 300_000) * 300_000;
    const byAccount = new Map(data.accounts!.map((a) => [a.accountId, a]));
    for (const [id, w] of [
      [SANDBOX_ACCOUNT_ID, sandbox.workload],
      [PROD.id, linked(PROD.id)],
      [STAGING.id, linked(STAGING.id)],
    ] as const)
      assert.equal(byAccount.get(id)!.invocations, reports(w, binStart, T + 1), `invocations of ${id}`);
    assert.deepEqual(
      data.accounts!.map((a) => a.label),
      ["monitoring", PROD.label, STAGING.label],
    );
    // Each recent error names its account, and the per-account counts add up to the list.
    assert.ok(data.recentErrors.length > 0);
    for (const e of data.recentErrors) assert.ok(byAccount.has(e.accountId!), e.accountId);
    assert.equal(
      data.accounts!.reduce((n, a) => n + a.recentErrors, 0),
      data.recentErrors.length,
    );
  });

  it("an account listed but not linked is named in the notes; the others are still read", async () => {
    const config = parseConfig({
      mode: "aws",
      aws: {
        accountId: SANDBOX_ACCOUNT_ID,
        accounts: [
          { id: SANDBOX_ACCOUNT_ID, label: "monitoring" },
          { id: PROD.id, label: PROD.label },
          { id: "999999999999", label: "not-linked" },
        ],
      },
      lambda: { functions: [{ name: "twin-api", logFormat: "Text" }] },
    });
    const data = await new LogsSource(clients, config, undefined, {
      now: () => T,
      insights: { firstPollMs: 1, sleep: async () => undefined },
    }).fetch({ start: new Date(T - 3_600_000), end: new Date(T), preset: "1h", periodSeconds: 60 });
    const byAccount = new Map(data.accounts!.map((a) => [a.accountId, a]));
    assert.ok(byAccount.get(SANDBOX_ACCOUNT_ID)!.invocations > 0);
    assert.ok(byAccount.get(PROD.id)!.invocations > 0);
    assert.equal(byAccount.get("999999999999")!.invocations, 0);
    assert.ok(data.notes!.some((n) => n.includes("999999999999") && n.includes("not shared")));
  });
});
