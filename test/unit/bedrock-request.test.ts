import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AwsError } from "../../server/sandbox/core/errors.ts";
import { inputTokens, parseConverseBody, promptOf } from "../../server/sandbox/providers/bedrock/request.ts";

const body = (value: unknown) => Buffer.from(JSON.stringify(value));

function errorOf(fn: () => unknown): AwsError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof AwsError);
    return err;
  }
  assert.fail("expected a ValidationException");
}

describe("Converse request validation", () => {
  it("reads system, messages and inferenceConfig, and counts input tokens over all of them", () => {
    // Act
    const input = parseConverseBody(
      body({
        system: [{ text: "Be brief." }],
        messages: [
          {
            role: "user",
            content: [
              { text: "What is a cold start?" },
              { image: { format: "png", source: { bytes: "iVBO" } } },
            ],
          },
          { role: "assistant", content: [{ text: "The first call of a new sandbox." }] },
          { role: "user", content: [{ text: "And how long?" }] },
        ],
        inferenceConfig: { maxTokens: 2000, temperature: 0.7, topP: 0.9, stopSequences: ["END"] },
      }),
    );
    // Assess: 9/4 -> 3, 21/4 -> 6 (+1,000 for the image), 32/4 -> 8, 13/4 -> 4
    assert.equal(inputTokens(input), 3 + 6 + 1000 + 8 + 4);
    assert.deepEqual(input.stopSequences, ["END"]);
    assert.equal(input.maxTokens, 2000);
    assert.equal(promptOf(input).prompt, "And how long?\nBe brief.");
  });

  it("reports every constraint violation in one message, Smithy style", () => {
    // Act
    const err = errorOf(() =>
      parseConverseBody(
        body({
          messages: [{ role: "user", content: [{ text: "hi" }] }],
          inferenceConfig: { maxTokens: 0, topP: 1.5 },
        }),
      ),
    );
    // Assess
    assert.equal(err.code, "ValidationException");
    assert.equal(
      err.message,
      "2 validation errors detected: Value '0' at 'inferenceConfig.maxTokens' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
        "Value '1.5' at 'inferenceConfig.topP' failed to satisfy constraint: Member must have value less than or equal to 1",
    );
  });

  it("rejects an unknown role, empty content and blank text with the block's position", () => {
    // Act
    const role = errorOf(() =>
      parseConverseBody(body({ messages: [{ role: "system", content: [{ text: "x" }] }] })),
    );
    const empty = errorOf(() => parseConverseBody(body({ messages: [{ role: "user", content: [] }] })));
    const blank = errorOf(() =>
      parseConverseBody(body({ messages: [{ role: "user", content: [{ text: "ok" }, { text: "  " }] }] })),
    );
    // Assess
    assert.match(
      role.message,
      /Value 'system' at 'messages\.1\.member\.role' failed to satisfy constraint: Member must satisfy enum value set: \[user, assistant\]/,
    );
    assert.match(empty.message, /^The content field in the Message object at messages\.0 is empty/);
    assert.match(
      blank.message,
      /^The text field in the ContentBlock object at messages\.0\.content\.1 is blank/,
    );
  });

  it("rejects a body that is not JSON", () => {
    const err = errorOf(() => parseConverseBody(Buffer.from("{not json")));
    assert.equal(err.message, "Malformed input request, please reformat your input and try again.");
  });
});
