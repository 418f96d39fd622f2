import type { IncomingHttpHeaders } from "node:http";
import type { Workload } from "../workload/model.ts";
import type { CborBinding } from "./codecs/cbor.ts";
import type { QueryBinding } from "./codecs/query.ts";
import type { Ledger } from "./ledger.ts";
import type { ProviderSettings } from "./settings.ts";

/** A request as the router sees it, whatever HTTP version carried it. */
export interface SandboxRequest {
  method: string;
  /** Path without the query string, percent-decoded per segment by the provider if needed. */
  path: string;
  rawPath: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  httpVersion: string;
  /** Region from the SigV4 credential scope (Authorization header), or the default. */
  region: string;
  /** Provider-specific counts recorded in the ledger entry of this call (e.g. metricsRequested). */
  notes: Record<string, number | string>;
}

/** A response a provider returns. Streaming providers return `stream` instead of `body`. */
export interface SandboxResponse {
  status: number;
  headers: Record<string, string>;
  body?: Buffer | string;
  /** For event streams: chunks written as they are produced; the response ends when it returns. */
  stream?: (write: (chunk: Buffer) => Promise<void>, signal: AbortSignal) => Promise<void>;
}

/** Context shared by every provider: the workload, the request ledger, the clock. */
export interface SandboxContext {
  readonly workload: Workload;
  readonly ledger: Ledger;
  /** Milliseconds since the epoch; injectable for tests. */
  now(): number;
  readonly accountId: string;
  /**
   * Source accounts linked to this account as a CloudWatch cross-account observability
   * monitoring account, each with its own workload (smaller than the monitoring account's).
   */
  readonly linkedAccounts: ReadonlyArray<{
    id: string;
    label: string;
    /** Its workload in the sandbox's default region. */
    workload: Workload;
    /** Its workloads in other regions (each with its own `region`), answered where CloudWatch is asked in that region. */
    elsewhere: readonly Workload[];
  }>;
  readonly defaultRegion: string;
  readonly settings: ProviderSettings;
}

/** Extra admin routes a provider serves under /_sandbox/<service>/ (e.g. Bedrock's ground truth). */
export type AdminRoute = (
  req: SandboxRequest,
) => SandboxResponse | undefined | Promise<SandboxResponse | undefined>;

/**
 * An operation handler: the plain input (awsJson document form: epoch-second timestamps, base64
 * blobs) in, the plain output (Date timestamps) out, whichever wire protocol carried the call.
 */
export type JsonOperation = (
  input: Record<string, unknown>,
  req: SandboxRequest,
) => unknown | Promise<unknown>;

/** A service addressed by `X-Amz-Target: <targetPrefix>.<Operation>` (awsJson 1.0 / 1.1). */
export interface JsonProvider {
  kind: "json";
  /** Service name in the ledger and fault rules, e.g. "cloudwatch", "logs", "ce", "budgets". */
  service: string;
  targetPrefix: string;
  protocol: "1.0" | "1.1";
  /** CloudWatch's query-compatible mode: adds the x-amzn-query-error header to errors. */
  queryCompatible?: boolean;
  operations: Record<string, JsonOperation>;
  /** The same operations over awsQuery (form-encoded POST, XML answers), when the service accepts it. */
  query?: QueryBinding;
  /** The same operations over Smithy RPC v2 CBOR, when the service accepts it. */
  rpcV2Cbor?: CborBinding;
  /** Largest decoded request body per operation, in bytes (AWS's documented limits); 413 beyond. */
  requestLimits?: Record<string, number>;
  reset?(): void;
  admin?: AdminRoute;
}

/** A service spoken only over awsQuery (STS, SNS): `Action` and `Version` in a form body. */
export interface QueryProvider {
  kind: "query";
  service: string;
  query: QueryBinding;
  operations: Record<string, JsonOperation>;
  requestLimits?: Record<string, number>;
  reset?(): void;
  admin?: AdminRoute;
}

/** A service addressed by method and path (restJson1, e.g. Bedrock Runtime). */
export interface RestProvider {
  kind: "rest";
  service: string;
  /** Returns the operation name when this provider serves the request. */
  match(req: SandboxRequest): string | undefined;
  handle(operation: string, req: SandboxRequest): Promise<SandboxResponse>;
  reset?(): void;
  admin?: AdminRoute;
}

export type Provider = JsonProvider | QueryProvider | RestProvider;
