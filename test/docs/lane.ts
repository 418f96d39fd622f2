/**
 * One lane of the docs test: a fresh copy of the repository, its own sandbox (Bedrock at 1 % of its
 * modelled latency, so documented benchmark runs take seconds), a config.json in the copy that
 * sends every AWS call there, and a dashboard started on first use for the documented `curl`s.
 * Lanes run side by side; blocks within a lane run one after the other.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningSandbox, sandboxCredentials, startSandbox } from "../../server/sandbox/index.ts";
import { type LongRunning, start } from "./process.ts";
import { copyRepository } from "./repo-copy.ts";
import type { DocsContext } from "./runner.ts";

export interface Lane {
  ctx: DocsContext;
  close(): Promise<void>;
}

/** The environment of every documented command: no AWS or bedrock-ops settings from outside. */
function commandEnv(npmCache: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    const ours = k.startsWith("AWS_") || k.startsWith("BEDROCK_OPS_") || k.startsWith("npm_");
    if (!ours && k !== "PORT" && k !== "HOST") env[k] = v;
  }
  const creds = sandboxCredentials();
  return {
    ...env,
    AWS_ACCESS_KEY_ID: creds.accessKeyId,
    AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: "true",
    // npx records each copy it runs in its cache (~/.npm/_npx); a cache per lane keeps that out of $HOME.
    npm_config_cache: npmCache,
    NO_COLOR: "1",
  };
}

export async function openLane(root: string): Promise<Lane> {
  const { dir } = copyRepository(root);
  const sandbox: RunningSandbox = await startSandbox({
    port: 0,
    seed: 42,
    settings: { bedrock: { latencyScale: 0.01 } },
  });
  writeFileSync(
    join(dir, "config.json"),
    `${JSON.stringify(
      {
        "//": "Written by the docs test: every AWS call goes to the test's sandbox.",
        mode: "aws",
        aws: { region: "us-east-1", endpoint: sandbox.url, accountId: "123456789012" },
      },
      null,
      2,
    )}\n`,
  );
  const npmCache = mkdtempSync(join(tmpdir(), "bedrock-ops-docs-npm-"));
  const env = commandEnv(npmCache);
  let dashboard: { server: LongRunning; url: Promise<string> } | null = null;
  const ctx: DocsContext = {
    dir,
    env,
    sandboxUrl: sandbox.url,
    dashboardUrl() {
      if (!dashboard) {
        const server = start("npx bedrock-ops serve --port 0", { cwd: dir, env });
        const ready = /bedrock-ops dashboard: (http:\/\/[^\s/]+)/;
        const url = server
          .waitFor((o) => ready.test(o), 120_000)
          .then(
            () => ready.exec(server.output())?.[1] ?? "",
            (err: Error) => {
              throw new Error(`the test's dashboard (npx bedrock-ops serve) did not start: ${err.message}`);
            },
          );
        dashboard = { server, url };
      }
      return dashboard.url;
    },
    async resetSandbox() {
      sandbox.reset();
    },
  };
  return {
    ctx,
    async close() {
      if (dashboard) await dashboard.server.stop();
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
      rmSync(npmCache, { recursive: true, force: true });
    },
  };
}
