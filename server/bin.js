#!/usr/bin/env node
// The `bedrock-ops` executable: npx, node_modules/.bin (a symlink), npm exec, a global install or
// npm link, `node server/bin.js`, the Docker image. It always runs the CLI (no "am I the entry
// point?" guess): the TypeScript is loaded through tsx (no build step), main() runs, and its
// result becomes the exit code. A run that never reaches a result exits non-zero.
import { register } from "tsx/esm/api";

register();
const { main } = await import("./cli.ts");

const controller = new AbortController();
process.once("SIGINT", () => controller.abort());
process.once("SIGTERM", () => controller.abort());

// If the event loop empties before main() settles (a command that forgot to wait for its work),
// the exit code stays non-zero rather than a silent success.
process.exitCode = 70;
const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  interrupted: controller.signal,
});
process.exitCode = Number.isInteger(code) ? code : 70;
// The command is done: a handle something forgot to close must not keep the process alive.
setTimeout(() => process.exit(process.exitCode), 3_000).unref();
