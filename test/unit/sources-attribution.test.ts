/**
 * Attribution readers against AWS's published payload shapes (test/fixtures/attribution/payloads.ts
 * names each source): application profiles with tags, invocation logging configuration, Cost
 * Explorer grouped by tag, cost-allocation tag status, Logs Insights rows of invocation logs, and
 * the groups + remainder = total arithmetic.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { BedrockClient } from "@aws-sdk/client-bedrock";
import type { CostExplorerClient } from "@aws-sdk/client-cost-explorer";
import { buildGroups, daysOf, UNATTRIBUTED } from "../../server/sources/attribution-build.ts";
import { invocationLogging } from "../../server/sources/attribution-logging.ts";
import { attributionQuery, parseAttributionRows } from "../../server/sources/attribution-logs.ts";
import { listApplicationProfiles, profileOf } from "../../server/sources/attribution-profiles.ts";
import { parseTagResults, TagCostsSource, tagValueOf } from "../../server/sources/attribution-tags.ts";
import {
  COST_BY_TAG_TEAM,
  INSIGHTS_BY_TENANT,
  INVOCATION_LOG_RECORD,
  LIST_COST_ALLOCATION_TAGS,
  LIST_INFERENCE_PROFILES_APPLICATION,
  LIST_INFERENCE_PROFILES_PAGE2,
  LIST_TAGS_SUPPORT,
  LOGGING_CLOUDWATCH,
  LOGGING_OFF,
  LOGGING_S3_ONLY,
  PROFILE_ARN,
} from "../fixtures/attribution/payloads.ts";

type Command = { constructor: { name: string }; input: Record<string, unknown> };

function fake<T>(answer: (op: string, input: Record<string, unknown>) => unknown) {
  const calls: Array<{ op: string; input: Record<string, unknown> }> = [];
  const client = {
    send: async (command: Command) => {
      const op = command.constructor.name.replace(/Command$/, "");
      calls.push({ op, input: command.input });
      const out = answer(op, command.input);
      if (out instanceof Error) throw out;
      return structuredClone(out);
    },
  };
  return { client: client as unknown as T, calls };
}

describe("application inference profiles", () => {
  it("lists APPLICATION profiles over every page, with tags and the base model of each", async () => {
    const { client, calls } = fake<BedrockClient>((op, input) => {
      if (op === "ListInferenceProfiles")
        return input.nextToken === "page2"
          ? LIST_INFERENCE_PROFILES_PAGE2
          : LIST_INFERENCE_PROFILES_APPLICATION;
      if (op === "ListTagsForResource")
        return input.resourceARN === PROFILE_ARN
          ? LIST_TAGS_SUPPORT
          : Object.assign(new Error("Too many requests"), { name: "ThrottlingException", $metadata: {} });
      throw new Error(`unexpected ${op}`);
    });
    const profiles = await listApplicationProfiles(client);
    assert.deepEqual(
      calls
        .filter((c) => c.op === "ListInferenceProfiles")
        .map((c) => [c.input.typeEquals, c.input.nextToken]),
      [
        ["APPLICATION", undefined],
        ["APPLICATION", "page2"],
      ],
    );
    assert.equal(profiles.length, 2);
    const support = profiles.find((p) => p.name === "twin-support");
    assert.deepEqual(support?.tags, { team: "support", app: "twin-api" });
    assert.equal(support?.model, "amazon.nova-pro-v1:0");
    assert.equal(support?.id, "a1b2c3d4e5f6");
    // A profile whose tags could not be read is kept and says why.
    const search = profiles.find((p) => p.name === "twin-search");
    assert.deepEqual(search?.tags, {});
    assert.match(search?.error ?? "", /ThrottlingException/);
    // CloudWatch reports the ARN or the bare ID as ModelId: both find the profile.
    assert.equal(profileOf(profiles, PROFILE_ARN)?.name, "twin-support");
    assert.equal(profileOf(profiles, "a1b2c3d4e5f6")?.name, "twin-support");
    assert.equal(profileOf(profiles, "amazon.nova-pro-v1:0"), undefined);
  });
});

describe("model invocation logging configuration", () => {
  it("reads the CloudWatch Logs group, the S3-only form and logging off", async () => {
    const on = fake<BedrockClient>(() => LOGGING_CLOUDWATCH);
    assert.deepEqual(await invocationLogging(on.client), {
      logGroup: "/aws/bedrock/invocations",
      s3: null,
      text: true,
    });
    const s3 = fake<BedrockClient>(() => LOGGING_S3_ONLY);
    assert.deepEqual(await invocationLogging(s3.client), {
      logGroup: null,
      s3: "s3://twin-bedrock-logs/invocations/",
      text: true,
    });
    const off = fake<BedrockClient>(() => LOGGING_OFF);
    assert.deepEqual(await invocationLogging(off.client), { logGroup: null, s3: null, text: false });
  });
});

describe("Cost Explorer by tag", () => {
  it("reads <key>$<value> groups, keeps <key>$ as the untagged remainder, and a day without groups as 0", () => {
    assert.equal(tagValueOf("team$support", "team"), "support");
    assert.equal(tagValueOf("team$", "team"), "");
    assert.equal(tagValueOf("app$x", "team"), null);
    const days = parseTagResults(COST_BY_TAG_TEAM.ResultsByTime, "team");
    assert.deepEqual(days[0], {
      date: "2026-11-27",
      byValue: { "": 1.2346, search: 0.25, support: 0.7312 },
      total: 2.2158,
      estimated: false,
    });
    assert.deepEqual(days[1], { date: "2026-11-28", byValue: {}, total: 0, estimated: true });
  });

  it("asks for DAILY UnblendedCost grouped by the tag, filtered to the Bedrock services", async () => {
    const { client, calls } = fake<CostExplorerClient>(() => COST_BY_TAG_TEAM);
    const out = await new TagCostsSource(client).byTag({ start: "2026-11-01", end: "2026-12-01" }, "team", [
      "Amazon Bedrock",
      "Amazon Bedrock Service",
    ]);
    assert.equal(out.requests, 1);
    assert.deepEqual(calls[0]?.input, {
      TimePeriod: { Start: "2026-11-01", End: "2026-12-01" },
      Granularity: "DAILY",
      Metrics: ["UnblendedCost"],
      GroupBy: [{ Type: "TAG", Key: "team" }],
      Filter: { Dimensions: { Key: "SERVICE", Values: ["Amazon Bedrock", "Amazon Bedrock Service"] } },
    });
  });

  it("says which keys are active, inactive or unknown to Cost Explorer", async () => {
    const { client, calls } = fake<CostExplorerClient>(() => LIST_COST_ALLOCATION_TAGS);
    const out = await new TagCostsSource(client).status(["team", "app", "tenant"]);
    assert.deepEqual(calls[0]?.input, { TagKeys: ["team", "app", "tenant"] });
    assert.deepEqual(
      out.tags.map((t) => [t.key, t.status]),
      [
        ["team", "Active"],
        ["app", "Inactive"],
        ["tenant", null],
      ],
    );
  });
});

describe("invocation logs", () => {
  it("queries the fields AWS writes in each record", () => {
    const q = attributionQuery({ kind: "metadata", key: "tenant" });
    for (const path of [
      "schemaType",
      "requestMetadata.tenant",
      "input.inputTokenCount",
      "output.outputTokenCount",
      "input.cacheReadInputTokenCount",
      "input.cacheWriteInputTokenCount",
      "modelId",
    ])
      assert.ok(q.includes(path), `${path} in ${q}`);
    // Every field the query reads exists in a real record.
    const record = INVOCATION_LOG_RECORD as unknown as Record<string, Record<string, unknown>>;
    assert.equal(record.requestMetadata?.tenant, "acme");
    assert.equal(record.input?.inputTokenCount, 4);
    assert.equal(record.output?.outputTokenCount, 38);
    assert.match(attributionQuery({ kind: "principal" }), /by identity\.arn, modelId$/);
    assert.match(attributionQuery({ kind: "total" }), /stats .* by modelId$/);
  });

  it("reads Logs Insights rows, numbers as Logs Insights prints them", () => {
    const rows = INSIGHTS_BY_TENANT.map((r) => Object.fromEntries(r.map((f) => [f.field, f.value])));
    const parsed = parseAttributionRows(
      { rows, statistics: {}, status: "Complete" },
      { kind: "metadata", key: "tenant" },
    );
    assert.deepEqual(parsed[0], {
      group: "acme",
      modelId: PROFILE_ARN,
      calls: 12,
      input: 12_000,
      output: 3000,
      cacheRead: 0,
      cacheWrite: 0,
    });
    assert.equal(parsed[1]?.output, 1000);
    assert.equal(parsed[1]?.cacheRead, 0);
  });
});

describe("groups + remainder", () => {
  it("add up per day to the total, the remainder last and kept even when empty", () => {
    const days = daysOf("2026-11-27", "2026-11-30");
    assert.deepEqual(days, ["2026-11-27", "2026-11-28", "2026-11-29"]);
    const built = buildGroups({
      days,
      cells: [
        { date: "2026-11-27", group: "support", billedUsd: 0.75, estimatedUsd: 0.7 },
        { date: "2026-11-27", group: "search", billedUsd: 0.25 },
        { date: "2026-11-28", group: "support", billedUsd: 1 },
        { date: "2026-11-27", group: UNATTRIBUTED, billedUsd: 3 },
        { date: "2026-12-01", group: "support", billedUsd: 100 },
      ],
      billed: true,
      estimated: true,
      counted: false,
      labels: new Map([["support", { label: "support", detail: "twin-support" }]]),
      unattributedLabel: "Untagged",
      unattributedDetail: "no tag",
      shareOf: "billed",
    });
    assert.deepEqual(
      built.groups.map((g) => [g.key, g.billedUsd, g.sharePercent]),
      [
        ["support", 1.75, 35],
        ["search", 0.25, 5],
        ["", 3, 60],
      ],
    );
    assert.equal(built.total.billedUsd, 5);
    assert.deepEqual(
      built.total.days.map((d) => d.billedUsd),
      [4, 1, 0],
    );
    for (const [i, d] of built.total.days.entries()) {
      const sum = built.groups.reduce((n, g) => n + (g.days[i]?.billedUsd ?? 0), 0);
      assert.equal(Math.round(sum * 1e4) / 1e4, d.billedUsd);
    }
    const empty = buildGroups({
      days,
      cells: [],
      billed: false,
      estimated: true,
      counted: true,
      labels: new Map(),
      unattributedLabel: "Without tenant",
      unattributedDetail: "",
      shareOf: "estimated",
    });
    assert.equal(empty.groups.length, 1);
    assert.equal(empty.groups[0]?.unattributed, true);
    assert.equal(empty.groups[0]?.billedUsd, null);
    assert.equal(empty.groups[0]?.sharePercent, null);
  });
});
