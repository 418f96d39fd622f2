/**
 * Child processes for the tests that run the product the way a user does (npx, the bin, shell
 * lines from the docs): bounded by a timeout, each in its own process group so that a timeout or
 * a stop ends the whole tree (npx → node → tsx → server), never anything else.
 */
import { type ChildProcess, spawn } from "node:child_process";

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface RunOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs: number;
}

/** Process groups started here and not yet ended: killed if this process ends first. */
const live = new Set<number>();
function killLive(): void {
  for (const pid of live) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}
process.once("exit", killLive);
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    killLive();
    process.exit(128 + (signal === "SIGTERM" ? 15 : 2));
  });
}

function track(child: ChildProcess): ChildProcess {
  const pid = child.pid;
  if (pid !== undefined) {
    live.add(pid);
    child.once("close", () => live.delete(pid));
  }
  return child;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is already gone
  }
}

/** Run `file args` (no shell) to completion, or kill it after `timeoutMs`. */
export function run(file: string, args: string[], options: RunOptions): Promise<Finished> {
  return finish(
    track(spawn(file, args, { cwd: options.cwd, env: options.env ?? process.env, detached: true })),
    options.timeoutMs,
  );
}

/** Run one shell line with bash (pipes, redirections, `&&` as written). */
export function runShell(line: string, options: RunOptions): Promise<Finished> {
  return run("bash", ["-o", "pipefail", "-c", line], options);
}

function finish(child: ChildProcess, timeoutMs: number): Promise<Finished> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout?.on("data", (c: Buffer) => out.push(c));
  child.stderr?.on("data", (c: Buffer) => err.push(c));
  child.stdin?.end();
  return new Promise((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child, "SIGKILL");
    }, timeoutMs);
    child.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        timedOut,
      });
    });
  });
}

export interface LongRunning {
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  /** Resolves when `predicate(output)` holds; rejects if the process exits first or on timeout. */
  waitFor(predicate: (output: string) => boolean, timeoutMs: number): Promise<void>;
  /** SIGINT (Ctrl-C) to the whole group, SIGKILL if it is still there after `graceMs`. */
  stop(graceMs?: number): Promise<Finished>;
}

/** Start a long-running shell line (a server) in its own process group. */
export function start(line: string, options: Omit<RunOptions, "timeoutMs">): LongRunning {
  const child = track(
    spawn("bash", ["-c", line], { cwd: options.cwd, env: options.env ?? process.env, detached: true }),
  );
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let text = "";
  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const l of listeners) l();
  };
  child.stdout?.on("data", (c: Buffer) => {
    out.push(c);
    text += c.toString("utf8");
    notify();
  });
  child.stderr?.on("data", (c: Buffer) => {
    err.push(c);
    text += c.toString("utf8");
    notify();
  });
  const closed = new Promise<void>((resolve) =>
    child.once("close", (code, signal) => {
      exited = { code, signal };
      notify();
      resolve();
    }),
  );
  const result = (): Finished => ({
    code: exited?.code ?? null,
    signal: exited?.signal ?? null,
    stdout: Buffer.concat(out).toString("utf8"),
    stderr: Buffer.concat(err).toString("utf8"),
    timedOut: false,
  });
  return {
    output: () => text,
    waitFor(predicate, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (predicate(text)) done(null);
          else if (exited) done(new Error(`exited (code ${exited.code}) before it was ready:\n${text}`));
        };
        const timer = setTimeout(
          () => done(new Error(`not ready after ${timeoutMs} ms:\n${text}`)),
          timeoutMs,
        );
        const done = (e: Error | null) => {
          clearTimeout(timer);
          listeners.delete(check);
          if (e) reject(e);
          else resolve();
        };
        listeners.add(check);
        check();
      });
    },
    async stop(graceMs = 10_000) {
      if (!exited) {
        killGroup(child, "SIGINT");
        const timer = setTimeout(() => killGroup(child, "SIGKILL"), graceMs);
        await closed;
        clearTimeout(timer);
      }
      return result();
    },
  };
}
