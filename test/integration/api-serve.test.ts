/** `bedrock-ops serve`: sandbox banner, URL, a working API, clean stop on Ctrl-C, refusal without a token. */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { after, before, describe, test } from "node:test";
import { command } from "../../server/commands/serve.ts";

function capture() {
  const stream = new PassThrough();
  let text = "";
  stream.on("data", (c: Buffer) => {
    text += c.toString();
  });
  return { stream, text: () => text };
}

describe("serve command", () => {
  let dir: string;
  let configPath: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "bedrock-ops-serve-"));
    configPath = join(dir, "config.json");
    writeFileSync(configPath, JSON.stringify({ mode: "sandbox", server: { dataDir: join(dir, "data") } }));
  });

  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test("prints the sandbox banner and the URL, serves the API, and stops cleanly when interrupted", async () => {
    const out = capture();
    const err = capture();
    const controller = new AbortController();
    const running = command.run({ config: configPath, port: "0" }, [], {
      stdout: out.stream,
      stderr: err.stream,
      interrupted: controller.signal,
    });
    while (!/dashboard: http:\/\/127\.0\.0\.1:\d+\//.test(out.text()))
      await new Promise((r) => setTimeout(r, 20));
    const url = /dashboard: (http:\/\/127\.0\.0\.1:\d+)\//.exec(out.text())![1]!;
    assert.match(
      out.text(),
      /SANDBOX MODE: synthetic data from the local AWS emulator at http:\/\/127\.0\.0\.1:\d+, no AWS account used/,
    );
    const health = (await (await fetch(`${url}/api/health`)).json()) as { mode: string; auth: boolean };
    assert.deepEqual([health.mode, health.auth], ["sandbox", false]);
    const runs = await fetch(`${url}/api/bench/runs`);
    assert.equal(runs.status, 200);
    assert.ok(Array.isArray(await runs.json()));
    controller.abort();
    assert.equal(await running, 0);
    assert.match(out.text(), /Stopped\./);
    await assert.rejects(fetch(`${url}/api/health`));
  });

  test("refuses to bind beyond loopback without a token, with exit code 2 and the fix", async () => {
    const err = capture();
    const code = await command.run({ config: configPath, port: "0", host: "0.0.0.0" }, [], {
      stdout: capture().stream,
      stderr: err.stream,
      interrupted: new AbortController().signal,
    });
    assert.equal(code, 2);
    assert.match(err.text(), /without an access token/);
    assert.match(err.text(), /BEDROCK_OPS_TOKEN/);
  });

  test("a bad --port is rejected naming the flag", async () => {
    const err = capture();
    const code = await command.run({ port: "http" }, [], {
      stdout: capture().stream,
      stderr: err.stream,
      interrupted: new AbortController().signal,
    });
    assert.equal(code, 2);
    assert.match(err.text(), /^--port: got http/);
  });
});
