/**
 * Where a command gets its AWS clients: the configured account, or an in-process sandbox when
 * the configuration says `mode: "sandbox"` (no config.json). The one place that wires the two;
 * they differ only by endpoint and credentials.
 */
import { resolve } from "node:path";
import { type Config, invokeModelId, type ManagedBudget } from "../config.ts";
import { desiredBudget } from "../ops/budget-plan.ts";
import { desiredNotification } from "../ops/budget-plan-alerts.ts";
import {
  type RunningSandbox,
  type SandboxOptions,
  sandboxCredentials,
  startSandbox,
} from "../sandbox/index.ts";
import { type AwsClients, createAwsClients, settingsFromConfig } from "./clients.ts";

export interface Runtime {
  clients: AwsClients;
  /** The in-process sandbox in sandbox mode, else null. */
  sandbox: RunningSandbox | null;
  close(): Promise<void>;
}

/** CreateBudget input for a budget of the config (the sandbox's account starts with these). */
function initialBudget(budget: ManagedBudget): Record<string, unknown> {
  const emails = budget.emails.length > 0 ? budget.emails : ["ops@example.com"];
  return {
    Budget: desiredBudget(budget),
    NotificationsWithSubscribers: budget.thresholds.map((t) => ({
      Notification: desiredNotification(t),
      Subscribers: emails.map((address) => ({ SubscriptionType: "EMAIL", Address: address })),
    })),
  };
}

/**
 * The sandbox the configuration implies: its seed, region, functions, models and faults, with
 * budgets persisted under server.dataDir so `budget setup` and `serve` see the same account.
 * With `seedBudgets`, an account with no budgets starts with the configured ones (as after the
 * seed's console steps), so the dashboard has a budget to show out of the box.
 */
export function sandboxOptionsFromConfig(
  config: Config,
  options: { dataDir?: string; seedBudgets?: boolean } = {},
): SandboxOptions {
  const dataDir = options.dataDir ?? config.server.dataDir;
  const budgets: { stateFile?: string; initial?: Array<Record<string, unknown>> } = {};
  if (dataDir !== ":memory:") budgets.stateFile = resolve(dataDir, "sandbox", "budgets.json");
  if (options.seedBudgets) budgets.initial = config.budgets.managed.map(initialBudget);
  return {
    port: 0,
    seed: config.sandbox.seed,
    region: config.aws.region,
    functions: config.lambda.functions.map((f) => f.name),
    logFormats: Object.fromEntries(
      config.lambda.functions.flatMap((f) => (f.logFormat ? [[f.name, f.logFormat]] : [])),
    ),
    scale: config.sandbox.workload.scale,
    models: config.bedrock.models.map(invokeModelId),
    faults: config.sandbox.faults,
    scenario: config.sandbox.scenario,
    settings: { budgets },
  };
}

/** Clients for the configuration; in sandbox mode, start the sandbox first (overrides merged in). */
export async function openRuntime(
  config: Config,
  overrides: Partial<SandboxOptions> = {},
  options: { dataDir?: string; seedBudgets?: boolean } = {},
): Promise<Runtime> {
  let sandbox: RunningSandbox | null = null;
  if (config.mode === "sandbox") {
    const base = sandboxOptionsFromConfig(config, options);
    sandbox = await startSandbox({
      ...base,
      ...overrides,
      settings: { ...base.settings, ...overrides.settings },
    });
  }
  const clients = createAwsClients(
    sandbox ? settingsFromConfig(config, sandboxCredentials(), sandbox.url) : settingsFromConfig(config),
  );
  return {
    clients,
    sandbox,
    async close() {
      clients.destroy();
      await sandbox?.close();
    },
  };
}

/** Run `fn` with the configuration's clients, then release them (and the sandbox). */
export async function withRuntime<T>(
  config: Config,
  fn: (runtime: Runtime) => Promise<T>,
  overrides: Partial<SandboxOptions> = {},
): Promise<T> {
  const runtime = await openRuntime(config, overrides);
  try {
    return await fn(runtime);
  } finally {
    await runtime.close();
  }
}
