/**
 * The only place that constructs AWS SDK clients. Everything else receives them injected.
 * Real AWS and the sandbox differ only by `endpoint` and `credentials`.
 */
import { BedrockRuntimeClient } from "@aws-sdk/client-bedrock-runtime";
import { BudgetsClient } from "@aws-sdk/client-budgets";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { CostExplorerClient } from "@aws-sdk/client-cost-explorer";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@aws-sdk/types";
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
}

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
  sts(options?: ClientOptions): STSClient;
  lambda(options?: ClientOptions): LambdaClient;
  destroy(): void;
}

interface BaseClientConfig {
  region: string;
  endpoint?: string;
  profile?: string;
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  maxAttempts: number;
  retryMode: string;
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
  };
}

/** Build a lazily-populated client factory; one client per (service, region, attempts). */
export function createAwsClients(settings: ClientSettings): AwsClients {
  const cache = new Map<string, Destroyable>();

  function base(options: ClientOptions = {}, fixedRegion?: string): BaseClientConfig {
    const cfg: BaseClientConfig = {
      region: fixedRegion ?? options.region ?? settings.region,
      maxAttempts: options.maxAttempts ?? settings.maxAttempts,
      retryMode: settings.retryMode,
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

  return {
    settings: Object.freeze({ ...settings }),
    cloudwatch: (o = {}) => memo("cloudwatch", o, (c) => new CloudWatchClient(c)),
    logs: (o = {}) => memo("logs", o, (c) => new CloudWatchLogsClient(c)),
    costExplorer: (o = {}) => memo("ce", o, (c) => new CostExplorerClient(c), BILLING_REGION),
    budgets: (o = {}) => memo("budgets", o, (c) => new BudgetsClient(c), BILLING_REGION),
    bedrock: (o = {}) => memo("bedrock", o, (c) => new BedrockRuntimeClient(c)),
    sts: (o = {}) => memo("sts", o, (c) => new STSClient(c)),
    lambda: (o = {}) => memo("lambda", o, (c) => new LambdaClient(c)),
    destroy() {
      for (const client of cache.values()) client.destroy();
      cache.clear();
    },
  };
}
