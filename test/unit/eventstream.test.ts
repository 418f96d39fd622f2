import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EventStreamCodec } from "@smithy/core/event-streams";
import { fromUtf8, toUtf8 } from "@smithy/core/serde";
import {
  crc32,
  encodeMessage,
  eventMessage,
  exceptionMessage,
} from "../../server/sandbox/providers/bedrock/eventstream.ts";

// The AWS SDK's own event-stream decoder (the one BedrockRuntimeClient uses), which checks both CRCs.
const codec = new EventStreamCodec(toUtf8, fromUtf8);

describe("event stream encoder", () => {
  it("computes the standard CRC-32 check value", () => {
    // Prepare: the CRC-32/ISO-HDLC check input "123456789" has the published check value 0xCBF43926.
    const input = new TextEncoder().encode("123456789");
    // Act
    const value = crc32(input);
    // Assess
    assert.equal(value, 0xcbf43926);
  });

  it("frames an event the SDK's decoder reads back with its headers and JSON payload", () => {
    // Prepare
    const payload = { delta: { text: "Hola, ¿qué tal?" }, contentBlockIndex: 0 };
    // Act
    const frame = eventMessage("contentBlockDelta", payload);
    const decoded = codec.decode(new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength));
    // Assess
    assert.equal(frame.readUInt32BE(0), frame.length);
    assert.deepEqual(decoded.headers[":event-type"], { type: "string", value: "contentBlockDelta" });
    assert.deepEqual(decoded.headers[":message-type"], { type: "string", value: "event" });
    assert.deepEqual(decoded.headers[":content-type"], { type: "string", value: "application/json" });
    assert.deepEqual(JSON.parse(toUtf8(decoded.body)), payload);
  });

  it("produces byte-identical frames to the SDK's encoder", () => {
    // Prepare
    const headers = {
      ":event-type": "messageStop",
      ":content-type": "application/json",
      ":message-type": "event",
    };
    const body = new TextEncoder().encode(JSON.stringify({ stopReason: "end_turn" }));
    const sdkHeaders = Object.fromEntries(
      Object.entries(headers).map(([k, v]) => [k, { type: "string" as const, value: v }]),
    );
    // Act
    const ours = encodeMessage(headers, body);
    const theirs = codec.encode({ headers: sdkHeaders, body });
    // Assess
    assert.deepEqual(new Uint8Array(ours), theirs);
  });

  it("marks exceptions with :message-type exception and :exception-type", () => {
    // Act
    const frame = exceptionMessage("throttlingException", {
      message: "Too many requests, please wait before trying again.",
    });
    const decoded = codec.decode(new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength));
    // Assess
    assert.equal(decoded.headers[":message-type"]?.value, "exception");
    assert.equal(decoded.headers[":exception-type"]?.value, "throttlingException");
    assert.equal(
      JSON.parse(toUtf8(decoded.body)).message,
      "Too many requests, please wait before trying again.",
    );
  });

  it("is rejected by the SDK when a payload byte is corrupted (message CRC) or the prelude is (prelude CRC)", () => {
    // Prepare
    const good = eventMessage("messageStart", { role: "assistant" });
    const badBody = Buffer.from(good);
    badBody[badBody.length - 6]! ^= 0xff;
    const badPrelude = Buffer.from(good);
    badPrelude[5]! ^= 0x01;
    // Act / Assess
    assert.throws(() => codec.decode(new Uint8Array(badBody)), /message checksum/);
    assert.throws(() => codec.decode(new Uint8Array(badPrelude)), /prelude checksum/);
  });
});
