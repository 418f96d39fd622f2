/**
 * Routes a request to the provider that serves it, the way AWS clients address services:
 * by `X-Amz-Target` prefix (awsJson), by `/service/<Service>/operation/<Op>` (Smithy RPC v2
 * CBOR), by the form's `Version` (awsQuery) or by method and path (restJson). Request bodies are
 * decoded (Content-Encoding) first, for every provider; the protocol's codec turns the bytes into
 * the operation's input and its output or error back into bytes. Applies injected faults.
 */
import { setTimeout as delay } from "node:timers/promises";
import { cborCodec, cborTarget } from "./codecs/cbor.ts";
import type { Codec, WireProtocol } from "./codecs/codec.ts";
import { jsonCodec } from "./codecs/json.ts";
import { invalidAction, queryCodec, queryError, queryParams } from "./codecs/query.ts";
import { decodeBody, tooLarge } from "./content-encoding.ts";
import { AwsError } from "./errors.ts";
import type { FaultRule, Faults } from "./faults.ts";
import { requestId } from "./json-protocol.ts";
import { ServiceModel } from "./service-model.ts";
import type {
  JsonProvider,
  Provider,
  QueryProvider,
  RestProvider,
  SandboxRequest,
  SandboxResponse,
} from "./types.ts";

/** Error codes each service uses for the fault kinds, as AWS sends them. */
const FAULT_ERRORS: Record<string, Partial<Record<"throttle" | "internal" | "unavailable", AwsError>>> = {
  cloudwatch: {
    throttle: new AwsError("Throttling", "Rate exceeded", 400, "Throttling"),
    internal: new AwsError("InternalServiceFault", "Internal service error", 500, "InternalServiceError"),
    unavailable: new AwsError("ServiceUnavailable", "Service unavailable", 503, "ServiceUnavailable"),
  },
  ce: { throttle: new AwsError("LimitExceededException", "Rate exceeded", 400) },
  bedrock: {
    throttle: new AwsError("ThrottlingException", "Too many requests, please wait before trying again.", 429),
    internal: new AwsError("InternalServerException", "The server encountered an internal error.", 500),
    unavailable: new AwsError("ServiceUnavailableException", "Service unavailable. Try again later.", 503),
  },
};

function faultError(service: string, kind: "throttle" | "internal" | "unavailable"): AwsError {
  const specific = FAULT_ERRORS[service]?.[kind];
  if (specific) return specific;
  if (kind === "throttle") return new AwsError("ThrottlingException", "Rate exceeded", 400);
  if (kind === "internal")
    return new AwsError(
      "InternalFailure",
      "The request processing has failed because of an unknown error.",
      500,
    );
  return new AwsError(
    "ServiceUnavailable",
    "The request has failed due to a temporary failure of the server.",
    503,
  );
}

export interface Routed {
  service: string;
  operation: string;
  response: SandboxResponse;
  /** The AWS error code answered, for the ledger. */
  errorCode?: string;
  /** The wire protocol of the call, when an operation provider served it. */
  protocol?: WireProtocol;
  /** Close the connection without answering (the "drop" fault). */
  drop?: boolean;
}

type OperationsProvider = JsonProvider | QueryProvider;

interface Addressed {
  provider: OperationsProvider;
  operation: string;
  codec: Codec;
}

export class Router {
  private readonly byTarget = new Map<string, { provider: JsonProvider; codec: Codec }>();
  private readonly byVersion = new Map<string, { provider: OperationsProvider; codec: Codec }>();
  private readonly byCborService = new Map<string, { provider: JsonProvider; codec: Codec }>();
  private readonly all: Provider[] = [];
  private readonly rest: RestProvider[] = [];

  constructor(private readonly faults: Faults) {}

  register(provider: Provider): void {
    this.all.push(provider);
    if (provider.kind === "rest") {
      this.rest.push(provider);
      return;
    }
    if (provider.kind === "json") {
      this.byTarget.set(provider.targetPrefix, {
        provider,
        codec: jsonCodec(provider.protocol, provider.queryCompatible),
      });
      if (provider.rpcV2Cbor)
        this.byCborService.set(provider.rpcV2Cbor.serviceName, {
          provider,
          codec: cborCodec(provider.rpcV2Cbor),
        });
    }
    if (provider.query)
      this.byVersion.set(provider.query.version, { provider, codec: queryCodec(provider.query) });
  }

  providers(): Provider[] {
    return [...this.all];
  }

  async route(req: SandboxRequest): Promise<Routed> {
    try {
      req.body = decodeBody(req.body, req.headers["content-encoding"]);
    } catch (err) {
      return answer("unknown", "Unknown", guessCodec(req), toAwsError(err));
    }
    const addressed = this.address(req);
    if (addressed && "response" in addressed) return addressed;
    if (addressed) return this.routeOperation(addressed, req);
    for (const provider of this.rest) {
      const operation = provider.match(req);
      if (operation) return this.routeRest(provider, operation, req);
    }
    const error = new AwsError(
      "UnknownOperationException",
      `No service of this sandbox serves ${req.method} ${req.path}`,
      404,
    );
    return answer("unknown", "Unknown", guessCodec(req), error);
  }

  /** Which operation of which provider the request addresses, and in which protocol. */
  private address(req: SandboxRequest): Addressed | Routed | undefined {
    const target = req.headers["x-amz-target"];
    if (typeof target === "string" && target.length > 0) {
      const dot = target.lastIndexOf(".");
      const operation = target.slice(dot + 1);
      const found = this.byTarget.get(target.slice(0, dot));
      if (!found) {
        const error = new AwsError("UnknownOperationException", `Unknown target ${target}`, 400);
        return answer("unknown", operation || "Unknown", jsonCodec("1.1"), error);
      }
      return { ...found, operation };
    }
    const rpc = req.method === "POST" ? cborTarget(req.path) : undefined;
    if (rpc && String(req.headers["smithy-protocol"] ?? "").toLowerCase() === "rpc-v2-cbor") {
      const found = this.byCborService.get(rpc.service);
      if (found) return { ...found, operation: rpc.operation };
      const error = new AwsError("UnknownOperationException", `Unknown service ${rpc.service}`, 404);
      return answer("unknown", rpc.operation, guessCodec(req), error);
    }
    const params = req.path === "/" ? queryParams(req) : undefined;
    const action = params?.get("Action");
    const version = params?.get("Version");
    if (action && version) {
      const found = this.byVersion.get(version);
      if (found) return { ...found, operation: action };
    }
    return undefined;
  }

  private async routeOperation(
    { provider, operation, codec }: Addressed,
    req: SandboxRequest,
  ): Promise<Routed> {
    const handler = Object.hasOwn(provider.operations, operation)
      ? provider.operations[operation]
      : undefined;
    if (!handler) {
      const error =
        codec.protocol === "awsQuery" && provider.query
          ? invalidAction(operation, provider.query.version)
          : new AwsError(
              "UnknownOperationException",
              `Operation ${operation} is not supported by this sandbox`,
              400,
            );
      return { ...answer(provider.service, operation, codec, error), protocol: codec.protocol };
    }
    const faults = this.faults.draw(provider.service, operation);
    const pre = await this.applyPreFaults(provider.service, faults);
    if (pre)
      return {
        ...answer(provider.service, operation, codec, pre.error),
        drop: pre.drop,
        protocol: codec.protocol,
      };
    let response: SandboxResponse;
    let errorCode: string | undefined;
    try {
      const limit = provider.requestLimits?.[operation];
      if (limit !== undefined && req.body.length > limit) throw tooLarge(req.body.length, limit);
      const input = codec.input(operation, req);
      const output = await handler(input, req);
      response = codec.output(operation, output);
    } catch (err) {
      const error = toAwsError(err);
      errorCode = error.code;
      response = codec.error(operation, error);
    }
    const routed: Routed = {
      service: provider.service,
      operation,
      response: corrupt(response, faults),
      protocol: codec.protocol,
    };
    if (errorCode) routed.errorCode = errorCode;
    return routed;
  }

  private async routeRest(provider: RestProvider, operation: string, req: SandboxRequest): Promise<Routed> {
    const faults = this.faults.draw(provider.service, operation);
    const pre = await this.applyPreFaults(provider.service, faults);
    if (pre) {
      const body = JSON.stringify({ message: pre.error.message });
      const response: SandboxResponse = {
        status: pre.error.status,
        headers: {
          "content-type": "application/json",
          "x-amzn-errortype": `${pre.error.code}:`,
          "x-amzn-requestid": requestId(),
        },
        body,
      };
      return { service: provider.service, operation, response, drop: pre.drop };
    }
    let response: SandboxResponse;
    try {
      response = await provider.handle(operation, req);
    } catch (err) {
      const error = toAwsError(err);
      response = {
        status: error.status,
        headers: {
          "content-type": "application/json",
          "x-amzn-errortype": `${error.code}:`,
          "x-amzn-requestid": requestId(),
        },
        body: JSON.stringify({ message: error.message }),
      };
    }
    return { service: provider.service, operation, response: corrupt(response, faults) };
  }

  private async applyPreFaults(
    service: string,
    faults: FaultRule[],
  ): Promise<{ error: AwsError; drop: boolean } | undefined> {
    for (const fault of faults) {
      if (fault.kind === "slow") await delay(fault.delayMs ?? 2000);
    }
    for (const fault of faults) {
      if (fault.kind === "drop") return { error: faultError(service, "internal"), drop: true };
      if (fault.kind === "throttle" || fault.kind === "internal" || fault.kind === "unavailable") {
        return { error: faultError(service, fault.kind), drop: false };
      }
    }
    return undefined;
  }
}

/** Malformed and truncated bodies: the answer a flaky proxy or a cut connection would give. */
function corrupt(response: SandboxResponse, faults: FaultRule[]): SandboxResponse {
  if (response.stream || typeof response.body === "undefined") return response;
  const body = Buffer.isBuffer(response.body) ? response.body : Buffer.from(response.body);
  if (faults.some((f) => f.kind === "malformed")) {
    return { ...response, status: 200, body: Buffer.from('<html><body>502 Bad Gateway</body></html>{"') };
  }
  if (faults.some((f) => f.kind === "truncated")) {
    return { ...response, body: body.subarray(0, Math.floor(body.length / 2)) };
  }
  return response;
}

export function toAwsError(err: unknown): AwsError {
  if (err instanceof AwsError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new AwsError("InternalFailure", `Sandbox internal error: ${message}`, 500);
}

function answer(service: string, operation: string, codec: Codec, error: AwsError): Routed {
  return { service, operation, response: codec.error(operation, error), errorCode: error.code };
}

/** The codec to answer a request that addresses no known operation, judged from its headers. */
function guessCodec(req: SandboxRequest): Codec {
  if (String(req.headers["smithy-protocol"] ?? "").toLowerCase() === "rpc-v2-cbor")
    return { ...jsonCodec("1.1"), error: (_op, error) => cborFallback(error) };
  const type = String(req.headers["content-type"] ?? "").toLowerCase();
  if (type.startsWith("application/x-www-form-urlencoded"))
    return {
      ...jsonCodec("1.1"),
      error: (_op, error) => queryError("https://sandbox.amazonaws.com/doc/", error),
    };
  return jsonCodec("1.1");
}

function cborFallback(error: AwsError): SandboxResponse {
  const codec = cborCodec({ serviceName: "", model: new ServiceModel({}, "com.amazonaws.sandbox") });
  return codec.error("Unknown", error);
}
