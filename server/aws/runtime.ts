/**
 * Where a command gets its AWS clients: the configured account, or an in-process sandbox when
 * the configuration says `mode: "sandbox"` (no config.json). The one place that wires the two;
 * they differ only by endpoint and credentials.
 */
import { resolve } from "node:path";
import { Worker } from "node:worker_threads";
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
  /** The in-process sandbox in sandbox mode (on this thread), else null. */
  sandbox: RunningSandbox | null;
  /** The sandbox's URL in sandbox mode, on this thread or in a worker thread; else null. */
  sandboxUrl: string | null;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  dataDir?: string;
  seedBudgets?: boolean;
  /**
   * Run the sandbox in a worker thread (serve does): its computing never blocks the server's
   * event loop. Needs options that cross threads (no injected clock); tests that inspect the
   * sandbox's ledger keep it on this thread.
   */
  thread?: boolean;
}

interface ThreadedSandbox {
  url: string;
  close(): Promise<void>;
}

/** Start the sandbox in a worker thread; resolves with its URL once it listens. */
export function startSandboxThread(options: SandboxOptions): Promise<ThreadedSandbox> {
  const worker = new Worker(new URL("./sandbox-thread.js", import.meta.url), { workerData: options });
  return new Promise((resolveStart, rejectStart) => {
    let closed: (() => void) | null = null;
    worker.on("message", (message: { kind: string; url?: string; message?: string }) => {
      if (message.kind === "ready" && message.url) {
        const url = message.url;
        resolveStart({
          url,
          close: () =>
            new Promise<void>((done) => {
              closed = done;
              worker.postMessage("close");
              // A thread that does not answer within 5 s is stopped.
              setTimeout(() => void worker.terminate(), 5_000).unref();
            }),
        });
      } else if (message.kind === "failed") {
        rejectStart(new Error(message.message ?? "the sandbox thread failed"));
        void worker.terminate();
      } else if (message.kind === "closed") void worker.terminate();
    });
    worker.once("error", (err) => rejectStart(err));
    worker.once("exit", () => {
      const done = closed as (() => void) | null;
      if (done) done();
      rejectStart(new Error("the sandbox thread exited before it was ready"));
    });
  });
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
    settings: { budgets, costExplorer: { organization: config.sandbox.organization } },
  };
}

/** Clients for the configuration; in sandbox mode, start the sandbox first (overrides merged in). */
export async function openRuntime(
  config: Config,
  overrides: Partial<SandboxOptions> = {},
  options: RuntimeOptions = {},
): Promise<Runtime> {
  let sandbox: RunningSandbox | null = null;
  let threaded: ThreadedSandbox | null = null;
  if (config.mode === "sandbox") {
    const base = sandboxOptionsFromConfig(config, options);
    const merged: SandboxOptions = {
      ...base,
      ...overrides,
      settings: { ...base.settings, ...overrides.settings },
    };
    if (options.thread && merged.now === undefined) threaded = await startSandboxThread(merged);
    else sandbox = await startSandbox(merged);
  }
  const sandboxUrl = sandbox?.url ?? threaded?.url ?? null;
  const clients = createAwsClients(
    sandboxUrl ? settingsFromConfig(config, sandboxCredentials(), sandboxUrl) : settingsFromConfig(config),
  );
  return {
    clients,
    sandbox,
    sandboxUrl,
    async close() {
      clients.destroy();
      await sandbox?.close();
      await threaded?.close();
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
