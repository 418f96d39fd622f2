/**
 * The sandbox's Bedrock control plane through the real @aws-sdk/client-bedrock: application
 * inference profiles (list, get, tags), the model invocation logging configuration, and calls
 * through a profile ARN, which AWS/Bedrock reports under the profile ID and the bill prices as
 * the profile's model. Payload shapes: test/fixtures/bedrock/control-plane.json.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import {
  BedrockClient,
  GetInferenceProfileCommand,
  GetModelInvocationLoggingConfigurationCommand,
  ListInferenceProfilesCommand,
  ListTagsForResourceCommand,
  paginateListInferenceProfiles,
} from "@aws-sdk/client-bedrock";
import { BedrockRuntimeClient, ConverseCommand } from "@aws-sdk/client-bedrock-runtime";
import { CloudWatchClient, GetMetricDataCommand, ListMetricsCommand } from "@aws-sdk/client-cloudwatch";
import { CostExplorerClient, GetCostAndUsageCommand } from "@aws-sdk/client-cost-explorer";
import type { ProviderSettings } from "../../server/sandbox/core/settings.ts";
import {
  type RunningSandbox,
  SANDBOX_ACCOUNT_ID,
  sandboxCredentials,
  startSandbox,
} from "../../server/sandbox/index.ts";
import { profileArn } from "../../server/sandbox/workload/scenario.ts";

const NOW = Date.UTC(2026, 10, 18, 15, 30);
const FIXTURE = JSON.parse(
  readFileSync(new URL("../fixtures/bedrock/control-plane.json", import.meta.url), "utf8"),
) as {
  ListTagsForResource: { response: { tags: Array<{ key: string; value: string }> } };
  GetModelInvocationLoggingConfiguration: { response: { loggingConfig: Record<string, unknown> } };
};
const SUPPORT = profileArn("us-east-1", SANDBOX_ACCOUNT_ID, "twinsupport01");
const SEARCH = profileArn("us-east-1", SANDBOX_ACCOUNT_ID, "twinsearch01");

async function open(scenario: "realistic" | "simple", settings: ProviderSettings = {}) {
  const sandbox = await startSandbox({ port: 0, now: () => NOW, scenario, settings });
  const client = new BedrockClient({
    region: "us-east-1",
    endpoint: sandbox.url,
    credentials: sandboxCredentials(),
  });
  return { sandbox, client };
}

async function rejects(p: Promise<unknown>, name: string): Promise<void> {
  await assert.rejects(p, (err: Error) => err.name === name);
}

describe("sandbox Bedrock control plane: application inference profiles", () => {
  let sandbox: RunningSandbox;
  let client: BedrockClient;

  before(async () => {
    ({ sandbox, client } = await open("realistic"));
  });
  after(async () => {
    client.destroy();
    await sandbox.close();
  });

  it("lists the two application profiles with typeEquals APPLICATION, each routing to its model", async () => {
    const out = await client.send(new ListInferenceProfilesCommand({ typeEquals: "APPLICATION" }));
    assert.deepEqual(
      out.inferenceProfileSummaries?.map((p) => [p.inferenceProfileId, p.inferenceProfileArn, p.models]),
      [
        [
          "twinsupport01",
          SUPPORT,
          [{ modelArn: "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0" }],
        ],
        [
          "twinsearch01",
          SEARCH,
          [{ modelArn: "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0" }],
        ],
      ],
    );
    assert.ok(out.inferenceProfileSummaries?.every((p) => p.type === "APPLICATION" && p.status === "ACTIVE"));
    assert.equal(out.nextToken, undefined);
  });

  it("typeEquals SYSTEM_DEFINED lists only system profiles; maxResults pages follow nextToken", async () => {
    const all = await client.send(new ListInferenceProfilesCommand({ typeEquals: "SYSTEM_DEFINED" }));
    const ids = all.inferenceProfileSummaries?.map((p) => p.inferenceProfileId) ?? [];
    assert.ok(ids.includes("us.amazon.nova-pro-v1:0"));
    assert.ok(all.inferenceProfileSummaries?.every((p) => p.type === "SYSTEM_DEFINED"));
    const paged: string[] = [];
    let pages = 0;
    for await (const page of paginateListInferenceProfiles(
      { client, pageSize: 3 },
      { typeEquals: "SYSTEM_DEFINED" },
    )) {
      pages++;
      assert.ok((page.inferenceProfileSummaries?.length ?? 0) <= 3);
      for (const p of page.inferenceProfileSummaries ?? []) paged.push(p.inferenceProfileId ?? "");
    }
    assert.deepEqual(paged, ids);
    assert.equal(pages, Math.ceil(ids.length / 3));
    const first = await client.send(
      new ListInferenceProfilesCommand({ typeEquals: "APPLICATION", maxResults: 1 }),
    );
    assert.equal(first.inferenceProfileSummaries?.[0]?.inferenceProfileId, "twinsupport01");
    const second = await client.send(
      new ListInferenceProfilesCommand({
        typeEquals: "APPLICATION",
        maxResults: 1,
        nextToken: first.nextToken,
      }),
    );
    assert.equal(second.inferenceProfileSummaries?.[0]?.inferenceProfileId, "twinsearch01");
    assert.equal(second.nextToken, undefined);
    await rejects(client.send(new ListInferenceProfilesCommand({ maxResults: 5000 })), "ValidationException");
  });

  it("GetInferenceProfile answers the second profile by ID and by ARN", async () => {
    for (const id of ["twinsearch01", SEARCH]) {
      const out = await client.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: id }));
      assert.equal(out.inferenceProfileName, "twin-search");
      assert.equal(out.inferenceProfileArn, SEARCH);
      assert.equal(out.type, "APPLICATION");
    }
  });

  it("ListTagsForResource gives each profile its team and app tags, in the documented shape", async () => {
    const support = await client.send(new ListTagsForResourceCommand({ resourceARN: SUPPORT }));
    const search = await client.send(new ListTagsForResourceCommand({ resourceARN: SEARCH }));
    const shape = (tags: Array<{ key?: string; value?: string }> | undefined) =>
      tags?.map((t) => Object.keys(t).sort());
    assert.deepEqual(shape(support.tags)?.[0], shape(FIXTURE.ListTagsForResource.response.tags)?.[0]);
    assert.deepEqual(support.tags, [
      { key: "team", value: "support" },
      { key: "app", value: "twin-support" },
    ]);
    assert.deepEqual(search.tags, [
      { key: "team", value: "search" },
      { key: "app", value: "twin-search" },
    ]);
    await rejects(
      client.send(
        new ListTagsForResourceCommand({
          resourceARN: profileArn("us-east-1", SANDBOX_ACCOUNT_ID, "nosuchprof01"),
        }),
      ),
      "ResourceNotFoundException",
    );
  });

  it("GetModelInvocationLoggingConfiguration: CloudWatch Logs with its role, and S3, as AWS shapes it", async () => {
    const out = await client.send(new GetModelInvocationLoggingConfigurationCommand({}));
    const config = out.loggingConfig;
    assert.ok(config);
    assert.deepEqual(
      Object.keys(config.cloudWatchConfig ?? {}).sort(),
      Object.keys(
        FIXTURE.GetModelInvocationLoggingConfiguration.response.loggingConfig.cloudWatchConfig as object,
      ).sort(),
    );
    assert.equal(config.cloudWatchConfig?.logGroupName, "/aws/bedrock/modelinvocations");
    assert.match(config.cloudWatchConfig?.roleArn ?? "", /^arn:aws:iam::123456789012:role\//);
    assert.equal(config.s3Config?.bucketName, "twin-bedrock-invocation-logs-123456789012");
    assert.equal(config.textDataDeliveryEnabled, false);
  });
});

describe("sandbox Bedrock control plane: logging switched off, and the simple scenario", () => {
  it("answers no loggingConfig when a test turns logging off, or in the simple scenario", async () => {
    for (const [scenario, settings] of [
      ["realistic", { bedrockControl: { invocationLogging: false } }],
      ["simple", {}],
    ] as const) {
      const { sandbox, client } = await open(scenario, settings);
      try {
        const out = await client.send(new GetModelInvocationLoggingConfigurationCommand({}));
        assert.equal(out.loggingConfig, undefined, scenario);
        const apps = await client.send(new ListInferenceProfilesCommand({ typeEquals: "APPLICATION" }));
        assert.equal(apps.inferenceProfileSummaries?.length, scenario === "simple" ? 0 : 2);
      } finally {
        client.destroy();
        await sandbox.close();
      }
    }
  });

  it("a custom log group name and S3-only delivery are served as set", async () => {
    const { sandbox, client } = await open("simple", {
      bedrockControl: { invocationLogging: { logGroupName: "/custom/bedrock", s3: false } },
    });
    try {
      const out = await client.send(new GetModelInvocationLoggingConfigurationCommand({}));
      assert.equal(out.loggingConfig?.cloudWatchConfig?.logGroupName, "/custom/bedrock");
      assert.equal(out.loggingConfig?.s3Config, undefined);
    } finally {
      client.destroy();
      await sandbox.close();
    }
  });
});

describe("calls through an application inference profile", () => {
  let sandbox: RunningSandbox;
  let runtime: BedrockRuntimeClient;
  let cw: CloudWatchClient;
  let ce: CostExplorerClient;

  before(async () => {
    sandbox = await startSandbox({
      port: 0,
      now: () => NOW,
      scenario: "realistic",
      settings: { bedrock: { latencyScale: 0.01 } },
    });
    const common = { region: "us-east-1", endpoint: sandbox.url, credentials: sandboxCredentials() };
    runtime = new BedrockRuntimeClient(common);
    cw = new CloudWatchClient(common);
    ce = new CostExplorerClient(common);
  });
  after(async () => {
    runtime.destroy();
    cw.destroy();
    ce.destroy();
    await sandbox.close();
  });

  it("AWS/Bedrock names the workload's profile calls by profile ID, never by ARN", async () => {
    const out = await cw.send(
      new ListMetricsCommand({ Namespace: "AWS/Bedrock", MetricName: "InputTokenCount" }),
    );
    const ids = new Set(out.Metrics?.flatMap((m) => m.Dimensions?.map((d) => d.Value) ?? []));
    assert.ok(ids.has("twinsupport01") && ids.has("twinsearch01"), [...ids].join(", "));
    assert.ok(![...ids].some((id) => id?.includes("application-inference-profile")));
  });

  it("a Converse call with the profile ARN is answered by its model and counted under the profile ID", async () => {
    const tokens = async () => {
      const out = await cw.send(
        new GetMetricDataCommand({
          StartTime: new Date(NOW - 3_600_000),
          EndTime: new Date(NOW + 60_000),
          MetricDataQueries: [
            {
              Id: "t",
              MetricStat: {
                Metric: {
                  Namespace: "AWS/Bedrock",
                  MetricName: "InputTokenCount",
                  Dimensions: [{ Name: "ModelId", Value: "twinsearch01" }],
                },
                Period: 7200,
                Stat: "Sum",
              },
            },
          ],
        }),
      );
      return out.MetricDataResults?.[0]?.Values?.reduce((a, b) => a + b, 0) ?? 0;
    };
    const before = await tokens();
    const reply = await runtime.send(
      new ConverseCommand({
        modelId: SEARCH,
        messages: [{ role: "user", content: [{ text: "Summarise the twin." }] }],
      }),
    );
    const used = reply.usage?.inputTokens ?? 0;
    assert.ok(used > 0);
    assert.equal(await tokens(), before + used);
    await assert.rejects(
      runtime.send(
        new ConverseCommand({
          modelId: profileArn("us-east-1", SANDBOX_ACCOUNT_ID, "nosuchprof01"),
          messages: [{ role: "user", content: [{ text: "hi" }] }],
        }),
      ),
      (err: Error) => err.name === "ValidationException",
    );
  });

  it("a benchmark call through twinsupport01 is billed at Nova Pro's price under the profile's tags", async () => {
    const supportToday = async () => {
      const out = await ce.send(
        new GetCostAndUsageCommand({
          TimePeriod: { Start: "2026-11-18", End: "2026-11-19" },
          Granularity: "DAILY",
          Metrics: ["UnblendedCost"],
          GroupBy: [{ Type: "TAG", Key: "team" }],
        }),
      );
      const group = out.ResultsByTime?.[0]?.Groups?.find((g) => g.Keys?.[0] === "team$support");
      return Number(group?.Metrics?.UnblendedCost?.Amount ?? 0);
    };
    const before = await supportToday();
    const reply = await runtime.send(
      new ConverseCommand({
        modelId: SUPPORT,
        messages: [{ role: "user", content: [{ text: "Where is my parcel?" }] }],
      }),
    );
    const expected = ((reply.usage?.inputTokens ?? 0) * 0.8 + (reply.usage?.outputTokens ?? 0) * 3.2) / 1e6;
    assert.ok(expected > 0);
    assert.ok(Math.abs((await supportToday()) - before - expected) < 1e-8);
  });
});
