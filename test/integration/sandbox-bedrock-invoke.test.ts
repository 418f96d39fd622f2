import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  BedrockRuntimeClient,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
  ValidationException,
} from "@aws-sdk/client-bedrock-runtime";
import { type RunningSandbox, sandboxCredentials, startSandbox } from "../../server/sandbox/index.ts";
import type { GroundTruthCall } from "../../server/sandbox/providers/bedrock/ground-truth.ts";
import { countTokens } from "../../server/sandbox/providers/bedrock/text.ts";

const decode = (bytes: Uint8Array | undefined) =>
  JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;

describe("sandbox Bedrock Runtime: InvokeModel and InvokeModelWithResponseStream with native bodies", () => {
  let sandbox: RunningSandbox;
  let bedrock: BedrockRuntimeClient;

  before(async () => {
    sandbox = await startSandbox({ port: 0, settings: { bedrock: { latencyScale: 0.01 } } });
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

  it("answers a Nova messages-v1 body with Nova's native response and token headers", async () => {
    // Prepare: the request body of AWS's "Invoke Amazon Nova" example (Amazon Nova user guide, InvokeModel)
    const body = {
      schemaVersion: "messages-v1",
      system: [{ text: "You are a concise assistant." }],
      messages: [
        {
          role: "user",
          content: [{ text: "Describe the purpose of a 'hello world' program in one sentence." }],
        },
      ],
      inferenceConfig: { maxTokens: 500, topP: 0.9, temperature: 0.7 },
    };
    // Act
    const out = await bedrock.send(
      new InvokeModelCommand({
        modelId: "amazon.nova-lite-v1:0",
        contentType: "application/json",
        body: JSON.stringify(body),
      }),
    );
    // Assess
    const parsed = decode(out.body) as {
      output: { message: { role: string; content: Array<{ text: string }> } };
      stopReason: string;
      usage: { inputTokens: number; outputTokens: number; totalTokens: number };
    };
    const text = parsed.output.message.content[0]?.text ?? "";
    assert.equal(out.contentType, "application/json");
    assert.equal(parsed.output.message.role, "assistant");
    assert.match(text, /hello world/);
    assert.equal(parsed.stopReason, "end_turn");
    assert.equal(parsed.usage.outputTokens, countTokens(text));
    assert.equal(parsed.usage.totalTokens, parsed.usage.inputTokens + parsed.usage.outputTokens);
  });

  it("answers an Anthropic Messages body natively and requires max_tokens", async () => {
    // Prepare: AWS's Claude Messages API example body (Anthropic Claude Messages API, Amazon Bedrock user guide)
    const body = {
      anthropic_version: "bedrock-2023-05-31",
      max_tokens: 12,
      messages: [
        { role: "user", content: [{ type: "text", text: "Explain in detail what a budget alert does." }] },
      ],
    };
    // Act
    const out = await bedrock.send(
      new InvokeModelCommand({
        modelId: "us.anthropic.claude-3-haiku-20240307-v1:0",
        body: JSON.stringify(body),
      }),
    );
    const missing = await bedrock
      .send(
        new InvokeModelCommand({
          modelId: "anthropic.claude-3-haiku-20240307-v1:0",
          body: JSON.stringify({ messages: [] }),
        }),
      )
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    // Assess
    const parsed = decode(out.body) as {
      type: string;
      stop_reason: string;
      usage: { output_tokens: number };
    };
    assert.equal(parsed.type, "message");
    assert.equal(parsed.stop_reason, "max_tokens");
    assert.equal(parsed.usage.output_tokens, 12);
    assert.ok(missing instanceof ValidationException);
    assert.match(missing.message, /required key \[anthropic_version\] not found/);
  });

  it("streams Nova chunks ending with the invocation metrics, matching the ground truth", async () => {
    // Act
    const out = await bedrock.send(
      new InvokeModelWithResponseStreamCommand({
        modelId: "us.amazon.nova-micro-v1:0",
        body: JSON.stringify({
          messages: [{ role: "user", content: [{ text: "Summarize the twin-monitoring dashboard." }] }],
        }),
      }),
    );
    const chunks: Record<string, unknown>[] = [];
    for await (const event of out.body ?? []) chunks.push(decode(event.chunk?.bytes));
    // Assess
    const text = chunks
      .map((c) => (c.contentBlockDelta as { delta?: { text?: string } } | undefined)?.delta?.text ?? "")
      .join("");
    const metrics = chunks.at(-1)?.["amazon-bedrock-invocationMetrics"] as {
      outputTokenCount: number;
      invocationLatency: number;
    };
    assert.deepEqual(Object.keys(chunks[0] ?? {}), ["messageStart"]);
    assert.equal(metrics.outputTokenCount, countTokens(text));
    const res = await fetch(`${sandbox.url}/_sandbox/bedrock/calls?operation=InvokeModelWithResponseStream`);
    const [truth] = ((await res.json()) as { calls: GroundTruthCall[] }).calls;
    assert.equal(truth?.requestId, out.$metadata.requestId);
    assert.equal(truth?.outputTokens, metrics.outputTokenCount);
    assert.equal(truth?.modelId, "us.amazon.nova-micro-v1:0");
  });
});
