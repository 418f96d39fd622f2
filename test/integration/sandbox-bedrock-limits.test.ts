import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  BedrockRuntimeClient,
  ConverseCommand,
  type ConverseCommandInput,
  ConverseStreamCommand,
  ModelStreamErrorException,
  ThrottlingException,
} from "@aws-sdk/client-bedrock-runtime";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { type RunningSandbox, sandboxCredentials, startSandbox } from "../../server/sandbox/index.ts";
import type { GroundTruthCall } from "../../server/sandbox/providers/bedrock/ground-truth.ts";

const ask = (modelId: string, text: string, maxTokens = 300): ConverseCommandInput => ({
  modelId,
  messages: [{ role: "user", content: [{ text }] }],
  inferenceConfig: { maxTokens },
});

async function calls(sandbox: RunningSandbox): Promise<GroundTruthCall[]> {
  const res = await fetch(`${sandbox.url}/_sandbox/bedrock/calls`);
  return ((await res.json()) as { calls: GroundTruthCall[] }).calls;
}

async function rejection(
  promise: Promise<unknown>,
): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (err) {
    return err as Error & { $metadata?: { httpStatusCode?: number } };
  }
  assert.fail("expected the call to fail");
}

describe("sandbox Bedrock Runtime: quotas, mid-stream exceptions, HTTP/1.1 and reset", () => {
  let sandbox: RunningSandbox;
  let bedrock: BedrockRuntimeClient;
  let http1: BedrockRuntimeClient;

  before(async () => {
    sandbox = await startSandbox({
      port: 0,
      settings: {
        bedrock: {
          latencyScale: 0.01,
          quotas: {
            "amazon.nova-micro-v1:0": { rpm: 2, tpm: 1_000_000 },
            "amazon.nova-lite-v1:0": { rpm: 100, tpm: 3000 },
          },
          streamExceptions: {
            probability: 1,
            exception: "throttlingException",
            afterTokens: 8,
            models: ["us.amazon.nova-lite-v1:0"],
          },
        },
      },
    });
    const options = {
      region: "us-east-1",
      endpoint: sandbox.url,
      credentials: sandboxCredentials(),
      maxAttempts: 1,
    };
    bedrock = new BedrockRuntimeClient(options);
    http1 = new BedrockRuntimeClient({ ...options, requestHandler: new NodeHttpHandler() });
  });

  after(async () => {
    bedrock.destroy();
    http1.destroy();
    await sandbox.close();
  });

  it("throttles past the configured RPM with ThrottlingException (429)", async () => {
    // Act
    await bedrock.send(new ConverseCommand(ask("amazon.nova-micro-v1:0", "First question about budgets?")));
    await bedrock.send(new ConverseCommand(ask("amazon.nova-micro-v1:0", "Second question about budgets?")));
    const err = await rejection(
      bedrock.send(new ConverseCommand(ask("amazon.nova-micro-v1:0", "Third question?"))),
    );
    // Assess
    assert.ok(err instanceof ThrottlingException);
    assert.equal(err.$metadata?.httpStatusCode, 429);
    assert.equal(err.message, "Too many requests, please wait before trying again.");
    const throttled = (await calls(sandbox)).filter(
      (c) => c.status === "throttled" && c.modelId === "amazon.nova-micro-v1:0",
    );
    assert.equal(throttled.length, 1);
    assert.equal(throttled[0]?.errorCode, "ThrottlingException");
  });

  it("reserves input + maxTokens against TPM when the request starts", async () => {
    // Prepare: TPM 3,000; a 1,200-token prompt (4,800 characters) whose answer would be short.
    const prompt = `In one word: is this log healthy? ${"REPORT Duration: 812.44 ms ".repeat(200)}`.slice(
      0,
      4800,
    );
    // Act: 1,200 + maxTokens 2,000 > 3,000 is refused up front; 1,200 + 500 fits.
    const err = await rejection(
      bedrock.send(new ConverseCommand(ask("amazon.nova-lite-v1:0", prompt, 2000))),
    );
    const fits = await bedrock.send(new ConverseCommand(ask("amazon.nova-lite-v1:0", prompt, 500)));
    // Assess
    assert.ok(err instanceof ThrottlingException);
    assert.equal(err.message, "Too many tokens, please wait before trying again.");
    assert.equal(fits.usage?.inputTokens, 1200);
    assert.ok((fits.usage?.outputTokens ?? 0) < 20);
  });

  it("surfaces a mid-stream throttlingException as ThrottlingException while iterating, after some text", async () => {
    // Prepare
    const out = await bedrock.send(
      new ConverseStreamCommand(
        ask("us.amazon.nova-lite-v1:0", "Explain in detail how to read the Lambda REPORT lines.", 2000),
      ),
    );
    const texts: string[] = [];
    // Act
    const err = await rejection(
      (async () => {
        for await (const event of out.stream ?? [])
          if (event.contentBlockDelta?.delta?.text) texts.push(event.contentBlockDelta.delta.text);
      })(),
    );
    // Assess
    assert.ok(err instanceof ThrottlingException, `got ${err.name}`);
    assert.ok(texts.length > 0);
    const truth = (await calls(sandbox)).find((c) => c.requestId === out.$metadata.requestId);
    assert.equal(truth?.status, "throttled");
    assert.equal(truth?.errorCode, "throttlingException");
    assert.equal(truth?.deltas, texts.length);
    assert.ok((truth?.outputTokens ?? 0) >= 8);
  });

  it("streams and converses over HTTP/1.1 (NodeHttpHandler) too", async () => {
    // Act
    const plain = await http1.send(
      new ConverseCommand(ask("us.amazon.nova-micro-v1:0", "Briefly: what is TTFT?")),
    );
    const stream = await http1.send(
      new ConverseStreamCommand(ask("us.amazon.nova-micro-v1:0", "Briefly: what is TPM?")),
    );
    const kinds: string[] = [];
    for await (const event of stream.stream ?? []) kinds.push(Object.keys(event)[0] ?? "");
    // Assess
    assert.equal(plain.stopReason, "end_turn");
    assert.equal(kinds[0], "messageStart");
    assert.equal(kinds.at(-1), "metadata");
  });

  it("raises ModelStreamErrorException mid-stream with its original status code", async () => {
    // Prepare: a second sandbox whose streams all fail with modelStreamErrorException after 4 tokens
    const failing = await startSandbox({
      port: 0,
      settings: {
        bedrock: {
          latencyScale: 0.01,
          streamExceptions: { probability: 1, exception: "modelStreamErrorException", afterTokens: 4 },
        },
      },
    });
    const client = new BedrockRuntimeClient({
      region: "us-east-1",
      endpoint: failing.url,
      credentials: sandboxCredentials(),
      maxAttempts: 1,
    });
    try {
      const out = await client.send(
        new ConverseStreamCommand(ask("amazon.nova-lite-v1:0", "Explain in detail the twin-budget alert.")),
      );
      // Act
      const err = await rejection(
        (async () => {
          for await (const _event of out.stream ?? []) {
            // drain until the exception
          }
        })(),
      );
      // Assess
      assert.ok(err instanceof ModelStreamErrorException, `got ${err.name}`);
      assert.equal(err.originalStatusCode, 500);
    } finally {
      client.destroy();
      await failing.close();
    }
  });

  it("forgets ground truth, call counters and quota windows on reset", async () => {
    // Prepare
    assert.ok((await calls(sandbox)).length > 0);
    // Act
    await fetch(`${sandbox.url}/_sandbox/reset`, { method: "POST" });
    const afterReset = await calls(sandbox);
    const again = await bedrock.send(new ConverseCommand(ask("amazon.nova-micro-v1:0", "After the reset?")));
    // Assess
    assert.deepEqual(afterReset, []);
    assert.equal(again.stopReason, "end_turn");
    const [first] = await calls(sandbox);
    assert.equal(first?.seq, 1);
    assert.equal(first?.callIndex, 0);
  });
});
