/**
 * The only place that constructs AWS SDK clients. Everything else receives them injected.
 * Real AWS and the sandbox differ only by `endpoint` and `credentials`.
 */
import { BedrockClient } from "@aws-sdk/client-bedrock";
import { BedrockRuntimeClient } from "@aws-sdk/client-bedrock-runtime";
import { BudgetsClient } from "@aws-sdk/client-budgets";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { CostExplorerClient } from "@aws-sdk/client-cost-explorer";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { OAMClient } from "@aws-sdk/client-oam";
import { ServiceQuotasClient } from "@aws-sdk/client-service-quotas";
import { SNSClient } from "@aws-sdk/client-sns";
import { STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@aws-sdk/types";
import { NodeHttp2Handler, NodeHttpHandler } from "@smithy/node-http-handler";
import type { Config } from "../config.ts";

/** Cost Explorer and Budgets are global services served from us-east-1. */
export const BILLING_REGION = "us-east-1";

export interface ClientSettings {
  region: string;
  profile?: string | undefined;
  endpoint?: string | undefined;
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider | undefined;
  maxAttempts: number;
  retryMode: "standard" | "adaptive";
  /** TCP/TLS connection set-up limit (ms) for every call. */
  connectTimeoutMs?: number;
  /** Limit (ms) for one request once connected; for HTTP/2 streams, the longest silence. */
  requestTimeoutMs?: number;
}

/** Defaults when the settings do not say: an endpoint that never answers must not hang a panel. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 3_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 20_000;

export interface ClientOptions {
  region?: string;
  /** Override the configured attempts; benchmarks use 1 so retries never hide in latency. */
  maxAttempts?: number;
}

export interface AwsClients {
  readonly settings: Readonly<ClientSettings>;
  cloudwatch(options?: ClientOptions): CloudWatchClient;
  logs(options?: ClientOptions): CloudWatchLogsClient;
  costExplorer(options?: ClientOptions): CostExplorerClient;
  budgets(options?: ClientOptions): BudgetsClient;
  bedrock(options?: ClientOptions): BedrockRuntimeClient;
  /** The Bedrock control plane (GetInferenceProfile, ListInferenceProfiles). */
  bedrockControl(options?: ClientOptions): BedrockClient;
  sts(options?: ClientOptions): STSClient;
  serviceQuotas(options?: ClientOptions): ServiceQuotasClient;
  sns(options?: ClientOptions): SNSClient;
  lambda(options?: ClientOptions): LambdaClient;
  /** CloudWatch Observability Access Manager: the sinks and links of cross-account observability. */
  oam(options?: ClientOptions): OAMClient;
  destroy(): void;
}

interface BaseClientConfig {
  region: string;
  endpoint?: string;
  profile?: string;
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  maxAttempts: number;
  retryMode: string;
  requestHandler: NodeHttpHandler;
}

interface Destroyable {
  destroy(): void;
}

export function settingsFromConfig(
  config: Config,
  credentials?: ClientSettings["credentials"],
  endpoint?: string,
): ClientSettings {
  return {
    region: config.aws.region,
    profile: config.aws.profile,
    endpoint: endpoint ?? config.aws.endpoint,
    credentials,
    maxAttempts: config.aws.maxAttempts,
    retryMode: config.aws.retryMode,
    connectTimeoutMs: config.aws.connectTimeoutMs,
    requestTimeoutMs: config.aws.requestTimeoutMs,
  };
}

/** Build a lazily-populated client factory; one client per (service, region, attempts). */
export function createAwsClients(settings: ClientSettings): AwsClients {
  const cache = new Map<string, Destroyable>();
  const connectionTimeout = settings.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const requestTimeout = settings.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  /** HTTP/1.1 clients: connect and request limits, a breach thrown as TimeoutError (then retried). */
  const httpHandler = () =>
    new NodeHttpHandler({
      connectionTimeout,
      requestTimeout,
      throwOnRequestTimeout: true,
      socketTimeout: requestTimeout,
    });

  function base(options: ClientOptions = {}, fixedRegion?: string): BaseClientConfig {
    const cfg: BaseClientConfig = {
      region: fixedRegion ?? options.region ?? settings.region,
      maxAttempts: options.maxAttempts ?? settings.maxAttempts,
      retryMode: settings.retryMode,
      requestHandler: httpHandler(),
    };
    if (settings.endpoint) cfg.endpoint = settings.endpoint;
    if (settings.profile) cfg.profile = settings.profile;
    if (settings.credentials) cfg.credentials = settings.credentials;
    return cfg;
  }

  function memo<T extends Destroyable>(
    service: string,
    options: ClientOptions,
    make: (cfg: BaseClientConfig) => T,
    fixedRegion?: string,
  ): T {
    const cfg = base(options, fixedRegion);
    const key = `${service}|${cfg.region}|${cfg.maxAttempts}`;
    const existing = cache.get(key);
    if (existing) return existing as T;
    const client = make(cfg);
    cache.set(key, client);
    return client;
  }

  /** The credential provider of the STS client: the chain every current client runs, resolved once. */
  function sharedCredentials(o: ClientOptions): AwsCredentialIdentityProvider {
    const sts = memo("sts", { region: o.region ?? settings.region }, (c) => new STSClient(c));
    return () => sts.config.credentials();
  }

  return {
    settings: Object.freeze({ ...settings }),
    cloudwatch: (o = {}) => memo("cloudwatch", o, (c) => new CloudWatchClient(c)),
    logs: (o = {}) => memo("logs", o, (c) => new CloudWatchLogsClient(c)),
    costExplorer: (o = {}) => memo("ce", o, (c) => new CostExplorerClient(c), BILLING_REGION),
    budgets: (o = {}) => memo("budgets", o, (c) => new BudgetsClient(c), BILLING_REGION),
    // Bedrock Runtime speaks HTTP/2: its handler limits the silence of each stream and of the
    // session (a connection that never answers fails after requestTimeout).
    bedrock: (o = {}) =>
      memo(
        "bedrock",
        o,
        ({ requestHandler: _http1, ...c }) =>
          new BedrockRuntimeClient({
            ...c,
            requestHandler: new NodeHttp2Handler({ requestTimeout, sessionTimeout: requestTimeout }),
          }),
      ),
    bedrockControl: (o = {}) => memo("bedrock-control", o, (c) => new BedrockClient(c)),
    sts: (o = {}) => memo("sts", o, (c) => new STSClient(c)),
    serviceQuotas: (o = {}) => memo("servicequotas", o, (c) => new ServiceQuotasClient(c)),
    sns: (o = {}) => memo("sns", o, (c) => new SNSClient(c)),
    lambda: (o = {}) => memo("lambda", o, (c) => new LambdaClient(c)),
    // @aws-sdk/client-oam's newest release in the registry (3.332.0) predates the `profile`
    // client option: it gets the credential provider a current client resolved (profile, SSO,
    // web identity, the container role) instead of running a 2023 credential chain of its own.
    oam: (o = {}) =>
      memo("oam", o, ({ profile: _profile, ...c }) => {
        const credentials = c.credentials ?? sharedCredentials(o);
        return new OAMClient({ ...c, credentials });
      }),
    destroy() {
      for (const client of cache.values()) client.destroy();
      cache.clear();
    },
  };
}
