/**
 * The Attribution panel against the sandbox (issue #18, done-when): cost per application inference
 * profile, per `team` cost-allocation tag and per `tenant` request-metadata value, each adding up
 * with the unattributed remainder to the Bedrock total for the same days; profiles priced at their
 * base model's price; bad `by` values refused with the field named.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { AttributionData, CostsData, Panel } from "../../server/api/contract.ts";
import { type RunningServer, startServer } from "../../server/api/server.ts";
import { parseConfig } from "../../server/config.ts";

/** Nova on-demand list prices, us-east-1, USD per 1M input / output tokens (aws.amazon.com/bedrock/pricing). */
const LIST_PRICE: Record<string, { input: number; output: number }> = {
  "amazon.nova-pro-v1:0": { input: 0.8, output: 3.2 },
  "amazon.nova-lite-v1:0": { input: 0.06, output: 0.24 },
};

const NOW = Date.parse("2026-11-18T15:30:00.000Z");
const now = () => new Date(NOW);
const cents = (x: number) => Math.round(x * 100);

async function getJson<T>(base: string, path: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${base}${path}`);
  return { status: res.status, body: (await res.json()) as T };
}

/** Every day: the groups (remainder included) add up to the day's total, in the given figure. */
function assertAddsUp(data: AttributionData, figure: "billedUsd" | "estimatedUsd"): void {
  assert.ok(
    data.groups.some((g) => g.unattributed),
    "the unattributed row is always there",
  );
  for (const [i, day] of data.total.days.entries()) {
    const sum = data.groups.reduce((n, g) => n + (g.days[i]?.[figure] ?? 0), 0);
    assert.ok(Math.abs(sum - (day[figure] ?? Number.NaN)) < 0.001, `${day.date}: ${sum} vs ${day[figure]}`);
  }
  const overall = data.groups.reduce((n, g) => n + (g[figure] ?? 0), 0);
  assert.ok(Math.abs(overall - (data.total[figure] ?? Number.NaN)) < 0.001);
  const shares = data.groups.reduce((n, g) => n + (g.sharePercent ?? 0), 0);
  assert.ok(Math.abs(shares - 100) < 0.1, `shares add up to ${shares}`);
}

describe("attribution against the sandbox", () => {
  let server: RunningServer;
  let dataDir: string;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "bedrock-ops-attribution-"));
    server = await startServer(parseConfig({ mode: "sandbox", cache: { waitSeconds: 300 } }), {
      port: 0,
      dataDir,
      now,
    });
  });

  after(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("by application profile: each profile at its base model's price, adding up to the Bedrock estimate", async () => {
    const { status, body } = await getJson<Panel<AttributionData>>(server.url, "/api/attribution?by=profile");
    assert.equal(status, 200);
    const data = body.data!;
    assert.equal(data.mechanism, "application-profile");
    const profiles = data.groups.filter((g) => !g.unattributed);
    assert.ok(profiles.length >= 2, `two tagged profiles, got ${profiles.map((g) => g.label)}`);
    for (const g of profiles) {
      assert.ok(g.inputTokens > 0, `${g.label} has traffic`);
      const model = /^([a-z0-9.-]+-v\d:\d)/.exec(g.detail ?? "")?.[1] ?? "";
      const price = LIST_PRICE[model];
      assert.ok(price, `${g.label} routes to a Nova model (${g.detail})`);
      assert.equal(g.cacheReadTokens + g.cacheWriteTokens, 0);
      const expected = (g.inputTokens * price.input + g.outputTokens * price.output) / 1_000_000;
      assert.ok(
        Math.abs((g.estimatedUsd ?? 0) - expected) < 0.001,
        `${g.label}: ${g.estimatedUsd} vs ${expected}`,
      );
    }
    assertAddsUp(data, "estimatedUsd");
    // The same days' Bedrock estimate as the costs panel computes it.
    const costs = await getJson<Panel<CostsData>>(server.url, "/api/costs");
    const byDay = costs.body.data?.estimateByModel ?? [];
    assert.ok(byDay.length > 0, "the costs panel has an estimate");
    const estimate = byDay.reduce((n, d) => n + d.total, 0);
    assert.equal(cents(data.total.estimatedUsd ?? 0), cents(estimate));
  });

  test("by team tag (Cost Explorer GroupBy TAG): teams + untagged = the billed Bedrock total; the bill agrees with the estimate", async () => {
    const { status, body } = await getJson<Panel<AttributionData>>(
      server.url,
      "/api/attribution?by=tag:team",
    );
    assert.equal(status, 200);
    assert.equal(body.error, null);
    const data = body.data!;
    assert.equal(data.mechanism, "cost-allocation-tag");
    assert.equal(data.shareOf, "billed");
    const support = data.groups.find((g) => g.key === "support");
    assert.ok(support && (support.billedUsd ?? 0) > 0, data.groups.map((g) => g.key).join(", "));
    // The profile's tokens x Nova Pro's price and the bill under team$support agree within 1 %.
    const gap = Math.abs((support.billedUsd ?? 0) - (support.estimatedUsd ?? 0));
    assert.ok(
      gap <= 0.01 * (support.billedUsd ?? 0),
      `${support.billedUsd} billed vs ${support.estimatedUsd} estimated`,
    );
    const untagged = data.groups.at(-1)!;
    assert.equal(untagged.unattributed, true);
    assert.equal(untagged.label, "Untagged (team$)");
    assertAddsUp(data, "billedUsd");
    // The same days' Bedrock total as the costs panel bills it (every Bedrock service).
    const costs = await getJson<Panel<CostsData>>(server.url, "/api/costs");
    const billed = (costs.body.data?.bedrockByModel ?? []).reduce((n, d) => n + d.total, 0);
    assert.equal(cents(data.total.billedUsd ?? 0), cents(billed));
  });

  test("by tenant (request metadata, invocation logs): tenants + calls without one = the Bedrock estimate", async () => {
    const { status, body } = await getJson<Panel<AttributionData>>(
      server.url,
      "/api/attribution?by=metadata:tenant",
    );
    assert.equal(status, 200);
    assert.equal(body.error, null);
    const data = body.data!;
    assert.equal(data.mechanism, "invocation-logs");
    const tenants = data.groups.filter((g) => !g.unattributed);
    assert.ok(tenants.length >= 2, tenants.map((g) => g.key).join(", "));
    for (const g of tenants) assert.ok((g.calls ?? 0) > 0 && (g.estimatedUsd ?? 0) > 0, g.key);
    const without = data.groups.find((g) => g.unattributed)!;
    assert.equal(without.label, "Without tenant");
    assertAddsUp(data, "estimatedUsd");
    // Invocation logs and AWS/Bedrock count the same calls: the same Bedrock estimate for the same days.
    const costs = await getJson<Panel<CostsData>>(server.url, "/api/costs");
    const estimate = (costs.body.data?.estimateByModel ?? []).reduce((n, d) => n + d.total, 0);
    assert.equal(cents(data.total.estimatedUsd ?? 0), cents(estimate));
    const principals = await getJson<Panel<AttributionData>>(server.url, "/api/attribution?by=principal");
    assert.ok(principals.body.data!.groups.some((g) => g.key.startsWith("arn:aws:")));
    assertAddsUp(principals.body.data!, "estimatedUsd");
    assert.equal(cents(principals.body.data!.total.estimatedUsd ?? 0), cents(estimate));
  });

  test("Prometheus: a gauge per group and view, the unattributed group included; OpenAPI lists the route", async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(
      text,
      /^bedrock_ops_attribution_cost_usd\{by="profile",group="twinsupport01",kind="estimated"\} \d+\.\d+$/m,
    );
    assert.match(text, /^bedrock_ops_attribution_cost_usd\{by="profile",group="",kind="estimated"\} \d+/m);
    const spec = await getJson<{ paths: Record<string, unknown> }>(server.url, "/api/openapi.json");
    assert.ok(spec.body.paths["/api/attribution"]);
  });

  test("refuses an unknown view, naming the parameter and the views offered", async () => {
    const { status, body } = await getJson<{ error: { code: string; message: string } }>(
      server.url,
      "/api/attribution?by=tag:owner",
    );
    assert.equal(status, 400);
    assert.match(
      body.error.message,
      /^by: got "tag:owner"; use one of profile, tag:team, tag:app, metadata:tenant, principal/,
    );
    const typo = await getJson<{ error: { message: string } }>(server.url, "/api/attribution?group=team");
    assert.equal(typo.status, 400);
    assert.match(typo.body.error.message, /^group: .*unknown parameter/);
  });

  test("CSV: one row per group per day, the remainder included", async () => {
    const res = await fetch(`${server.url}/api/attribution?by=profile&format=csv`);
    assert.equal(res.status, 200);
    const lines = (await res.text()).trim().split("\r\n");
    assert.equal(
      lines[0],
      "date,by,group,label,unattributed,billed_usd,estimated_usd,input_tokens,output_tokens",
    );
    assert.ok(
      lines.some((l) => l.includes(",true,")),
      "the unattributed rows are in the CSV",
    );
    assert.ok(lines.length > 7);
  });
});
