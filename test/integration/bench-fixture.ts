/** Shared setup of the benchmark integration tests: a sandbox, real SDK clients, a store, a suite file. */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AwsClients, createAwsClients } from "../../server/aws/clients.ts";
import type { PriceLookup } from "../../server/bench/cost.ts";
import { priceLookup } from "../../server/bench/service.ts";
import { BenchStore } from "../../server/bench/store.ts";
import { type LoadedSuite, loadSuite } from "../../server/bench/suite.ts";
import { PriceBook } from "../../server/pricing/prices.ts";
import type { ProviderSettings } from "../../server/sandbox/core/settings.ts";
import { type RunningSandbox, sandboxCredentials, startSandbox } from "../../server/sandbox/index.ts";
import type { GroundTruthCall } from "../../server/sandbox/providers/bedrock/ground-truth.ts";
import { memoryStore } from "../../server/store/index.ts";

export const MODELS = ["amazon.nova-micro-v1:0", "amazon.nova-lite-v1:0", "amazon.nova-pro-v1:0"];

export interface BenchFixture {
  /** The sandbox's URL (in this process, or in a child process). */
  url: string;
  clients: AwsClients;
  store: BenchStore;
  prices: PriceLookup;
  deps: { clients: AwsClients; store: BenchStore; prices: PriceLookup; priceTableDate: string };
  close(): Promise<void>;
}

/** Start the sandbox in a child process; resolves with its URL and a stop function. */
function startChildSandbox(settings: ProviderSettings): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      new URL("./bench-sandbox-child.ts", import.meta.url).pathname,
      JSON.stringify(settings),
    ],
    {
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  return new Promise((resolve, reject) => {
    let buffer = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split("\n")[0];
      if (buffer.includes("\n") && line) resolve({ url: (JSON.parse(line) as { url: string }).url, child });
    });
    child.once("exit", (code) => reject(new Error(`sandbox child exited with ${code}`)));
  });
}

export async function startFixture(
  settings: ProviderSettings,
  options: { childProcess?: boolean; scenario?: "simple" | "realistic" } = {},
): Promise<BenchFixture> {
  let url: string;
  let stop: () => Promise<void>;
  if (options.childProcess) {
    const { url: childUrl, child } = await startChildSandbox(settings);
    url = childUrl;
    stop = () =>
      new Promise<void>((resolve) => {
        child.removeAllListeners("exit");
        child.once("exit", () => resolve());
        child.stdin!.end();
      });
  } else {
    const sandbox: RunningSandbox = await startSandbox({
      port: 0,
      settings,
      ...(options.scenario ? { scenario: options.scenario } : {}),
    });
    url = sandbox.url;
    stop = () => sandbox.close();
  }
  const clients = createAwsClients({
    region: "us-east-1",
    endpoint: url,
    credentials: sandboxCredentials(),
    maxAttempts: 3,
    retryMode: "standard",
  });
  const store = new BenchStore(await memoryStore());
  const prices = priceLookup(new PriceBook());
  return {
    url,
    clients,
    store,
    prices,
    deps: { clients, store, prices, priceTableDate: "2026-11-01" },
    async close() {
      clients.destroy();
      await store.store.close();
      await stop();
    },
  };
}

/** Write a suite to a temporary file and load it the way the CLI does. */
export function suiteFile(raw: Record<string, unknown>): LoadedSuite {
  const dir = mkdtempSync(join(tmpdir(), "bench-it-"));
  const path = join(dir, `${String(raw.name)}.json`);
  writeFileSync(path, JSON.stringify(raw));
  return loadSuite(path, []);
}

export async function groundTruth(url: string): Promise<Map<string, GroundTruthCall>> {
  const res = await fetch(`${url}/_sandbox/bedrock/calls`);
  const body = (await res.json()) as { calls: GroundTruthCall[] };
  return new Map(body.calls.map((c) => [c.requestId, c]));
}
