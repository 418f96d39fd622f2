/**
 * One place where an ops command gets its AWS clients: against the configured account, or
 * against an in-process sandbox when the configuration says `mode: "sandbox"` (no config.json).
 * The sandbox differs from AWS only by endpoint and credentials.
 */
import { resolve } from "node:path";
import { type AwsClients, createAwsClients, settingsFromConfig } from "../aws/clients.ts";
import type { Config } from "../config.ts";
import {
  type RunningSandbox,
  type SandboxOptions,
  sandboxCredentials,
  startSandbox,
} from "../sandbox/index.ts";

export interface ClientContext {
  clients: AwsClients;
  /** Set when the command runs against the in-process sandbox (for the banner only). */
  sandboxUrl?: string;
}

/**
 * Sandbox options implied by the configuration: its seed, region, functions, models and faults.
 * Budgets persist under server.dataDir so that a second `budget setup` sees the first one's work.
 */
export function sandboxOptionsFromConfig(config: Config): SandboxOptions {
  return {
    port: 0,
    seed: config.sandbox.seed,
    region: config.aws.region,
    functions: config.lambda.functions.map((f) => f.name),
    models: config.bedrock.models.map((m) => (m.profile ? `${m.profile}.${m.id}` : m.id)),
    faults: config.sandbox.faults,
    settings: { budgets: { stateFile: resolve(config.server.dataDir, "sandbox", "budgets.json") } },
  };
}

/**
 * Run `fn` with clients for `config`; in sandbox mode start the sandbox first and stop it after.
 * Clients are destroyed when `fn` settles.
 */
export async function withClients<T>(
  config: Config,
  fn: (ctx: ClientContext) => Promise<T>,
  sandboxOptions: SandboxOptions = sandboxOptionsFromConfig(config),
): Promise<T> {
  let sandbox: RunningSandbox | undefined;
  if (config.mode === "sandbox") sandbox = await startSandbox(sandboxOptions);
  const clients = createAwsClients(
    sandbox ? settingsFromConfig(config, sandboxCredentials(), sandbox.url) : settingsFromConfig(config),
  );
  try {
    return await fn(sandbox ? { clients, sandboxUrl: sandbox.url } : { clients });
  } finally {
    clients.destroy();
    await sandbox?.close();
  }
}
