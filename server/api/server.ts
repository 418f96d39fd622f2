/**
 * startServer: the dashboard server in-process (used by `serve`, tests and benchmarks). In
 * sandbox mode it starts the local AWS emulator first and points the clients at it; the product
 * code path is otherwise identical to real AWS.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Router } from "express";
import { createAwsClients, settingsFromConfig } from "../aws/clients.ts";
import { type Config, invokeModelId } from "../config.ts";
import {
  type RunningSandbox,
  type SandboxOptions,
  sandboxCredentials,
  startSandbox,
} from "../sandbox/index.ts";
import { openDatabase } from "../store/db.ts";
import { createApp } from "./app.ts";
import { sandboxInitialBudgets } from "./sandbox-budgets.ts";
import { isLoopback } from "./security.ts";

export interface StartOptions {
  /** Defaults to config.mode. */
  mode?: "sandbox" | "aws";
  /** Override config.server.host / port (port 0 picks a free one). */
  host?: string;
  port?: number;
  /** Override config.server.dataDir (":memory:" for an in-memory database). */
  dataDir?: string;
  now?: () => Date;
  /** Extra options for the in-process sandbox (e.g. an injected clock). */
  sandbox?: Partial<SandboxOptions>;
  routers?: Array<{ path: string; router: Router }>;
  staticDir?: string;
  log?: (line: string) => void;
}

export interface RunningServer {
  url: string;
  mode: "sandbox" | "aws";
  /** The in-process sandbox in sandbox mode. */
  sandbox: RunningSandbox | null;
  server: Server;
  close(): Promise<void>;
}

export class StartError extends Error {
  override readonly name = "StartError";
}

/** Refuse to listen beyond loopback without an access token. */
export function checkBind(host: string, token: string | undefined): void {
  if (!isLoopback(host) && !token) {
    throw new StartError(
      `Refusing to listen on ${host} without an access token: anyone on the network could read your AWS costs. ` +
        "Set server.token in config.json (16+ characters) or the BEDROCK_OPS_TOKEN environment variable, or bind to 127.0.0.1.",
    );
  }
}

export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const mode = options.mode ?? config.mode;
  const host = options.host ?? config.server.host;
  const port = options.port ?? config.server.port;
  checkBind(host, config.server.token);
  let sandbox: RunningSandbox | null = null;
  if (mode === "sandbox") {
    sandbox = await startSandbox({
      port: 0,
      seed: config.sandbox.seed,
      region: config.aws.region,
      functions: config.lambda.functions.map((f) => f.name),
      models: config.bedrock.models.map(invokeModelId),
      faults: config.sandbox.faults,
      settings: { budgets: { initial: sandboxInitialBudgets(config) } },
      ...(options.now ? { now: () => options.now!().getTime() } : {}),
      ...options.sandbox,
    });
  }
  const clients = createAwsClients(
    sandbox ? settingsFromConfig(config, sandboxCredentials(), sandbox.url) : settingsFromConfig(config),
  );
  const db = openDatabase(options.dataDir ?? config.server.dataDir);
  const app = createApp({
    config,
    clients,
    mode,
    db,
    ...(options.now ? { now: options.now } : {}),
    ...(options.routers ? { routers: options.routers } : {}),
    ...(options.staticDir ? { staticDir: options.staticDir } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
  const server = createServer(app);
  server.requestTimeout = 120_000;
  server.headersTimeout = 30_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => resolve());
    });
  } catch (err) {
    clients.destroy();
    db.close();
    await sandbox?.close();
    throw err;
  }
  const bound = (server.address() as AddressInfo).port;
  const shown = host.includes(":") ? `[${host}]` : host;
  let closed = false;
  return {
    url: `http://${shown}:${bound}`,
    mode,
    sandbox,
    server,
    async close() {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      clients.destroy();
      db.close();
      await sandbox?.close();
    },
  };
}
