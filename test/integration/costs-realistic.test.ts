/**
 * Issue #12's "done when", through the real SDK clients against the sandbox's realistic 2026
 * account: per-model cost adds up to the Bedrock total every day, Claude spend (a Marketplace
 * service) appears, the estimate includes cache tokens, the application inference profile is
 * resolved and priced, and the reconciliation names the right cause for each gap. Also: Cost
 * Explorer requests a day at default settings, and the Bedrock control plane's wire shapes.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  BedrockClient,
  GetInferenceProfileCommand,
  ListInferenceProfilesCommand,
} from "@aws-sdk/client-bedrock";
import type { CostsData, Panel } from "../../server/api/contract.ts";
import { type RunningServer, startServer } from "../../server/api/server.ts";
import { parseConfig } from "../../server/config.ts";
import {
  SANDBOX_ACCOUNT_ID,
  SANDBOX_LINKED_ACCOUNTS,
  sandboxCredentials,
} from "../../server/sandbox/index.ts";
import { profileArn } from "../../server/sandbox/workload/scenario.ts";
import { UNRECOGNISED } from "../../server/sources/costs.ts";

const NOW = Date.parse("2026-11-18T15:30:00.000Z");
let clock = NOW;
const now = () => new Date(clock);

async function getJson<T>(base: string, path: string): Promise<T> {
  return (await (await fetch(`${base}${path}`)).json()) as T;
}

describe("costs on a realistic 2026 account (sandbox.scenario realistic)", () => {
  let server: RunningServer;
  let costs: CostsData;

  before(async () => {
    server = await startServer(parseConfig({ mode: "sandbox", sandbox: { scenario: "realistic" } }), {
      port: 0,
      dataDir: ":memory:",
      now,
    });
    const panel = await getJson<Panel<CostsData>>(server.url, "/api/costs?range=7d");
    assert.equal(panel.error, null, JSON.stringify(panel.error));
    costs = panel.data!;
  });

  after(async () => {
    await server.close();
  });

  test("Bedrock services are discovered: first-party, Amazon Bedrock Service and the Claude Marketplace service", () => {
    assert.deepEqual(costs.bedrockServices, [
      "Amazon Bedrock",
      "Amazon Bedrock Service",
      "Claude Haiku 4.5 (Amazon Bedrock Edition)",
    ]);
  });

  test("each day's per-model costs add up to the Bedrock total of the services", () => {
    assert.ok(costs.bedrockByModel.length >= 7);
    for (const day of costs.bedrockByModel) {
      const sum = Object.values(day.groups).reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - day.total) < 0.001, `${day.date}: ${sum} vs ${day.total}`);
      const service = costs.byService.find((d) => d.date === day.date)!;
      const bedrock = (costs.bedrockServices ?? []).reduce((n, s) => n + (service.groups[s] ?? 0), 0);
      assert.ok(
        Math.abs(bedrock - day.total) < 0.001,
        `${day.date}: services ${bedrock} vs models ${day.total}`,
      );
    }
  });

  test("Claude spend appears per model, and the unknown usage type is listed, not dropped", () => {
    const day = costs.bedrockByModel.find((d) => d.date === "2026-11-16")!;
    assert.ok((day.groups["claude-haiku-4-5"] ?? 0) > 0.05, JSON.stringify(day.groups));
    assert.ok((day.groups["nova-2-lite"] ?? 0) > 0);
    assert.ok((day.groups[UNRECOGNISED] ?? 0) > 0);
    assert.deepEqual(
      costs.unrecognised!.map((u) => [u.service, u.usageType]),
      [["Amazon Bedrock", "USE1-Guardrail-AutomatedReasoningPolicyUnitsConsumed"]],
    );
  });

  test("the estimate includes cache tokens and matches the bill on finished days; the batch job is named", () => {
    const finished = costs.reconciliation.filter((r) => r.date === "2026-11-16");
    const cause = (model: string) => finished.find((r) => r.model === model)?.cause;
    assert.equal(cause("nova-2-lite"), "match");
    assert.equal(cause("claude-haiku-4-5"), "match");
    assert.equal(cause("nova-micro"), "match");
    assert.equal(cause("nova-pro"), "match"); // includes the application inference profile's calls
    assert.equal(cause("nova-lite"), "service tier not in the estimate");
    assert.equal(cause(UNRECOGNISED), "unrecognised usage type");
    const economics = costs.cacheEconomics!.find((c) => c.model === "nova-2-lite")!;
    assert.ok(economics.cacheReadTokens > 0 && economics.savedUsd > 0);
  });

  test("the application inference profile is resolved through GetInferenceProfile; prices show coverage and date", () => {
    assert.deepEqual(costs.prices!.profiles, [
      { id: "twinsearch01", model: "amazon.nova-lite-v1:0" },
      { id: "twinsupport01", model: "amazon.nova-pro-v1:0" },
    ]);
    assert.deepEqual(costs.prices!.unpriced, []);
    assert.equal(costs.prices!.asOf, "2026-11-01");
    assert.ok(costs.prices!.regions.includes("eu-west-1"));
  });

  test("Cost Explorer over a viewed day at default settings: at most 4 requests", async () => {
    const ce = () =>
      Object.entries(server.sandbox!.ledger.counts())
        .filter(([k]) => k.startsWith("ce:"))
        .reduce((n, [, v]) => n + v, 0);
    const start = ce();
    // A viewer refreshing every 5 minutes for the rest of the day and the next morning.
    for (let t = NOW; t < Date.parse("2026-11-19T09:00:00.000Z"); t += 300_000) {
      clock = t;
      await getJson(server.url, "/api/costs?range=7d");
    }
    // Background revalidations finish on their own; let them land.
    for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 20));
    // Each interval from the last fetch (15:30): the breakdown again at 03:30 (12 h); the month to
    // date and the forecast are due at 15:30 on 19 Nov (24 h), and midnight by itself buys nothing.
    const made = ce() - start;
    assert.equal(made, 1, `${made} Cost Explorer requests`);
    clock = NOW;
  });
});

describe("the sandbox's Bedrock control plane (restJson1)", () => {
  let server: RunningServer;
  let client: BedrockClient;

  before(async () => {
    server = await startServer(parseConfig({ mode: "sandbox", sandbox: { scenario: "realistic" } }), {
      port: 0,
      dataDir: ":memory:",
      now,
    });
    client = new BedrockClient({
      region: "us-east-1",
      endpoint: server.sandbox!.url,
      credentials: sandboxCredentials(),
    });
  });

  after(async () => {
    client.destroy();
    await server.close();
  });

  test("GetInferenceProfile by ARN and by ID answers the application profile with its model ARN", async () => {
    const arn = profileArn("us-east-1", SANDBOX_ACCOUNT_ID);
    for (const id of [arn, "twinsupport01"]) {
      const out = await client.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: id }));
      assert.equal(out.type, "APPLICATION");
      assert.equal(out.inferenceProfileArn, arn);
      assert.deepEqual(out.models, [
        { modelArn: "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0" },
      ]);
      assert.ok(out.createdAt instanceof Date);
    }
  });

  test("a system-defined profile lists its destination Regions; an unknown one is ResourceNotFoundException", async () => {
    const out = await client.send(
      new GetInferenceProfileCommand({ inferenceProfileIdentifier: "us.amazon.nova-lite-v1:0" }),
    );
    assert.equal(out.type, "SYSTEM_DEFINED");
    assert.ok((out.models?.length ?? 0) >= 2);
    await assert.rejects(
      client.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: "nope.model" })),
      (err: Error) => err.name === "ResourceNotFoundException",
    );
  });

  test("ListInferenceProfiles typeEquals APPLICATION", async () => {
    const out = await client.send(new ListInferenceProfilesCommand({ typeEquals: "APPLICATION" }));
    assert.deepEqual(
      out.inferenceProfileSummaries?.map((p) => p.inferenceProfileId),
      ["twinsupport01", "twinsearch01"],
    );
  });
});

describe("an eu-west-1 account is billed and estimated at eu-west-1 prices", () => {
  let server: RunningServer;

  before(async () => {
    server = await startServer(
      parseConfig({ mode: "sandbox", aws: { region: "eu-west-1" }, sandbox: { scenario: "realistic" } }),
      { port: 0, dataDir: ":memory:", now },
    );
  });

  after(async () => {
    await server.close();
  });

  test("EU usage types at +15 % for Nova, and the estimate matches them (no US fallback)", async () => {
    const panel = await getJson<Panel<CostsData>>(server.url, "/api/costs?range=7d");
    assert.equal(panel.error, null, JSON.stringify(panel.error));
    const data = panel.data!;
    assert.equal(data.prices!.region, "eu-west-1");
    assert.deepEqual(
      data.unrecognised!.map((u) => u.usageType),
      ["EU-Guardrail-AutomatedReasoningPolicyUnitsConsumed"],
    );
    assert.deepEqual(data.prices!.unpriced, []);
    const day = data.reconciliation.filter((r) => r.date === "2026-11-16");
    for (const model of ["nova-micro", "nova-pro", "nova-2-lite", "claude-haiku-4-5"])
      assert.equal(day.find((r) => r.model === model)?.cause, "match", model);
    assert.equal(day.find((r) => r.model === "nova-lite")?.cause, "service tier not in the estimate");
    const micro = day.find((r) => r.model === "nova-micro")!;
    assert.ok(micro.estimatedUsd > 0);
    // The same tokens at us-east-1 prices would be 15 % less: the estimate is not US-priced.
    assert.ok(Math.abs(micro.billedUsd! - micro.estimatedUsd) < 0.01 * micro.billedUsd!);
  });
});

describe("costs per account (aws.accounts): Cost Explorer grouped by LINKED_ACCOUNT", () => {
  const accounts = [
    { id: SANDBOX_ACCOUNT_ID, label: "monitoring" },
    ...SANDBOX_LINKED_ACCOUNTS.map((a) => ({ id: a.id, label: a.label })),
  ];
  const start = (organization: "management" | "standalone") =>
    startServer(
      parseConfig({
        mode: "sandbox",
        aws: { accountId: SANDBOX_ACCOUNT_ID, accounts },
        sandbox: { scenario: "realistic", organization },
        // An organization's two months of bills take the sandbox a while on a loaded machine:
        // no answer here depends on the 10 s default wait.
        cache: { waitSeconds: 300 },
      }),
      { port: 0, dataDir: ":memory:", now: () => new Date(NOW) },
    );
  const ceCalls = (server: RunningServer) =>
    Object.entries(server.sandbox!.ledger.counts())
      .filter(([k]) => k.startsWith("ce:"))
      .reduce((n, [, v]) => n + v, 0);

  test("at the management account: each account's month to date, adding up to the organization's, in the same requests", async () => {
    const server = await start("management");
    try {
      const panel = await getJson<Panel<CostsData>>(server.url, "/api/costs?range=7d");
      assert.equal(panel.error, null, JSON.stringify(panel.error));
      const costs = panel.data!;
      assert.equal(costs.accountsView, "organization");
      assert.equal(costs.accountsNote, undefined);
      assert.deepEqual(
        costs.accounts!.map((a) => [a.accountId, a.label, a.name, a.configured]),
        [
          [SANDBOX_ACCOUNT_ID, "monitoring", "bedrock-ops sandbox", true],
          ["210987654321", "twin-prod-eu", "twin-prod-eu", true],
          ["345678901234", "twin-staging", "twin-staging", true],
        ],
      );
      for (const a of costs.accounts!) assert.ok((a.bedrockMonthToDate ?? 0) > 0, a.label);
      const sum = costs.accounts!.reduce((n, a) => n + (a.bedrockMonthToDate ?? 0), 0);
      assert.ok(Math.abs(sum - (costs.monthToDate ?? Number.NaN)) < 0.001, `${sum} vs ${costs.monthToDate}`);
      // The split rides on the monthly query: one request, two periods (last month, which the 7-day
      // window reaches in the first days of a month, and this month; so its key holds all month);
      // the rest is the breakdown (an organization's bill has more usage-type groups a day, so it
      // may take a second page) and the forecast, as without accounts.
      const calls = server.sandbox!.ledger.list({ service: "ce" });
      const monthly = calls.filter((e) => e.operation === "GetCostAndUsage" && e.notes?.periods === 2);
      assert.equal(monthly.length, 1);
      assert.ok(ceCalls(server) <= 4, `${ceCalls(server)} Cost Explorer requests`);
    } finally {
      await server.close();
    }
  });

  test("account= and region= narrow the per-account views; unknown values get a 400 naming the parameter", async () => {
    const server = await start("management");
    try {
      const costs = await getJson<Panel<CostsData>>(server.url, "/api/costs?range=7d&account=210987654321");
      assert.deepEqual(
        costs.data!.accounts!.map((a) => a.accountId),
        ["210987654321"],
      );
      const bad = await fetch(`${server.url}/api/costs?range=7d&account=999999999999`);
      assert.equal(bad.status, 400);
      const body = (await bad.json()) as { error: { code: string; message: string } };
      assert.match(body.error.message, /account/);
      assert.match(body.error.message, /210987654321/);
      const region = await fetch(`${server.url}/api/metrics?range=3h&region=us-west-2`);
      assert.equal(region.status, 400);
      assert.match(((await region.json()) as { error: { message: string } }).error.message, /us-east-1/);
      const ok = await fetch(`${server.url}/api/metrics?range=3h&region=us-east-1`);
      assert.equal(ok.status, 200);
    } finally {
      await server.close();
    }
  });

  test("at a member (or standalone) account: its own costs, the others unknown with the reason", async () => {
    const server = await start("standalone");
    try {
      const costs = (await getJson<Panel<CostsData>>(server.url, "/api/costs?range=7d")).data!;
      assert.equal(costs.accountsView, "own-account");
      assert.deepEqual(
        costs.accounts!.map((a) => [a.accountId, a.bedrockMonthToDate === null]),
        [
          [SANDBOX_ACCOUNT_ID, false],
          ["210987654321", true],
          ["345678901234", true],
        ],
      );
      assert.match(costs.accountsNote ?? "", /management account/);
    } finally {
      await server.close();
    }
  });
});
