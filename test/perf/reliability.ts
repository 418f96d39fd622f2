/**
 * Helpers of the harness, page, soak and kill-9 scripts (test/perf/): quantiles, a temporary
 * sandbox-mode config, the `bedrock-ops` CLI in a child process, RSS of a process.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAwsClients, settingsFromConfig } from "../../server/aws/clients.ts";
import { createBenchContext, runSuite } from "../../server/bench/index.ts";
import type { SuiteRunOptions, SuiteRunResult } from "../../server/bench/service.ts";
import type { Config, ConfigInput } from "../../server/config.ts";
import { sandboxCredentials } from "../../server/sandbox/index.ts";
import { openStore } from "../../server/store/index.ts";
import { ROOT, round } from "./common.ts";

export interface Quantiles {
  n: number;
  min: number;
  p50: number;
  p90: number;
  max: number;
}

/** Linear-interpolation quantiles, rounded to 0.1 ms; NaN fields when empty. */
export function quantiles(values: readonly number[]): Quantiles {
  const s = [...values].sort((a, b) => a - b);
  const at = (p: number) => {
    if (s.length === 0) return Number.NaN;
    const rank = p * (s.length - 1);
    const lo = Math.floor(rank);
    const hi = Math.ceil(rank);
    return round(s[lo]! + (s[hi]! - s[lo]!) * (rank - lo), 1);
  };
  return { n: s.length, min: at(0), p50: at(0.5), p90: at(0.9), max: at(1) };
}

export interface TempConfig {
  dir: string;
  dataDir: string;
  path: string;
}

/** A config file in a fresh temporary directory: sandbox mode, port 0, a data dir beside it. */
export function tempConfig(extra: Partial<ConfigInput> = {}): TempConfig {
  const dir = mkdtempSync(join(tmpdir(), "bedrock-ops-perf-"));
  const dataDir = join(dir, "data");
  const config = {
    mode: "sandbox",
    ...extra,
    server: { port: 0, dataDir, ...extra.server },
  };
  const path = join(dir, "config.json");
  writeFileSync(path, JSON.stringify(config, null, 2));
  return { dir, dataDir, path };
}

export interface CliChild {
  proc: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first match of `pattern` in the output (rejects if the process exits first). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
}

/** `node server/bin.js <args>` in a child process, output captured. */
export function startCli(args: string[]): CliChild {
  const proc = spawn(process.execPath, [join(ROOT, "server", "bin.js"), ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    cwd: ROOT,
  });
  let text = "";
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    for (const l of listeners) l();
  };
  proc.stdout!.on("data", onData);
  proc.stderr!.on("data", onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once("exit", (code, signal) => {
      resolve({ code, signal });
      for (const l of listeners) l();
    }),
  );
  const waitFor = (pattern: RegExp, timeoutMs = 60_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`no ${pattern} in the output within ${timeoutMs} ms:\n${text}`));
      }, timeoutMs);
      const check = () => {
        const m = text.match(pattern);
        if (m) {
          clearTimeout(timer);
          listeners.delete(check);
          resolve(m);
        } else if (proc.exitCode !== null || proc.signalCode !== null) {
          clearTimeout(timer);
          listeners.delete(check);
          reject(new Error(`the process exited before printing ${pattern}:\n${text}`));
        }
      };
      listeners.add(check);
      check();
    });
  return { proc, output: () => text, exited, waitFor };
}

/** Resident set size of a process in bytes (Linux /proc), or null when it is gone. */
export function rssOf(pid: number): number | null {
  try {
    const m = readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmRSS:\s+(\d+) kB/m);
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** `serve`'s stdout: the dashboard URL and (sandbox mode) the sandbox URL. */
export async function serveUrls(child: CliChild): Promise<{ url: string; sandboxUrl: string }> {
  const dash = await child.waitFor(/bedrock-ops dashboard: (http:\/\/\S+?)\/?\s/);
  const sandbox = child.output().match(/local AWS emulator at (http:\/\/[^\s,]+?)[,\s]/);
  if (!sandbox) throw new Error(`serve did not print the sandbox URL:\n${child.output()}`);
  return { url: dash[1]!, sandboxUrl: sandbox[1]! };
}

/**
 * A benchmark suite run in this process against a sandbox URL, stored in `dataDir` (the server's
 * database, as the `bench` command does); returns the result and the rows stored for the run.
 */
export async function benchAgainst(
  config: Config,
  sandboxUrl: string,
  dataDir: string,
  options: SuiteRunOptions,
): Promise<{ result: SuiteRunResult; storedRows: number }> {
  const clients = createAwsClients(settingsFromConfig(config, sandboxCredentials(), sandboxUrl));
  const store = await openStore({ kind: "sqlite", dataDir });
  try {
    const ctx = createBenchContext(config, clients, store);
    const result = await runSuite(ctx, options);
    return { result, storedRows: (await ctx.store.requests(result.runId)).length };
  } finally {
    await store.close();
    clients.destroy();
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
