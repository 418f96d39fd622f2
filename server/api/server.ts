/**
 * startServer: the dashboard server in-process (used by `serve`, tests and benchmarks). In
 * sandbox mode it starts the local AWS emulator first and points the clients at it; the product
 * code path is otherwise identical to real AWS.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import type { Router } from "express";
import { openRuntime } from "../aws/runtime.ts";
import { type BenchScheduler, createBenchContext, startBenchSchedules } from "../bench/index.ts";
import type { Config } from "../config.ts";
import type { RunningSandbox, SandboxOptions } from "../sandbox/index.ts";
import { openStore, type Store, StoreError, storeSpecOf } from "../store/index.ts";
import { appServices, createApp } from "./app.ts";
import { createBenchRouter } from "./routes/bench.ts";
import { isLoopback } from "./security.ts";

export interface ExtraRouter {
  path: string;
  router: Router;
}

export interface StartOptions {
  /** Override config.server.host / port (port 0 picks a free one). */
  host?: string;
  port?: number;
  /** Override config.server.dataDir (":memory:" for an in-memory database). */
  dataDir?: string;
  now?: () => Date;
  /** Extra options for the in-process sandbox (e.g. an injected clock). */
  sandbox?: Partial<SandboxOptions>;
  /** Extra routers under /api (behind the same auth), or a factory given the opened store. */
  routers?: ExtraRouter[] | ((deps: { store: Store; config: Config }) => ExtraRouter[]);
  /** Aborts a start-up that waits (on the database); serve passes SIGINT/SIGTERM here. */
  signal?: AbortSignal;
  staticDir?: string;
  log?: (line: string) => void;
  /** Run the in-process sandbox in a worker thread (serve does; tests that read its ledger do not). */
  sandboxThread?: boolean;
}

export interface RunningServer {
  url: string;
  mode: "sandbox" | "aws";
  /** The in-process sandbox in sandbox mode when it runs on this thread. */
  sandbox: RunningSandbox | null;
  /** The sandbox's URL in sandbox mode (this thread or a worker thread), else null. */
  sandboxUrl: string | null;
  server: Server;
  /** The benchmark schedules of config.bench.schedules, running inside this server. */
  bench: BenchScheduler;
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

/** A listen failure as a sentence naming the address and the fix. */
export function listenError(err: unknown, host: string, port: number): StartError {
  const code = (err as { code?: unknown })?.code;
  const where = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  if (code === "EADDRINUSE")
    return new StartError(
      `Port ${port} on ${host} is already in use (${where}): another bedrock-ops or another program holds it. Stop that program, or choose a free port with --port <n> (or PORT=<n>, or server.port in config.json).`,
    );
  if (code === "EACCES")
    return new StartError(
      `Not allowed to listen on ${where}: ports below 1024 need privileges. Use a port from 1024 up with --port <n>, or put a proxy in front.`,
    );
  if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND")
    return new StartError(
      `Cannot listen on ${where}: this machine has no address ${host}. Use --host 127.0.0.1 (or an address of this machine).`,
    );
  return new StartError(
    `Cannot listen on ${where}: ${(err as Error)?.message ?? String(err)}. Choose another --host/--port.`,
  );
}

export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const host = options.host ?? config.server.host;
  const port = options.port ?? config.server.port;
  checkBind(host, config.server.token);
  const dataDir = options.dataDir ?? config.server.dataDir;
  // The port first: a port in use is reported at once, before the store and the sandbox start.
  // Until the app is ready the server answers 503 (a health check retries).
  const starting = (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(503, { "content-type": "application/json", "retry-after": "1" });
    res.end(
      JSON.stringify({ error: { code: "Starting", message: "The server is starting; retry in a moment." } }),
    );
  };
  const server = createServer(starting);
  server.requestTimeout = 120_000;
  server.headersTimeout = 30_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (err) {
    throw listenError(err, host, port);
  }
  const closeServer = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  // Then the store: a broken one stops the start before anything else is running.
  let store: Store;
  try {
    store = await openStore(storeSpecOf(config, dataDir), {
      ...(options.log ? { log: options.log } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (err) {
    await closeServer();
    if (err instanceof StoreError) throw new StartError(err.message);
    throw err;
  }
  let runtime: Awaited<ReturnType<typeof openRuntime>>;
  try {
    runtime = await openRuntime(
      config,
      { ...(options.now ? { now: () => options.now!().getTime() } : {}), ...options.sandbox },
      { dataDir, seedBudgets: true, thread: options.sandboxThread === true },
    );
  } catch (err) {
    await store.close();
    await closeServer();
    if (config.mode !== "sandbox") throw err;
    throw new StartError(
      `The built-in AWS sandbox could not start (${(err as Error)?.message ?? String(err)}). Its state lives under ${resolve(dataDir, "sandbox")}: check that this folder is writable, or move it away, or set server.dataDir to another folder; with a config.json, "mode": "aws" reads your real account instead.`,
    );
  }
  const { clients, sandbox, sandboxUrl } = runtime;
  const mode = sandboxUrl ? "sandbox" : "aws";
  // Benchmarks: their API under /api/bench and the cron schedules of config.bench.schedules.
  let scheduler: BenchScheduler;
  try {
    scheduler = await startBenchSchedules(
      createBenchContext(config, clients, store),
      options.log,
      options.now ? { now: options.now } : {},
    );
  } catch (err) {
    await store.close();
    await runtime.close();
    await closeServer();
    throw err;
  }
  const extra =
    typeof options.routers === "function" ? options.routers({ store, config }) : (options.routers ?? []);
  const app = createApp({
    config,
    clients,
    mode,
    store,
    ...(options.now ? { now: options.now } : {}),
    routers: [{ path: "/bench", router: createBenchRouter({ store, scheduler }) }, ...extra],
    ...(options.staticDir ? { staticDir: options.staticDir } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
  server.off("request", starting);
  server.on("request", app);
  const bound = (server.address() as AddressInfo).port;
  const shown = host.includes(":") ? `[${host}]` : host;
  let closed = false;
  return {
    url: `http://${shown}:${bound}`,
    mode,
    sandbox,
    sandboxUrl,
    server,
    bench: scheduler,
    async close() {
      if (closed) return;
      closed = true;
      await closeServer();
      // AWS answers under way (already paid for: Cost Explorer bills each request) land in the
      // store before it closes, so a restart serves them; a hung call is not waited for.
      await appServices(app).cache.settle(SHUTDOWN_DRAIN_MS);
      await scheduler.stop();
      await store.close();
      await runtime.close();
    },
  };
}

/** How long a shutdown waits for AWS answers under way (a hung call is dropped after it). */
const SHUTDOWN_DRAIN_MS = 10_000;
