/**
 * Request bodies as clients send them: SDKs gzip bodies of 10,240 bytes or more by default
 * (AWS SDKs and Tools reference, "Request compression"; `Content-Encoding: gzip`), and HTTP allows
 * `deflate`. Bodies are decoded before any codec reads them, and size limits apply to the decoded
 * bytes, answered as AWS does: `413 RequestEntityTooLarge: Request size 45305 exceeded 40960 bytes`
 * (the error CloudWatch returns, e.g. aws/aws-sdk-go#4441, influxdata/telegraf#10842).
 */
import { gunzipSync, inflateRawSync, inflateSync } from "node:zlib";
import { AwsError } from "./errors.ts";

/** Largest decoded body the sandbox accepts for any operation. */
export const MAX_DECODED_BYTES = 16 * 1024 * 1024;

export function tooLarge(size: number | undefined, limit: number): AwsError {
  const what = size === undefined ? "Request size" : `Request size ${size}`;
  return new AwsError(
    "RequestEntityTooLarge",
    `${what} exceeded ${limit} bytes`,
    413,
    "RequestEntityTooLarge",
  );
}

function encodings(header: string | string[] | undefined): string[] {
  const value = Array.isArray(header) ? header.join(",") : (header ?? "");
  return value
    .split(",")
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e.length > 0 && e !== "identity" && e !== "aws-chunked");
}

function inflate(body: Buffer, encoding: string, limit: number): Buffer {
  const options = { maxOutputLength: limit };
  if (encoding === "gzip" || encoding === "x-gzip") return gunzipSync(body, options);
  if (encoding === "deflate") {
    try {
      return inflateSync(body, options);
    } catch (err) {
      if (isTooLarge(err)) throw err;
      // Some clients send raw DEFLATE without the zlib wrapper under the same name.
      return inflateRawSync(body, options);
    }
  }
  throw new AwsError(
    "UnsupportedMediaType",
    `Content-Encoding ${encoding} is not supported; send the body uncompressed or with gzip or deflate.`,
    415,
  );
}

function isTooLarge(err: unknown): boolean {
  return err instanceof RangeError || (err as { code?: string }).code === "ERR_BUFFER_TOO_LARGE";
}

/**
 * The body with every Content-Encoding undone (last applied first).
 * @throws AwsError 413 when the decoded body exceeds `limit`, 400 when it does not decompress.
 */
export function decodeBody(
  body: Buffer,
  header: string | string[] | undefined,
  limit = MAX_DECODED_BYTES,
): Buffer {
  let out = body;
  for (const encoding of encodings(header).reverse()) {
    try {
      out = inflate(out, encoding, limit);
    } catch (err) {
      if (err instanceof AwsError) throw err;
      if (isTooLarge(err)) throw tooLarge(undefined, limit);
      throw new AwsError(
        "SerializationException",
        `The request body is marked Content-Encoding: ${encoding} but does not decompress (${(err as Error).message}).`,
        400,
        "MalformedInput",
      );
    }
  }
  if (out.length > limit) throw tooLarge(out.length, limit);
  return out;
}
