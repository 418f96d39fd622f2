/**
 * Runs documented commands in a fresh copy of the repository, against the test's sandbox, and
 * says for each one whether it ran as the docs promise (exit 0, some output, the output the docs
 * show). How each kind of line is handled is explained in docs/contributing.md.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import type { DocBlock, DocCommand } from "./extract.ts";
import { type LongRunning, runShell, start } from "./process.ts";

export const RUN_TIMEOUT_MS = 120_000;
const READY_TIMEOUT_MS = 120_000;

export interface Outcome {
  where: string;
  line: string;
  /** null when it ran; the reason when it was skipped. */
  skipped: string | null;
  /** null when it passed (or was skipped); what went wrong otherwise. */
  failure: string | null;
  /** How long it took (for the report; nothing is asserted on it). */
  ms: number;
}

export interface DocsContext {
  /** The fresh copy, where every command runs. */
  dir: string;
  env: NodeJS.ProcessEnv;
  /** The test's sandbox (stands for the documented http://127.0.0.1:4566). */
  sandboxUrl: string;
  /** The test's dashboard (stands for the documented http://127.0.0.1:3000), started on first use. */
  dashboardUrl(): Promise<string>;
  /** Back to a clean sandbox (faults, budgets, custom metrics) so that blocks do not leak into each other. */
  resetSandbox(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function installed(tool: string): boolean {
  try {
    execFileSync("bash", ["-c", `command -v ${tool}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** `a && b` at the top level (outside quotes). */
export function splitAnd(line: string): string[] {
  const parts: string[] = [];
  let quote: string | null = null;
  let current = "";
  for (let i = 0; i < line.length; i++) {
    const c = line[i] ?? "";
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "&" && line[i + 1] === "&") {
      parts.push(current.trim());
      current = "";
      i++;
      continue;
    }
    current += c;
  }
  parts.push(current.trim());
  return parts;
}

type Kind =
  | { kind: "skip"; reason: string }
  | { kind: "install" }
  /** Would change the checkout's node_modules (the copy links to it): not run, reported as a failure. */
  | { kind: "refused" }
  | { kind: "server"; what: "dashboard" | "sandbox" }
  | { kind: "run" };

export function classify(segment: string): Kind {
  const s = segment.replace(/\s+#.*$/, "").trim();
  if (/^npm (test|t)(\s|$)/.test(s)) return { kind: "skip", reason: "is this suite (npm test)" };
  if (/^npm (install|i|ci)$/.test(s)) return { kind: "install" };
  if (/^npm (install|i|ci|link|uninstall|update)\s/.test(s)) return { kind: "refused" };
  if (/^npm (start|run start)(\s|$)/.test(s) || /^npx bedrock-ops serve(\s|$)/.test(s)) {
    return { kind: "server", what: "dashboard" };
  }
  if (/^npm run sandbox(\s|$)/.test(s) || /^npx bedrock-ops sandbox(\s|$)/.test(s)) {
    return { kind: "server", what: "sandbox" };
  }
  return { kind: "run" };
}

function tail(text: string, lines = 15): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

/** The file a line's stdout is redirected to (`... > file`), if any. */
function redirectTarget(line: string): string | null {
  const m = /(?:^|\s)>\s*([^\s|&;>]+)\s*$/.exec(line.replace(/\s+#[^'"]*$/, ""));
  return m?.[1] ?? null;
}

class BlockRun {
  private readonly ports = new Map<number, string>();
  private readonly servers: Array<{ line: string; where: string; server: LongRunning }> = [];
  readonly outcomes: Outcome[] = [];

  constructor(private readonly ctx: DocsContext) {}

  /** Documented addresses → the ones this run uses. */
  private async mapAddresses(line: string): Promise<string> {
    let out = line;
    const re = /\b(?:127\.0\.0\.1|localhost):(3000|4566)\b/g;
    for (const m of line.matchAll(re)) {
      const documented = Number(m[1]);
      const url =
        this.ports.get(documented) ??
        (documented === 4566 ? this.ctx.sandboxUrl : await this.ctx.dashboardUrl());
      out = out.replace(m[0], new URL(url).host);
    }
    return out;
  }

  /** Run one documented command; anything that goes wrong is recorded as its failure. */
  async command(cmd: DocCommand): Promise<void> {
    const t0 = performance.now();
    try {
      await this.commandSteps(cmd);
    } catch (err) {
      this.record(cmd, null, `could not be run: ${(err as Error).message.slice(0, 2000)}`, t0);
    }
  }

  private async commandSteps(cmd: DocCommand): Promise<void> {
    const segments = splitAnd(cmd.line);
    const kinds = segments.map(classify);
    if (kinds.every((k) => k.kind === "run")) {
      const t0 = performance.now();
      this.record(cmd, null, await this.run(cmd.line, cmd.expect), t0);
      return;
    }
    for (const [i, segment] of segments.entries()) {
      const kind = kinds[i] ?? { kind: "run" };
      const expect = i === segments.length - 1 ? cmd.expect : [];
      const part: DocCommand = { where: cmd.where, line: segment, expect };
      if (kind.kind === "skip") {
        this.record(part, kind.reason, null, performance.now());
        continue;
      }
      const t0 = performance.now();
      const failure =
        kind.kind === "refused"
          ? "changes node_modules, which the copy shares with the checkout: not run; move it to a block marked skip"
          : kind.kind === "install"
            ? await this.install(segment)
            : kind.kind === "server"
              ? await this.server(part, kind.what)
              : await this.run(segment, expect);
      this.record(part, null, failure, t0);
      if (failure) return; // `&&`: the rest does not run
    }
  }

  private record(cmd: DocCommand, skipped: string | null, failure: string | null, t0: number): void {
    this.outcomes.push({ where: cmd.where, line: cmd.line, skipped, failure, ms: performance.now() - t0 });
  }

  /**
   * `npm install` / `npm ci` is not re-run: the copy's node_modules is the checkout's own install
   * (a symlink), and running it would write through it and need the registry. What it promises is
   * checked instead: every dependency of package.json is installed at a matching version.
   */
  private async install(segment: string): Promise<string | null> {
    const r = await runShell("npm ls --depth=0 --offline", {
      cwd: this.ctx.dir,
      env: this.ctx.env,
      timeoutMs: RUN_TIMEOUT_MS,
    });
    return r.code === 0
      ? null
      : `"${segment}" is not satisfied (npm ls --depth=0):\n${tail(r.stdout + r.stderr)}`;
  }

  private async run(line: string, expect: string[]): Promise<string | null> {
    const mapped = await this.mapAddresses(line);
    const r = await runShell(mapped, { cwd: this.ctx.dir, env: this.ctx.env, timeoutMs: RUN_TIMEOUT_MS });
    const output = `${r.stdout}${r.stderr}`;
    if (r.timedOut) return `did not finish within ${RUN_TIMEOUT_MS / 1000} s:\n${tail(output)}`;
    if (r.code !== 0) return `exited with ${r.code ?? r.signal}:\n${tail(output)}`;
    const target = redirectTarget(line);
    let shown = r.stdout;
    if (target) {
      const file = join(this.ctx.dir, target);
      shown = existsSync(file) ? readFileSync(file, "utf8") : "";
      if (shown.trim() === "") return `wrote nothing to ${target}:\n${tail(r.stderr)}`;
    } else if (r.stdout.trim() === "") {
      return `printed nothing on stdout${r.stderr ? `; stderr:\n${tail(r.stderr)}` : ""}`;
    }
    const missing = expect.filter((e) => !`${shown}${r.stderr}`.includes(e));
    if (missing.length > 0) {
      return `its output lacks what the docs show: ${missing.map((m) => JSON.stringify(m)).join(", ")}\noutput:\n${tail(shown + r.stderr, 25)}`;
    }
    return null;
  }

  /** A long-running command: start it, wait until it serves, check it answers, keep it for the block. */
  private async server(cmd: DocCommand, what: "dashboard" | "sandbox"): Promise<string | null> {
    const port = await freePort();
    let line = cmd.line.replace(/\s+#.*$/, "");
    const env = { ...this.ctx.env };
    const documented = what === "dashboard" ? 3000 : 4566;
    if (/--port\s+\d+/.test(line)) line = line.replace(/--port\s+\d+/, `--port ${port}`);
    else if (what === "dashboard") env.PORT = String(port);
    else line = line.startsWith("npm ") ? `${line} -- --port ${port}` : `${line} --port ${port}`;
    const server = start(line, { cwd: this.ctx.dir, env });
    const ready =
      what === "dashboard" ? /bedrock-ops dashboard: (http:\/\/[^\s/]+)/ : /listening on (http:\/\/[^\s/]+)/;
    try {
      await server.waitFor(
        (out) => ready.test(out) && cmd.expect.every((e) => out.includes(e)),
        READY_TIMEOUT_MS,
      );
    } catch (err) {
      await server.stop(2_000);
      return `did not start: ${(err as Error).message.slice(0, 2000)}`;
    }
    this.servers.push({ line: cmd.line, where: cmd.where, server });
    const url = ready.exec(server.output())?.[1] ?? "";
    const health = `${url}${what === "dashboard" ? "/api/health" : "/_sandbox/health"}`;
    const res = await fetch(health).catch((e: Error) => e);
    if (res instanceof Error || !res.ok) {
      return `started, but ${health} answered ${res instanceof Error ? res.message : res.status}`;
    }
    await res.arrayBuffer();
    this.ports.set(documented, url);
    return null;
  }

  /** Stop what the block started (Ctrl-C, as a user would) and check each one stopped. */
  async finish(): Promise<void> {
    for (const { server, where, line } of this.servers.reverse()) {
      const r = await server.stop();
      if (r.code !== 0 && r.code !== 130 && r.signal !== "SIGINT") {
        this.outcomes.push({
          where,
          line: `${line} (stopping it with Ctrl-C)`,
          skipped: null,
          failure: `exited with ${r.code ?? r.signal} on Ctrl-C:\n${tail(r.stdout + r.stderr)}`,
          ms: 0,
        });
      }
    }
  }
}

/** Run (or skip) every command of a block, in order; a block's servers live until its end. */
export async function runBlock(block: DocBlock, ctx: DocsContext): Promise<Outcome[]> {
  const skipAll = (reason: string) =>
    block.commands.map((c) => ({ where: c.where, line: c.line, skipped: reason, failure: null, ms: 0 }));
  if (block.skip) return skipAll(block.skip);
  const missing = block.needs.filter((t) => !installed(t));
  if (missing.length > 0) return skipAll(`needs ${missing.join(", ")} (not installed here)`);
  const run = new BlockRun(ctx);
  try {
    for (const cmd of block.commands) await run.command(cmd);
  } finally {
    await run.finish();
    await ctx.resetSandbox();
  }
  return run.outcomes;
}
