/**
 * The API serves bytes, not objects: a panel is serialised once per cache entry (its data's JSON
 * comes from server/cache/serialized.ts), compressed once per accepted encoding (gzip, brotli),
 * and tagged with a strong ETag, so an unchanged panel costs a 304 and a lookup.
 */
import { createHash } from "node:crypto";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import type { Request, Response } from "express";
import { serialized } from "../cache/serialized.ts";

export type Encoding = "br" | "gzip" | "identity";

export interface EncodedBody {
  etag: string;
  identity: Buffer;
  gzip?: Buffer;
  br?: Buffer;
}

/** Bodies below this size are sent as they are (compression would not pay for its header). */
const MIN_COMPRESS_BYTES = 1024;
const MAX_VARIANTS = 8;

/** The best encoding the client accepts (q=0 refuses one); brotli before gzip. */
export function chooseEncoding(header: string | undefined): Encoding {
  if (!header) return "identity";
  const accepted = new Map<string, number>();
  for (const part of header.split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    if (!name) continue;
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    accepted.set(name, q === undefined ? 1 : Number(q));
  }
  const weight = (name: string) => accepted.get(name) ?? (accepted.has("*") ? accepted.get("*")! : 0);
  if (weight("br") > 0) return "br";
  if (weight("gzip") > 0) return "gzip";
  return "identity";
}

function encoded(text: string): EncodedBody {
  const identity = Buffer.from(text, "utf8");
  const etag = `"${createHash("sha256").update(identity).digest("base64url").slice(0, 27)}"`;
  return { etag, identity };
}

function bodyFor(body: EncodedBody, encoding: Encoding): Buffer {
  if (encoding === "identity" || body.identity.length < MIN_COMPRESS_BYTES) return body.identity;
  if (encoding === "gzip") {
    body.gzip ??= gzipSync(body.identity, { level: 6 });
    return body.gzip;
  }
  body.br ??= brotliCompressSync(body.identity, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 6,
      [constants.BROTLI_PARAM_SIZE_HINT]: body.identity.length,
    },
  });
  return body.br;
}

/** Remembers each panel's bytes by the identity of its data (one cache entry = one data object). */
export class PanelEncoder {
  private readonly byData = new WeakMap<object, Map<string, EncodedBody>>();

  /** The JSON of an object `{data, ...rest}` with `data` serialised once per object. */
  encode(value: { data: unknown; [k: string]: unknown }): EncodedBody {
    const { data, ...rest } = value;
    const tail = JSON.stringify(rest);
    const build = () =>
      encoded(
        tail === "{}" ? `{"data":${serialized(data)}}` : `{"data":${serialized(data)},${tail.slice(1)}`,
      );
    if (data === null || typeof data !== "object") return build();
    let variants = this.byData.get(data);
    if (!variants) {
      variants = new Map();
      this.byData.set(data, variants);
    }
    let body = variants.get(tail);
    if (!body) {
      body = build();
      if (variants.size >= MAX_VARIANTS) variants.clear();
      variants.set(tail, body);
    }
    return body;
  }
}

function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((t) => t.trim().replace(/^W\//, "") === etag);
}

/**
 * Send JSON bytes with revalidation: `Cache-Control: no-cache` (the browser keeps the body and
 * asks again each time), an ETag, and 304 when the client already holds this version.
 */
export function sendEncoded(req: Request, res: Response, body: EncodedBody): void {
  res.setHeader("Cache-Control", "no-cache");
  res.setHeader("Vary", "Accept-Encoding");
  res.setHeader("ETag", body.etag);
  if (matches(req.headers["if-none-match"], body.etag)) {
    res.status(304).end();
    return;
  }
  const encoding = chooseEncoding(req.headers["accept-encoding"]);
  const bytes = bodyFor(body, encoding);
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  if (bytes !== body.identity) res.setHeader("Content-Encoding", encoding);
  res.setHeader("Content-Length", String(bytes.length));
  res.status(200).end(req.method === "HEAD" ? undefined : bytes);
}
