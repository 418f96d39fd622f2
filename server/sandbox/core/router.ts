/**
 * Routes a request to the provider that serves it, the way AWS clients address services:
 * by `X-Amz-Target` prefix (awsJson) or by method and path (restJson, awsQuery). Applies
 * injected faults and records every call in the ledger.
 */
import { setTimeout as delay } from "node:timers/promises";
import { AwsError } from "./errors.ts";
import type { FaultRule, Faults } from "./faults.ts";
import { jsonError, jsonSuccess, parseJsonBody, requestId } from "./json-protocol.ts";
import type { JsonProvider, Provider, RestProvider, SandboxRequest, SandboxResponse } from "./types.ts";

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
  /** Close the connection without answering (the "drop" fault). */
  drop?: boolean;
}

export class Router {
  private readonly byTarget = new Map<string, JsonProvider>();
  private readonly rest: RestProvider[] = [];

  constructor(private readonly faults: Faults) {}

  register(provider: Provider): void {
    if (provider.kind === "json") this.byTarget.set(provider.targetPrefix, provider);
    else this.rest.push(provider);
  }

  providers(): Provider[] {
    return [...this.byTarget.values(), ...this.rest];
  }

  async route(req: SandboxRequest): Promise<Routed> {
    const target = req.headers["x-amz-target"];
    if (typeof target === "string" && target.length > 0) return this.routeJson(req, target);
    for (const provider of this.rest) {
      const operation = provider.match(req);
      if (operation) return this.routeRest(provider, operation, req);
    }
    const error = new AwsError(
      "UnknownOperationException",
      `No service of this sandbox serves ${req.method} ${req.path}`,
      404,
    );
    return { service: "unknown", operation: "Unknown", response: jsonError({ protocol: "1.1" }, error) };
  }

  private async routeJson(req: SandboxRequest, target: string): Promise<Routed> {
    const dot = target.lastIndexOf(".");
    const prefix = target.slice(0, dot);
    const operation = target.slice(dot + 1);
    const provider = this.byTarget.get(prefix);
    if (!provider) {
      const error = new AwsError("UnknownOperationException", `Unknown target ${target}`, 400);
      return {
        service: "unknown",
        operation: operation || "Unknown",
        response: jsonError({ protocol: "1.1" }, error),
      };
    }
    const handler = provider.operations[operation];
    if (!handler) {
      const error = new AwsError(
        "UnknownOperationException",
        `Operation ${operation} is not supported by this sandbox`,
        400,
      );
      return { service: provider.service, operation, response: jsonError(provider, error) };
    }
    const faults = this.faults.draw(provider.service, operation);
    const pre = await this.applyPreFaults(provider.service, faults);
    if (pre)
      return {
        service: provider.service,
        operation,
        response: jsonError(provider, pre.error),
        drop: pre.drop,
      };
    let response: SandboxResponse;
    try {
      const input = parseJsonBody(req.body);
      const output = await handler(input, req);
      response = jsonSuccess(provider, output);
    } catch (err) {
      response = jsonError(provider, toAwsError(err));
    }
    return { service: provider.service, operation, response: corrupt(response, faults) };
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
