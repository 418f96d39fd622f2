import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  AccessDeniedException,
  BedrockRuntimeClient,
  ConverseCommand,
  type ConverseCommandInput,
  ConverseStreamCommand,
  type ConverseStreamOutput,
  ResourceNotFoundException,
  ValidationException,
} from "@aws-sdk/client-bedrock-runtime";
import { type RunningSandbox, sandboxCredentials, startSandbox } from "../../server/sandbox/index.ts";
import type { GroundTruthCall } from "../../server/sandbox/providers/bedrock/ground-truth.ts";
import { countTokens } from "../../server/sandbox/providers/bedrock/text.ts";

const NOW = Date.UTC(2026, 10, 18, 15, 30);

// The seed's call (seed 000, call_bedrock): a system prompt, a multi-turn conversation, and
// inferenceConfig maxTokens 2000, temperature 0.7, topP 0.9.
const SYSTEM = "You are the digital twin of Ana. Answer as Ana would, in a friendly tone.";
const TWIN: ConverseCommandInput = {
  modelId: "amazon.nova-lite-v1:0",
  system: [{ text: SYSTEM }],
  messages: [
    { role: "user", content: [{ text: "Hi Ana, what do you work on?" }] },
    { role: "assistant", content: [{ text: "I build serverless chat APIs on AWS." }] },
    { role: "user", content: [{ text: "Which Bedrock model do you use for the twin-api and why?" }] },
  ],
  inferenceConfig: { maxTokens: 2000, temperature: 0.7, topP: 0.9 },
};

async function groundTruth(sandbox: RunningSandbox): Promise<GroundTruthCall[]> {
  const res = await fetch(`${sandbox.url}/_sandbox/bedrock/calls`);
  return ((await res.json()) as { calls: GroundTruthCall[] }).calls;
}

async function truthOf(sandbox: RunningSandbox, requestId: string | undefined): Promise<GroundTruthCall> {
  const found = (await groundTruth(sandbox)).find((c) => c.requestId === requestId);
  assert.ok(found, `ground truth has request ${requestId}`);
  return found;
}

async function rejection(
  promise: Promise<unknown>,
): Promise<Error & { $metadata: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (err) {
    return err as Error & { $metadata: { httpStatusCode?: number } };
  }
  assert.fail("expected the call to fail");
}

describe("sandbox Bedrock Runtime: Converse and ConverseStream over the SDK's default HTTP/2 handler", () => {
  let sandbox: RunningSandbox;
  let bedrock: BedrockRuntimeClient;

  before(async () => {
    sandbox = await startSandbox({
      port: 0,
      now: () => NOW,
      settings: {
        bedrock: {
          latencyScale: 0.01,
          accessDenied: ["us.anthropic.claude-3-7-sonnet-20250219-v1:0", "amazon.nova-lite-v1:0@us-west-2"],
          profileOnly: ["amazon.nova-pro-v1:0"],
        },
      },
    });
    // No requestHandler: the client's default NodeHttp2Handler, as the product uses it.
    bedrock = new BedrockRuntimeClient({
      region: "us-east-1",
      endpoint: sandbox.url,
      credentials: sandboxCredentials(),
      maxAttempts: 1,
    });
  });

  after(async () => {
    bedrock.destroy();
    await sandbox.close();
  });

  it("answers the seed's multi-turn Converse with an assistant message, end_turn and consistent usage", async () => {
    // Act
    const out = await bedrock.send(new ConverseCommand(TWIN));
    // Assess
    const text = out.output?.message?.content?.[0]?.text ?? "";
    const expectedInput =
      countTokens(SYSTEM) +
      countTokens("Hi Ana, what do you work on?") +
      countTokens("I build serverless chat APIs on AWS.") +
      countTokens("Which Bedrock model do you use for the twin-api and why?");
    assert.equal(out.output?.message?.role, "assistant");
    assert.ok(text.length > 20, text);
    assert.equal(out.stopReason, "end_turn");
    assert.equal(out.usage?.inputTokens, expectedInput);
    assert.equal(out.usage?.outputTokens, countTokens(text));
    assert.equal(out.usage?.totalTokens, expectedInput + countTokens(text));
    const truth = await truthOf(sandbox, out.$metadata.requestId);
    assert.equal(truth.status, "ok");
    assert.equal(truth.operation, "Converse");
    assert.equal(truth.outputTokens, out.usage?.outputTokens);
    assert.equal(truth.latencyMs, out.metrics?.latencyMs);
    assert.ok((truth.plannedTtftMs ?? 0) > 0 && (truth.plannedTtftMs ?? 0) <= (truth.plannedLatencyMs ?? 0));
  });

  it("caps the answer at maxTokens with stopReason max_tokens", async () => {
    // Act
    const out = await bedrock.send(
      new ConverseCommand({
        modelId: "amazon.nova-micro-v1:0",
        messages: [
          { role: "user", content: [{ text: "Explain in detail how Lambda cold starts affect latency." }] },
        ],
        inferenceConfig: { maxTokens: 7 },
      }),
    );
    // Assess
    const text = out.output?.message?.content?.[0]?.text ?? "";
    assert.equal(out.stopReason, "max_tokens");
    assert.equal(out.usage?.outputTokens, 7);
    assert.equal(countTokens(text), 7);
  });

  it("streams messageStart, deltas, contentBlockStop, messageStop and metadata last, agreeing with the ground truth", async () => {
    // Act
    const out = await bedrock.send(
      new ConverseStreamCommand({ ...TWIN, modelId: "us.amazon.nova-pro-v1:0" }),
    );
    const events: ConverseStreamOutput[] = [];
    for await (const event of out.stream ?? []) events.push(event);
    // Assess
    const kinds = events.map((e) => Object.keys(e).find((k) => k !== "$unknown"));
    const deltas = events.flatMap((e) =>
      e.contentBlockDelta?.delta?.text !== undefined ? [e.contentBlockDelta.delta.text] : [],
    );
    const metadata = events.at(-1)?.metadata;
    assert.equal(kinds[0], "messageStart");
    assert.equal(events[0]?.messageStart?.role, "assistant");
    assert.deepEqual(kinds.slice(-3), ["contentBlockStop", "messageStop", "metadata"]);
    assert.ok(kinds.slice(1, -3).every((k) => k === "contentBlockDelta"));
    assert.equal(events.at(-2)?.messageStop?.stopReason, "end_turn");
    assert.equal(metadata?.usage?.outputTokens, countTokens(deltas.join("")));
    assert.equal(
      metadata?.usage?.totalTokens,
      (metadata?.usage?.inputTokens ?? 0) + (metadata?.usage?.outputTokens ?? 0),
    );
    const truth = await truthOf(sandbox, out.$metadata.requestId);
    assert.equal(truth.operation, "ConverseStream");
    assert.equal(truth.modelId, "us.amazon.nova-pro-v1:0");
    assert.ok(["us-east-1", "us-east-2", "us-west-2"].includes(truth.servedRegion ?? ""));
    assert.equal(truth.deltas, deltas.length);
    assert.equal(truth.latencyMs, metadata?.metrics?.latencyMs);
    assert.equal(truth.outputTokens, metadata?.usage?.outputTokens);
  });

  it("returns valid JSON when the prompt asks for it", async () => {
    // Act
    const out = await bedrock.send(
      new ConverseCommand({
        modelId: "amazon.nova-lite-v1:0",
        messages: [
          { role: "user", content: [{ text: 'Reply with JSON only, with the keys "model" and "reason".' }] },
        ],
        inferenceConfig: { maxTokens: 2000 },
      }),
    );
    // Assess
    const parsed = JSON.parse(out.output?.message?.content?.[0]?.text ?? "") as Record<string, unknown>;
    assert.deepEqual(Object.keys(parsed).sort(), ["model", "reason"]);
  });

  it("accepts a percent-encoded inference-profile ARN as the model ID", async () => {
    // Act
    const out = await bedrock.send(
      new ConverseCommand({
        ...TWIN,
        modelId: "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-micro-v1:0",
      }),
    );
    // Assess
    const truth = await truthOf(sandbox, out.$metadata.requestId);
    assert.equal(truth.modelId, "us.amazon.nova-micro-v1:0");
    assert.equal(
      truth.requestedModelId,
      "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-micro-v1:0",
    );
  });

  it("raises ValidationException with AWS's on-demand message for a model that needs an inference profile", async () => {
    // Act
    const err = await rejection(
      bedrock.send(new ConverseCommand({ ...TWIN, modelId: "amazon.nova-pro-v1:0" })),
    );
    // Assess
    assert.ok(err instanceof ValidationException);
    assert.equal(err.$metadata.httpStatusCode, 400);
    assert.equal(
      err.message,
      "Invocation of model ID amazon.nova-pro-v1:0 with on-demand throughput isn’t supported. Retry your request with the ID or ARN of an inference profile that contains this model.",
    );
  });

  it("raises ValidationException 'The provided model identifier is invalid.' for an unknown ID and a profile from the wrong Region", async () => {
    // Act
    const unknown = await rejection(
      bedrock.send(new ConverseCommand({ ...TWIN, modelId: "amazon.nova-mega-v1:0" })),
    );
    const wrongRegion = await rejection(
      bedrock.send(new ConverseCommand({ ...TWIN, modelId: "eu.amazon.nova-lite-v1:0" })),
    );
    // Assess
    for (const err of [unknown, wrongRegion]) {
      assert.ok(err instanceof ValidationException);
      assert.equal(err.message, "The provided model identifier is invalid.");
    }
  });

  it("raises AccessDeniedException (403) for a model without access", async () => {
    // Act
    const err = await rejection(
      bedrock.send(
        new ConverseStreamCommand({ ...TWIN, modelId: "us.anthropic.claude-3-7-sonnet-20250219-v1:0" }),
      ),
    );
    // Assess
    assert.ok(err instanceof AccessDeniedException);
    assert.equal(err.$metadata.httpStatusCode, 403);
    assert.equal(err.message, "You don't have access to the model with the specified model ID.");
  });

  it("answers Nova Premier, past its end of life, with ResourceNotFoundException (404)", async () => {
    const err = await rejection(
      bedrock.send(new ConverseCommand({ ...TWIN, modelId: "us.amazon.nova-premier-v1:0" })),
    );
    assert.ok(err instanceof ResourceNotFoundException);
    assert.equal(err.$metadata.httpStatusCode, 404);
    assert.equal(
      err.message,
      "This model version has reached the end of its life. Please refer to the AWS documentation for more details.",
    );
  });

  it("denies a us. profile when access is missing in one of its Regions, while the base ID still works (seed 000)", async () => {
    // Act: access to Nova Lite was not granted in us-west-2, one of the us. profile's Regions
    const viaProfile = await rejection(
      bedrock.send(new ConverseCommand({ ...TWIN, modelId: "us.amazon.nova-lite-v1:0" })),
    );
    const direct = await bedrock.send(new ConverseCommand(TWIN));
    // Assess
    assert.ok(viaProfile instanceof AccessDeniedException);
    assert.equal(direct.stopReason, "end_turn");
  });

  it("takes the Region from the SigV4 scope: a Nova base ID from us-west-2 needs the us. profile", async () => {
    // Prepare
    const west = new BedrockRuntimeClient({
      region: "us-west-2",
      endpoint: sandbox.url,
      credentials: sandboxCredentials(),
      maxAttempts: 1,
    });
    try {
      // Act
      const err = await rejection(
        west.send(new ConverseCommand({ ...TWIN, modelId: "amazon.nova-micro-v1:0" })),
      );
      const ok = await west.send(new ConverseCommand({ ...TWIN, modelId: "us.amazon.nova-micro-v1:0" }));
      // Assess
      assert.ok(err instanceof ValidationException);
      assert.match(err.message, /with on-demand throughput isn’t supported/);
      const truth = await truthOf(sandbox, ok.$metadata.requestId);
      assert.equal(truth.region, "us-west-2");
    } finally {
      west.destroy();
    }
  });

  it("raises ResourceNotFoundException (404) for a Legacy model", async () => {
    const err = await rejection(
      bedrock.send(new ConverseCommand({ ...TWIN, modelId: "anthropic.claude-v2:1" })),
    );
    assert.ok(err instanceof ResourceNotFoundException);
    assert.equal(err.$metadata.httpStatusCode, 404);
  });

  it("validates the conversation and the inference parameters as AWS words it", async () => {
    // Act
    const assistantFirst = await rejection(
      bedrock.send(
        new ConverseCommand({
          modelId: "amazon.nova-lite-v1:0",
          messages: [{ role: "assistant", content: [{ text: "Hello" }] }],
        }),
      ),
    );
    const notAlternating = await rejection(
      bedrock.send(
        new ConverseCommand({
          modelId: "amazon.nova-lite-v1:0",
          messages: [
            { role: "user", content: [{ text: "System: be brief" }] },
            { role: "user", content: [{ text: "Hello" }] },
          ],
        }),
      ),
    );
    const hot = await rejection(
      bedrock.send(new ConverseCommand({ ...TWIN, inferenceConfig: { temperature: 1.5 } })),
    );
    const tooLong = await rejection(
      bedrock.send(new ConverseCommand({ ...TWIN, inferenceConfig: { maxTokens: 90_000 } })),
    );
    // Assess
    assert.ok(assistantFirst instanceof ValidationException);
    assert.match(assistantFirst.message, /^A conversation must start with a user message/);
    assert.match(notAlternating.message, /^A conversation must alternate between user and assistant roles/);
    assert.equal(
      hot.message,
      "1 validation error detected: Value '1.5' at 'inferenceConfig.temperature' failed to satisfy constraint: Member must have value less than or equal to 1",
    );
    assert.match(tooLong.message, /exceeds the model limit of 5000/);
  });

  it("adds every answered call to the workload (metrics, logs, bill) and the request ledger", async () => {
    // Prepare
    const before = sandbox.workload
      .bedrockCalls("amazon.nova-lite-v1:0", NOW - 1, NOW + 1)
      .filter((c) => c.source === "live");
    // Act
    const out = await bedrock.send(new ConverseCommand(TWIN));
    const bad = await rejection(bedrock.send(new ConverseCommand({ ...TWIN, inferenceConfig: { topP: 2 } })));
    // Assess
    const live = sandbox.workload
      .bedrockCalls("amazon.nova-lite-v1:0", NOW - 1, NOW + 1)
      .filter((c) => c.source === "live");
    const added = live.slice(before.length);
    assert.ok(bad instanceof ValidationException);
    assert.equal(added.length, 2);
    assert.deepEqual(
      added.map((c) => [c.status, c.operation, c.inputTokens, c.outputTokens, c.region]),
      [
        ["ok", "Converse", out.usage?.inputTokens, out.usage?.outputTokens, "us-east-1"],
        ["client_error", "Converse", 0, 0, "us-east-1"],
      ],
    );
    const ledger = sandbox.ledger.list({ service: "bedrock", operation: "Converse" });
    assert.ok(ledger.some((e) => e.status === 400 && e.errorCode === "ValidationException"));
  });
});
