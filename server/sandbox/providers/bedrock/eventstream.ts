/**
 * The `application/vnd.amazon.eventstream` binary framing Bedrock Runtime streams use:
 *
 *   [total length u32][headers length u32][prelude CRC32 u32][headers][payload][message CRC32 u32]
 *
 * The prelude CRC covers the first 8 bytes; the message CRC covers every byte before it. Each
 * header is [name length u8][name][type u8][value]; only string values (type 7, u16 length) are
 * needed here. Source: AWS "Event stream encoding" (AWS SDK / Transcribe streaming docs) and the
 * decoder in @smithy/core/event-streams (EventStreamCodec, splitMessage), which tests decode against.
 */

const STRING_HEADER = 7;

const CRC_TABLE: Uint32Array = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE 802.3, the zlib polynomial) of `bytes`. */
export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function encodeHeaders(headers: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const nameBytes = Buffer.from(name, "utf8");
    const valueBytes = Buffer.from(value, "utf8");
    if (nameBytes.length > 255) throw new Error(`event stream header name too long: ${name}`);
    if (valueBytes.length > 65_535) throw new Error(`event stream header value too long for ${name}`);
    const head = Buffer.alloc(1 + nameBytes.length + 1 + 2);
    head.writeUInt8(nameBytes.length, 0);
    nameBytes.copy(head, 1);
    head.writeUInt8(STRING_HEADER, 1 + nameBytes.length);
    head.writeUInt16BE(valueBytes.length, 2 + nameBytes.length);
    parts.push(head, valueBytes);
  }
  return Buffer.concat(parts);
}

/** One framed message with string headers and a binary payload. */
export function encodeMessage(headers: Record<string, string>, payload: Uint8Array): Buffer {
  const headerBytes = encodeHeaders(headers);
  const total = 12 + headerBytes.length + payload.length + 4;
  const out = Buffer.alloc(total);
  out.writeUInt32BE(total, 0);
  out.writeUInt32BE(headerBytes.length, 4);
  out.writeUInt32BE(crc32(out.subarray(0, 8)), 8);
  headerBytes.copy(out, 12);
  out.set(payload, 12 + headerBytes.length);
  out.writeUInt32BE(crc32(out.subarray(0, total - 4)), total - 4);
  return out;
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
