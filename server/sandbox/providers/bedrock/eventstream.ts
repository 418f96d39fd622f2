/**
 * The `application/vnd.amazon.eventstream` binary framing Bedrock Runtime streams use, encoded
 * with @smithy/eventstream-codec, the codec the AWS SDK itself uses:
 *
 *   [total length u32][headers length u32][prelude CRC32 u32][headers][payload][message CRC32 u32]
 *
 * Source: AWS "Event stream encoding" (AWS SDK / Transcribe streaming docs).
 */
import { crc32 as zlibCrc32 } from "node:zlib";
import { fromUtf8, toUtf8 } from "@smithy/core/serde";
import { EventStreamCodec } from "@smithy/eventstream-codec";

const codec = new EventStreamCodec(toUtf8, fromUtf8);

/** CRC-32 (IEEE 802.3, the zlib polynomial) of `bytes`, the checksum the framing carries. */
export function crc32(bytes: Uint8Array): number {
  return zlibCrc32(bytes) >>> 0;
}

/** One framed message with string headers and a binary payload. */
export function encodeMessage(headers: Record<string, string>, payload: Uint8Array): Buffer {
  const typed = Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, { type: "string" as const, value }]),
  );
  const frame = codec.encode({ headers: typed, body: payload });
  return Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
}

/** An event of the stream's union (e.g. `contentBlockDelta`) with a JSON payload. */
export function eventMessage(eventType: string, payload: unknown): Buffer {
  return encodeMessage(
    { ":event-type": eventType, ":content-type": "application/json", ":message-type": "event" },
    Buffer.from(JSON.stringify(payload), "utf8"),
  );
}

/** A modelled exception of the stream's union (e.g. `throttlingException`), ending the stream. */
export function exceptionMessage(exceptionType: string, payload: unknown): Buffer {
  return encodeMessage(
    { ":exception-type": exceptionType, ":content-type": "application/json", ":message-type": "exception" },
    Buffer.from(JSON.stringify(payload), "utf8"),
  );
}
