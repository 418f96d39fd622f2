/**
 * The `bedrock-ops` executable runs the CLI however it is reached: npx, a dependency's
 * node_modules/.bin symlink, npm exec, a global install, `node server/bin.js`. Each case is a
 * real child process (not a call to main()), so an entry point that silently does nothing fails.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { COMMANDS } from "../../server/cli.ts";
import { run } from "../docs/process.ts";

const root = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
const version = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;
const TIMEOUT = 60_000;

/** The environment without anything that would point the CLI at a config or an AWS account. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith("AWS_") && !k.startsWith("BEDROCK_OPS_") && !k.startsWith("npm_")) env[k] = v;
  }
  return env;
}

function assertLists(stdout: string, how: string): void {
  for (const name of Object.keys(COMMANDS)) {
    assert.match(stdout, new RegExp(`^  ${name} `, "m"), `${how} --help does not list "${name}":\n${stdout}`);
  }
  assert.match(stdout, /--version/);
}

describe("the bedrock-ops executable, however it is reached", () => {
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "bedrock-ops-entry-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("npx bedrock-ops --help lists every command and exits 0", async () => {
    const r = await run("npx", ["--offline", "bedrock-ops", "--help"], {
      cwd: root,
      env: cleanEnv(),
      timeoutMs: TIMEOUT,
    });
    assert.equal(r.code, 0, r.stderr);
    assertLists(r.stdout, "npx bedrock-ops");
  });

  it("npx bedrock-ops --version prints the package version", async () => {
    const r = await run("npx", ["--offline", "bedrock-ops", "--version"], {
      cwd: root,
      env: cleanEnv(),
      timeoutMs: TIMEOUT,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), version);
  });

  it("npm exec bedrock-ops -- <command> --help shows the command's options", async () => {
    const r = await run("npm", ["exec", "--offline", "bedrock-ops", "--", "iam-policy", "--help"], {
      cwd: root,
      env: cleanEnv(),
      timeoutMs: TIMEOUT,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Usage: bedrock-ops iam-policy \[options\]/m);
    assert.match(r.stdout, /--features/);
  });

  it("node server/bin.js --help lists every command", async () => {
    const r = await run(process.execPath, ["server/bin.js", "--help"], {
      cwd: root,
      env: cleanEnv(),
      timeoutMs: TIMEOUT,
    });
    assert.equal(r.code, 0, r.stderr);
    assertLists(r.stdout, "node server/bin.js");
  });

  it("a dependency's node_modules/.bin/bedrock-ops symlink runs it", async () => {
    // What `npm install bedrock-ops` lays out in a consumer project: the package, and a symlink to its bin.
    const consumer = join(dir, "consumer");
    mkdirSync(join(consumer, "node_modules", ".bin"), { recursive: true });
    symlinkSync(root, join(consumer, "node_modules", "bedrock-ops"));
    symlinkSync("../bedrock-ops/server/bin.js", join(consumer, "node_modules", ".bin", "bedrock-ops"));
    const r = await run(join(consumer, "node_modules", ".bin", "bedrock-ops"), ["--help"], {
      cwd: consumer,
      env: cleanEnv(),
      timeoutMs: TIMEOUT,
    });
    assert.equal(r.code, 0, r.stderr);
    assertLists(r.stdout, "node_modules/.bin/bedrock-ops");
  });

  it("a global install (npm install -g into a temporary prefix) runs it", async () => {
    const prefix = join(dir, "global");
    const install = await run(
      "npm",
      ["install", "-g", "--prefix", prefix, "--offline", "--no-audit", "--no-fund", root],
      { cwd: dir, env: cleanEnv(), timeoutMs: TIMEOUT },
    );
    assert.equal(install.code, 0, install.stderr);
    const r = await run(join(prefix, "bin", "bedrock-ops"), ["--version"], {
      cwd: dir,
      env: cleanEnv(),
      timeoutMs: TIMEOUT,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), version);
  });

  it("exit codes reach the shell: no command, an unknown command, a bad option are failures", async () => {
    const none = await run(process.execPath, ["server/bin.js"], {
      cwd: root,
      env: cleanEnv(),
      timeoutMs: TIMEOUT,
    });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /No command given/);
    const unknown = await run(process.execPath, ["server/bin.js", "bogus"], {
      cwd: root,
      env: cleanEnv(),
      timeoutMs: TIMEOUT,
    });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Unknown command "bogus"/);
    const bad = await run("npx", ["--offline", "bedrock-ops", "iam-policy", "--features", "nope"], {
      cwd: root,
      env: cleanEnv(),
      timeoutMs: TIMEOUT,
    });
    assert.equal(bad.code, 2, bad.stdout);
    assert.match(bad.stderr, /nope/);
  });

  it("a command's output reaches stdout through npx (iam-policy prints a policy document)", async () => {
    const r = await run("npx", ["--offline", "bedrock-ops", "iam-policy", "--account", "123456789012"], {
      cwd: root,
      env: cleanEnv(),
      timeoutMs: TIMEOUT,
    });
    assert.equal(r.code, 0, r.stderr);
    const policy = JSON.parse(r.stdout) as { Version: string; Statement: unknown[] };
    assert.equal(policy.Version, "2012-10-17");
    assert.ok(policy.Statement.length > 0);
  });
});
