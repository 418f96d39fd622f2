/**
 * The API serves bytes, not objects: a panel is serialised once per cache entry (its data's JSON
 * comes from server/cache/serialized.ts), compressed once per accepted encoding (gzip, brotli),
 * and tagged with a strong ETag, so an unchanged panel costs a 304 and a lookup.
 */
import { createHash } from "node:crypto";
import { brotliCompress, brotliCompressSync, constants, gzip, gzipSync } from "node:zlib";
import type { Request, Response } from "express";
import { serialized } from "../cache/serialized.ts";

export type Encoding = "br" | "gzip" | "identity";

export interface EncodedBody {
  etag: string;
  identity: Buffer;
  gzip?: Buffer;
  br?: Buffer;
  /** Encodings whose smallest form is being computed off the event loop (or done). */
  best?: Set<"gzip" | "br">;
  /** Times sent compressed: a body sent once (e.g. the usage panel, new each request) is not worth more. */
  sends?: number;
}

/** Bodies below this size are sent as they are (compression would not pay for its header). */
const MIN_COMPRESS_BYTES = 1024;
const MAX_VARIANTS = 8;

/** Encodings chosen per Accept-Encoding header (browsers send a handful of distinct ones). */
const chosen = new Map<string, Encoding>();

/** The best encoding the client accepts (q=0 refuses one); brotli before gzip. */
export function chooseEncoding(header: string | undefined): Encoding {
  if (!header) return "identity";
  const known = chosen.get(header);
  if (known) return known;
  const encoding = parseAcceptEncoding(header);
  if (chosen.size >= 64) chosen.clear();
  chosen.set(header, encoding);
  return encoding;
}

function parseAcceptEncoding(header: string): Encoding {
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

/**
 * The body in an encoding: the first request compresses at a fast level on the spot; once the
 * same body is sent again, its smallest form (brotli 11, gzip 9) is computed once in the thread
 * pool and replaces it when done: a cache entry is sent many times and compressed once, so its bytes on the wire are the
 * fewest zlib can make without holding the event loop (brotli 11 takes about a second for the
 * 24 h metrics panel).
 */
function bodyFor(body: EncodedBody, encoding: Encoding): Buffer {
  if (encoding === "identity" || body.identity.length < MIN_COMPRESS_BYTES) return body.identity;
  if (encoding === "gzip") {
    body.gzip ??= gzipSync(body.identity, { level: 6 });
    improve(body, "gzip");
    return body.gzip;
  }
  body.br ??= brotliCompressSync(body.identity, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 5,
      [constants.BROTLI_PARAM_SIZE_HINT]: body.identity.length,
    },
  });
  improve(body, "br");
  return body.br;
}

function improve(body: EncodedBody, encoding: "gzip" | "br"): void {
  body.sends = (body.sends ?? 0) + 1;
  if (body.sends < 2) return;
  body.best ??= new Set();
  if (body.best.has(encoding)) return;
  body.best.add(encoding);
  const done = (err: Error | null, smaller: Buffer) => {
    if (err) return; // The fast form stays; it is a valid encoding of the same bytes.
    const current = encoding === "gzip" ? body.gzip : body.br;
    if (current && smaller.length < current.length) body[encoding] = smaller;
  };
  if (encoding === "gzip") gzip(body.identity, { level: 9, memLevel: 9 }, done);
  else
    brotliCompress(
      body.identity,
      {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
          [constants.BROTLI_PARAM_LGWIN]: 22,
          [constants.BROTLI_PARAM_SIZE_HINT]: body.identity.length,
          [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        },
      },
      done,
    );
}

/** Remembers each panel's bytes by the identity of its data (one cache entry = one data object). */
export class PanelEncoder {
  private readonly byData = new WeakMap<object, Map<string, EncodedBody>>();
  /** Bytes per response object: a panel object the cache hands out again costs one lookup. */
  private readonly byValue = new WeakMap<object, EncodedBody>();

  /** The JSON of an object `{data, ...rest}` with `data` serialised once per object. */
  encode(value: { readonly data: unknown }): EncodedBody {
    const known = this.byValue.get(value);
    if (known) return known;
    const body = this.build(value);
    this.byValue.set(value, body);
    return body;
  }

  private build(value: { readonly data: unknown }): EncodedBody {
    const { data, ...rest } = value as { readonly data: unknown; readonly [k: string]: unknown };
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

/**
 * Bytes for answers built fresh on each request (e.g. read from SQLite): the ETag comes from the
 * content, so it changes exactly when the answer does; the last body per key is kept, so an
 * unchanged answer reuses its compressed forms and a revalidation is a 304.
 */
export class TextBodies {
  private readonly last = new Map<string, { text: string; body: EncodedBody }>();
  constructor(private readonly max = 64) {}

  body(key: string, text: string): EncodedBody {
    const known = this.last.get(key);
    if (known && known.text === text) return known.body;
    const body = encoded(text);
    this.last.delete(key);
    this.last.set(key, { text, body });
    if (this.last.size > this.max) {
      const oldest = this.last.keys().next().value;
      if (oldest !== undefined) this.last.delete(oldest);
    }
    return body;
  }
}
