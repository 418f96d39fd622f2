import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { after, before, describe, it } from "node:test";
import { main } from "../../server/cli.ts";

/** Run the CLI in-process and capture its output. */
async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on("data", (c: Buffer) => out.push(c));
  stderr.on("data", (c: Buffer) => err.push(c));
  const code = await main(argv, { stdout, stderr, interrupted: new AbortController().signal });
  return { code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") };
}

describe("ops commands through the CLI (built-in sandbox)", () => {
  let dir: string;
  let config: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "bedrock-ops-"));
    config = join(dir, "config.json");
    writeFileSync(
      config,
      JSON.stringify({
        mode: "sandbox",
        server: { dataDir: join(dir, "data") },
        budgets: {
          managed: [
            { name: "twin-budget", limitUsd: 10, emails: [], thresholds: [{ type: "ACTUAL", percent: 80 }] },
          ],
        },
      }),
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("budget setup --dry-run --json prints the plan", async () => {
    const { code, stdout } = await run(
      "budget",
      "setup",
      "--dry-run",
      "--json",
      "--email",
      "ops@example.com",
      "--config",
      config,
    );
    assert.equal(code, 0);
    const result = JSON.parse(stdout) as {
      dryRun: boolean;
      accountId: string;
      counts: Record<string, number>;
      applied: number;
    };
    assert.deepEqual(
      [result.dryRun, result.accountId, result.counts.create, result.applied],
      [true, "123456789012", 1, 0],
    );
  });

  it("budget setup applies and prints the console link", async () => {
    const { code, stdout } = await run("budget", "setup", "--email", "ops@example.com", "--config", config);
    assert.equal(code, 0);
    assert.match(stdout, /\+ create {4}twin-budget {2}budget: 10 USD MONTHLY COST \(all services\)/);
    assert.match(stdout, /1 change\(s\) applied/);
    assert.match(
      stdout,
      /Budgets console: https:\/\/us-east-1\.console\.aws\.amazon\.com\/billing\/home#\/budgets/,
    );
    // The sandbox keeps budgets under server.dataDir: a second run finds nothing to do.
    const again = await run("budget", "setup", "--email", "ops@example.com", "--config", config);
    assert.match(again.stdout, /= unchanged twin-budget {2}budget: 10(\.0)? USD MONTHLY COST/);
    assert.match(again.stdout, /0 change\(s\) applied/);
  });

  it("budget rejects a bad e-mail before calling AWS, and an unknown subcommand", async () => {
    assert.deepEqual(await run("budget", "setup", "--email", "ops(at)example.com", "--config", config), {
      code: 2,
      stdout: "",
      stderr: '--email: got "ops(at)example.com"; give an e-mail address such as ops@example.com\n',
    });
    assert.equal((await run("budget", "create", "--config", config)).code, 2);
  });

  it("iam-policy takes the account from STS and prints a parseable policy", async () => {
    const { code, stdout } = await run("iam-policy", "--features", "budget", "--config", config);
    assert.equal(code, 0);
    const policy = JSON.parse(stdout) as { Statement: { Resource: string | string[] }[] };
    assert.deepEqual(
      policy.Statement.map((s) => s.Resource),
      [
        ["arn:aws:budgets::123456789012:budget/twin-budget"],
        ["arn:aws:budgets::123456789012:budget/twin-budget"],
      ],
    );
  });

  it("cw-dashboard --dry-run prints the body; without it, writes and links to the console", async () => {
    const dry = await run("cw-dashboard", "--dry-run", "--config", config);
    assert.equal((JSON.parse(dry.stdout) as { widgets: unknown[] }).widgets.length, 8);
    const real = await run("cw-dashboard", "--name", "twin-monitoring", "--config", config);
    assert.equal(real.code, 0);
    assert.match(
      real.stdout,
      /Wrote dashboard "twin-monitoring" \(8 widgets\)\.\nConsole: https:\/\/us-east-1\.console\.aws\.amazon\.com\/cloudwatch\/home\?region=us-east-1#dashboards\/dashboard\/twin-monitoring/,
    );
    assert.equal((await run("cw-dashboard", "--name", "bad name!", "--config", config)).code, 2);
  });

  it("doctor --skip-bedrock --json passes against the sandbox; a broken config fails with exit 1", async () => {
    const ok = await run("doctor", "--skip-bedrock", "--json", "--config", config);
    const report = JSON.parse(ok.stdout) as {
      rows: { id: string; status: string }[];
      summary: { fail: number };
    };
    assert.equal(report.summary.fail, 0, ok.stdout);
    assert.equal(ok.code, 0);
    const broken = join(dir, "broken.json");
    writeFileSync(broken, JSON.stringify({ aws: { region: "Frankfurt" } }));
    const bad = await run("doctor", "--config", broken);
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /FAIL {2}Configuration: .*aws\.region: got "Frankfurt"/);
  });

  it("lists the commands' options in --help", async () => {
    for (const [cmd, option] of [
      ["budget", "--dry-run"],
      ["doctor", "--skip-bedrock"],
      ["iam-policy", "--features"],
      ["cw-dashboard", "--name"],
    ] as const) {
      const { code, stdout } = await run(cmd, "--help");
      assert.equal(code, 0);
      assert.ok(stdout.includes(option), `${cmd} --help lacks ${option}`);
    }
  });
});
