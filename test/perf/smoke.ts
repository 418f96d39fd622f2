/**
 * CI smoke of every evidence script (`--quick`: seconds, not minutes), so they keep working.
 * Asserts no timing: each script's own correctness checks decide its exit code.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const chromium = [process.env.CHROMIUM_PATH, "/usr/bin/chromium"].find((p) => p && existsSync(p));
const scripts: Array<[string, string[]]> = [
  ["bench:aws-calls", []],
  ["bench:server", []],
  ["bench:growth", []],
  ["bench:harness", []],
  ["bench:kill9", []],
  ["soak", []],
  ["fuzz", []],
];
if (chromium) scripts.push(["bench:page", ["--chromium", chromium]]);
else process.stderr.write("bench:page smoke NOT RUN: no Chromium at CHROMIUM_PATH or /usr/bin/chromium\n");

let failed = 0;
for (const [name, extra] of scripts) {
  process.stdout.write(`== npm run ${name} -- --quick ${extra.join(" ")}\n`);
  const result = spawnSync("npm", ["run", "--silent", name, "--", "--quick", ...extra], { stdio: "inherit" });
  if (result.status !== 0) {
    failed++;
    process.stdout.write(`!! ${name} exited ${result.status}\n`);
  }
}
process.stdout.write(
  failed === 0
    ? `perf smoke: all ${scripts.length} scripts ran clean\n`
    : `perf smoke: ${failed} of ${scripts.length} scripts FAILED\n`,
);
process.exitCode = failed > 0 ? 1 : 0;
