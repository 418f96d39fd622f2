/**
 * Runs the CLI reference examples (cli-examples.ts) with one AWS CLI against a fresh sandbox:
 * each service's chain in order, chains side by side, every mismatch collected with its example.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type RunningSandbox, startSandbox } from "../../server/sandbox/index.ts";
import { type CliCase, cliCases } from "./cli-examples.ts";
import { type RealClient, run } from "./clients.ts";

const NOW = Date.UTC(2026, 10, 18, 15, 30, 20);

/** Runs the examples of the given chains (services) with one CLI; checks CloudWatch's protocol when given. */
export function describeCli(
  cli: RealClient,
  chainNames: readonly string[],
  expectedCloudWatchProtocol?: string,
): void {
  describe(`${cli.label}: ${cli.version} — ${chainNames.join(", ")}`, () => {
    let sandbox: RunningSandbox;
    let dir: string;
    before(async () => {
      sandbox = await startSandbox({ port: 0, now: () => NOW });
      dir = mkdtempSync(join(tmpdir(), "parity-cli-"));
    });
    after(async () => {
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it("runs every example and answers each as AWS does", async () => {
      const chains = new Map<string, CliCase[]>();
      for (const c of cliCases(NOW, dir)) {
        if (chainNames.includes(c.chain)) chains.set(c.chain, [...(chains.get(c.chain) ?? []), c]);
      }
      const failures: string[] = [];
      await Promise.all(
        [...chains.values()].map(async (cases) => {
          for (const c of cases) {
            const res = await run(cli.path, [...c.args, "--endpoint-url", sandbox.url, "--output", "json"]);
            let json: Record<string, unknown> | undefined;
            try {
              json = res.stdout.trim() ? (JSON.parse(res.stdout) as Record<string, unknown>) : undefined;
            } catch {
              json = undefined;
            }
            try {
              c.check({ code: res.code, json, stderr: res.stderr });
            } catch (err) {
              failures.push(`${c.name} (${c.source}): ${(err as Error).message}`);
            }
          }
        }),
      );
      const spoken = new Map<string, Set<string>>();
      for (const e of sandbox.ledger.list()) {
        spoken.set(e.service, (spoken.get(e.service) ?? new Set()).add(e.protocol ?? "rest"));
      }
      const summary = [...spoken].map(([service, p]) => `${service} ${[...p].join("+")}`).join(", ");
      process.stdout.write(`# ${cli.label} (${cli.version}) spoke: ${summary}\n`);
      assert.deepEqual(failures, []);
      if (expectedCloudWatchProtocol)
        assert.deepEqual([...(spoken.get("cloudwatch") ?? [])], [expectedCloudWatchProtocol]);
    });
  });
}
