/** awsJson 1.0 / 1.1 responses and errors, shaped as AWS sends them. */
import { randomUUID } from "node:crypto";
import { AwsError } from "./errors.ts";
import type { JsonProvider, SandboxResponse } from "./types.ts";

export function contentType(protocol: JsonProvider["protocol"]): string {
  return `application/x-amz-json-${protocol}`;
}

export function requestId(): string {
  return randomUUID();
}

/** Serialise a JSON value, turning Date into epoch seconds as the awsJson protocols do on the wire. */
export function toWireJson(value: unknown): string {
  return JSON.stringify(value, function replacer(this: unknown, key: string, v: unknown) {
    const raw = (this as Record<string, unknown>)[key];
    if (raw instanceof Date) return raw.getTime() / 1000;
    return v;
  });
}

export function jsonSuccess(provider: Pick<JsonProvider, "protocol">, output: unknown): SandboxResponse {
  return {
    status: 200,
    headers: { "content-type": contentType(provider.protocol), "x-amzn-requestid": requestId() },
    body: toWireJson(output ?? {}),
  };
}

export function jsonError(
  provider: Pick<JsonProvider, "protocol" | "queryCompatible">,
  error: AwsError,
  namespace?: string,
): SandboxResponse {
  const headers: Record<string, string> = {
    "content-type": contentType(provider.protocol),
    "x-amzn-requestid": requestId(),
    "x-amzn-errortype": `${error.code}:`,
  };
  if (provider.queryCompatible) {
    headers["x-amzn-query-error"] = `${error.queryCode ?? error.code};${error.fault}`;
  }
  const type = namespace ? `${namespace}#${error.code}` : error.code;
  const body: Record<string, unknown> = { __type: type, message: error.message, ...error.extra };
  return { status: error.status, headers, body: JSON.stringify(body) };
}

/** Parse an awsJson request body; an empty body is `{}` as the SDK sends for unit inputs. */
export function parseJsonBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    throw new AwsError("SerializationException", "Could not parse the request body as JSON", 400);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new AwsError("SerializationException", "The request body must be a JSON object", 400);
  }
  return parsed as Record<string, unknown>;
}
