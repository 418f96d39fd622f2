/**
 * Panel bytes (server/api/encode.ts): one body per response object, Accept-Encoding parsed once
 * per header with q=0 honoured, and a body sent again recompressed once at the highest level in
 * the thread pool: smaller, the same JSON once decoded, the same ETag.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import type { Request, Response } from "express";
import { chooseEncoding, type EncodedBody, PanelEncoder, sendEncoded } from "../../server/api/encode.ts";

/** A panel like the 24 h metrics one: many series of [time, value] points. */
function bigPanel() {
  const series = Array.from({ length: 40 }, (_, i) => ({
    id: `bedrock:model-${i}:InputTokenCount:Sum`,
    points: Array.from({ length: 288 }, (_, j) => [
      1_795_943_100_000 + j * 300_000,
      (i * 7919 + j * 104_729) % 5_000,
    ]),
  }));
  return { data: { series }, asOf: "2026-11-18T15:30:00.000Z", stale: false, error: null };
}

/** Send through sendEncoded with a minimal response recording headers and bytes. */
function send(body: EncodedBody, headers: Record<string, string>) {
  const out: { status: number; headers: Record<string, string>; bytes: Buffer } = {
    status: 0,
    headers: {},
    bytes: Buffer.alloc(0),
  };
  const res = {
    setHeader(name: string, value: string) {
      out.headers[name.toLowerCase()] = value;
    },
    status(code: number) {
      out.status = code;
      return this;
    },
    end(bytes?: Buffer) {
      if (bytes) out.bytes = bytes;
    },
  } as unknown as Response;
  sendEncoded({ method: "GET", headers } as unknown as Request, res, body);
  return out;
}

describe("panel encoding", () => {
  test("brotli before gzip, q=0 refuses, identity without the header (the same answer twice)", () => {
    for (let i = 0; i < 2; i++) {
      assert.equal(chooseEncoding("gzip, deflate, br, zstd"), "br");
      assert.equal(chooseEncoding("br;q=0, gzip"), "gzip");
      assert.equal(chooseEncoding("identity"), "identity");
      assert.equal(chooseEncoding("*;q=0"), "identity");
      assert.equal(chooseEncoding(undefined), "identity");
    }
  });

  test("one body per response object: the same object is not serialised again", () => {
    const encoder = new PanelEncoder();
    const panel = bigPanel();
    const first = encoder.encode(panel);
    assert.equal(encoder.encode(panel), first);
    // An equal but distinct object around the same data shares the bytes too (same data, same rest).
    assert.equal(encoder.encode({ ...panel }), first);
    assert.notEqual(encoder.encode({ ...panel, stale: true } as { readonly data: unknown }).etag, first.etag);
  });

  test("a body sent again is recompressed once, smaller, with the same JSON and ETag", async () => {
    const encoder = new PanelEncoder();
    const body = encoder.encode(bigPanel());
    const text = body.identity.toString("utf8");
    const firstBr = send(body, { "accept-encoding": "br" });
    const firstGzip = send(body, { "accept-encoding": "gzip" });
    assert.equal(firstBr.headers["content-encoding"], "br");
    assert.equal(brotliDecompressSync(firstBr.bytes).toString("utf8"), text);
    assert.equal(gunzipSync(firstGzip.bytes).toString("utf8"), text);
    // The second send starts the best compression in the thread pool.
    send(body, { "accept-encoding": "br" });
    send(body, { "accept-encoding": "gzip" });
    for (let i = 0; i < 10_000 && (body.br === firstBr.bytes || body.gzip === firstGzip.bytes); i++)
      await new Promise((resolve) => setTimeout(resolve, 1));
    assert.ok(body.br!.length < firstBr.bytes.length, `${body.br!.length} < ${firstBr.bytes.length}`);
    assert.ok(body.gzip!.length <= firstGzip.bytes.length);
    const later = send(body, { "accept-encoding": "br" });
    assert.equal(later.headers.etag, firstBr.headers.etag);
    assert.equal(later.headers["content-length"], String(body.br!.length));
    assert.equal(brotliDecompressSync(later.bytes).toString("utf8"), text);
    assert.equal(send(body, { "accept-encoding": "br", "if-none-match": body.etag }).status, 304);
  });
});
