/**
 * One codec per wire protocol (LocalStack's layout): it turns a request's bytes into the plain
 * input object an operation handler reads, and the handler's output or error into the bytes the
 * protocol prescribes. Providers know operations and shapes; codecs know the wire.
 */
import type { AwsError } from "../errors.ts";
import type { SandboxRequest, SandboxResponse } from "../types.ts";

export type WireProtocol = "awsJson1_0" | "awsJson1_1" | "awsQuery" | "smithyRpcV2Cbor";

export interface Codec {
  readonly protocol: WireProtocol;
  /** The operation's input in the awsJson document form (epoch-second timestamps, base64 blobs). */
  input(operation: string, req: SandboxRequest): Record<string, unknown>;
  output(operation: string, output: unknown): SandboxResponse;
  error(operation: string, error: AwsError): SandboxResponse;
}
