/**
 * The sandbox's CloudWatch Observability Access Manager (restJson1, signing name "oam"), the read
 * operations of a monitoring account with two linked source accounts:
 *   POST /ListSinks          {MaxResults 1-100, NextToken}            -> {Items[{Arn, Id, Name}], NextToken}
 *   POST /ListAttachedLinks  {SinkIdentifier, MaxResults 1-1000, NextToken}
 *                                                                     -> {Items[{Label, LinkArn, ResourceTypes}], NextToken}
 *   POST /GetSink            {Identifier}                              -> {Arn, Id, Name, Tags}
 *   POST /ListLinks          {MaxResults 1-5, NextToken}               -> {Items[...]}: links of this
 *                            account as a *source* account; the sandbox's account is a monitoring
 *                            account, so none.
 * Shapes: the OAM API reference and the AWS CLI reference examples (test/fixtures/oam/). Errors as
 * the service model has them: the `x-amzn-ErrorType` header and a body whose message member is
 * `Message` (ResourceNotFoundException 404, InternalServiceFault 500, ValidationException 400) or
 * `message` (InvalidParameterException, MissingRequiredParameterException, 400).
 */
import { AwsError } from "../../core/errors.ts";
import { requestId } from "../../core/json-protocol.ts";
import type { RestProvider, SandboxContext, SandboxRequest, SandboxResponse } from "../../core/types.ts";
import { linksOf, sinkOf } from "./store.ts";

const OPERATIONS = ["ListSinks", "ListAttachedLinks", "GetSink", "ListLinks"] as const;
type Operation = (typeof OPERATIONS)[number];
/** Exceptions whose message member is lower-case in the service model. */
const LOWER_CASE_MESSAGE = new Set(["InvalidParameterException", "MissingRequiredParameterException"]);

const invalid = (message: string) => new AwsError("InvalidParameterException", message, 400);

function json(status: number, value: unknown, headers: Record<string, string> = {}): SandboxResponse {
  return {
    status,
    headers: { "content-type": "application/json", "x-amzn-requestid": requestId(), ...headers },
    body: JSON.stringify(value),
  };
}

function errorResponse(error: AwsError): SandboxResponse {
  const key = LOWER_CASE_MESSAGE.has(error.code) ? "message" : "Message";
  return json(error.status, { [key]: error.message }, { "x-amzn-errortype": error.code });
}

function parseBody(req: SandboxRequest): Record<string, unknown> {
  const text = req.body.toString("utf8").trim();
  if (text === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AwsError("SerializationException", "The request body is not valid JSON.", 400);
  }
  if (!value || typeof value !== "object" || Array.isArray(value))
    throw new AwsError("SerializationException", "The request body must be a JSON object.", 400);
  return value as Record<string, unknown>;
}

/** One page of `items` from the request's NextToken (an opaque offset) and MaxResults (within min..max). */
function page<T>(input: Record<string, unknown>, items: readonly T[], max: number, fallback: number) {
  const raw = input.MaxResults;
  if (raw !== undefined && (typeof raw !== "number" || !Number.isInteger(raw) || raw < 1 || raw > max))
    throw invalid(`MaxResults must be an integer from 1 to ${max}.`);
  const size = typeof raw === "number" ? raw : fallback;
  let offset = 0;
  if (input.NextToken !== undefined) {
    const decoded = /^o(\d+)$/.exec(Buffer.from(String(input.NextToken), "base64url").toString("utf8"));
    if (!decoded) throw invalid("The NextToken is not valid.");
    offset = Number(decoded[1]);
  }
  const out: { Items: T[]; NextToken?: string } = { Items: items.slice(offset, offset + size) };
  if (offset + size < items.length) out.NextToken = Buffer.from(`o${offset + size}`).toString("base64url");
  return out;
}

function identifier(input: Record<string, unknown>, member: string): string {
  const value = input[member];
  if (value === undefined || value === null || value === "")
    throw new AwsError("MissingRequiredParameterException", `Missing required parameter: ${member}.`, 400);
  if (typeof value !== "string" || value.length > 2048) throw invalid(`${member} must be the ARN of a sink.`);
  return value;
}

function handle(ctx: SandboxContext, operation: Operation, req: SandboxRequest): SandboxResponse {
  const input = parseBody(req);
  const sink = sinkOf(ctx, req.region);
  switch (operation) {
    case "ListSinks":
      return json(200, page(input, [sink], 100, 100));
    case "ListLinks":
      return json(200, page(input, [], 5, 5));
    case "GetSink": {
      const id = identifier(input, "Identifier");
      if (id !== sink.Arn) throw new AwsError("ResourceNotFoundException", `Sink ${id} was not found.`, 404);
      return json(200, { ...sink, Tags: {} });
    }
    case "ListAttachedLinks": {
      const id = identifier(input, "SinkIdentifier");
      if (id !== sink.Arn) throw new AwsError("ResourceNotFoundException", `Sink ${id} was not found.`, 404);
      const items = linksOf(ctx, req.region).map((l) => ({
        Label: l.Label,
        LinkArn: l.Arn,
        ResourceTypes: l.ResourceTypes,
      }));
      return json(200, page(input, items, 1000, 1000));
    }
  }
}

export function createOamProvider(ctx: SandboxContext): RestProvider {
  return {
    kind: "rest",
    service: "oam",
    match: (req) => {
      if (req.method !== "POST") return undefined;
      const name = req.rawPath.slice(1);
      return (OPERATIONS as readonly string[]).includes(name) ? name : undefined;
    },
    handle: async (operation, req) => {
      try {
        return handle(ctx, operation as Operation, req);
      } catch (err) {
        if (err instanceof AwsError) return errorResponse(err);
        throw err;
      }
    },
  };
}
