/**
 * `npm test`: every test file under test/unit, test/integration and test/e2e, through Node's
 * test runner. Browser tests need Chromium (CHROMIUM_PATH or /usr/bin/chromium); without it
 * they are reported loudly as NOT RUN, and under CI that is a failure.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const args = process.argv.slice(2);

function find(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .flatMap((name) => {
      const full = join(dir, name);
      return statSync(full).isDirectory() ? find(full) : name.endsWith(".test.ts") ? [full] : [];
    })
    .sort();
}

const chromium = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"].find(
  (p) => p && existsSync(p),
);
const only = args.filter((a) => !a.startsWith("-"));
let files =
  only.length > 0
    ? only.map((f) => join(root, f))
    : [
        ...find(join(root, "test/unit")),
        ...find(join(root, "test/integration")),
        ...find(join(root, "test/e2e")),
      ];
const browserFiles = files.filter((f) => f.includes("/test/e2e/"));
let browserSkipped = false;
if (!chromium && browserFiles.length > 0) {
  files = files.filter((f) => !browserFiles.includes(f));
  browserSkipped = true;
}

const banner = (lines: string[]) => {
  const width = Math.max(...lines.map((l) => l.length)) + 4;
  const bar = "!".repeat(width);
  return [bar, ...lines.map((l) => `! ${l.padEnd(width - 4)} !`), bar].join("\n");
};

if (browserSkipped) {
  process.stderr.write(
    `${banner([
      `BROWSER TESTS DID NOT RUN: no Chromium at CHROMIUM_PATH or /usr/bin/chromium.`,
      `${browserFiles.length} browser test file(s) skipped: ${browserFiles.map((f) => relative(root, f)).join(", ")}`,
      "Install it (Debian: apt-get install chromium) or set CHROMIUM_PATH, then run npm test again.",
    ])}\n`,
  );
}

// The timeout bounds each test file too: the docs test (test/integration/docs-commands.test.ts)
// runs every documented command through npx, about a minute or two on 2 idle cores, and needs
// headroom on a loaded machine.
const result = spawnSync(
  process.execPath,
  ["--import", "tsx", "--test", "--test-concurrency=2", "--test-timeout=600000", ...files],
  {
    stdio: "inherit",
    cwd: root,
    env: { ...process.env, CHROMIUM_PATH: chromium ?? "", NODE_NO_WARNINGS: "1" },
  },
);

if (browserSkipped) {
  process.stderr.write(
    `${banner(["REMINDER: the browser tests did NOT run (no Chromium). They are not counted as passed."])}\n`,
  );
  if (process.env.CI) {
    process.stderr.write("Under CI the browser tests are required: failing.\n");
    process.exitCode = 1;
  }
}
if (result.status !== 0) process.exitCode = result.status ?? 1;
