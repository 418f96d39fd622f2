/** awsJson 1.0 / 1.1: `X-Amz-Target` in, JSON out, `__type` errors (plus x-amzn-query-error when query-compatible). */
import { jsonError, jsonSuccess, parseJsonBody } from "../json-protocol.ts";
import type { Codec } from "./codec.ts";

export function jsonCodec(protocol: "1.0" | "1.1", queryCompatible = false): Codec {
  const settings = { protocol, queryCompatible };
  return {
    protocol: protocol === "1.0" ? "awsJson1_0" : "awsJson1_1",
    input: (_operation, req) => parseJsonBody(req.body),
    output: (_operation, output) => jsonSuccess(settings, output),
    error: (_operation, error) => jsonError(settings, error),
  };
}
