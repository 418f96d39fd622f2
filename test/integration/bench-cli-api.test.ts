/**
 * `bedrock-ops bench` end to end in sandbox mode (the command starts its own sandbox), then the
 * stored run served by the API router.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { after, before, describe, it } from "node:test";
import express from "express";
import type { BenchModelDetail, BenchRunDetail, BenchRunSummary } from "../../server/api/contract.ts";
import { errorHandler } from "../../server/api/errors.ts";
import { createBenchRouter } from "../../server/api/routes/bench.ts";
import { main } from "../../server/cli.ts";
import { openStore } from "../../server/store/index.ts";

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (c: Buffer) => {
    out += c.toString();
  });
  stderr.on("data", (c: Buffer) => {
    err += c.toString();
  });
  const code = await main(["bench", ...args], { stdout, stderr, interrupted: new AbortController().signal });
  return { code, stdout: out, stderr: err };
}

describe("bench command and API", () => {
  const dir = mkdtempSync(join(tmpdir(), "bench-cli-"));
  const config = join(dir, "config.json");
  const suite = join(dir, "tiny.json");
  const exported = join(dir, "run.csv");
  let run: BenchRunDetail;

  before(async () => {
    writeFileSync(config, JSON.stringify({ mode: "sandbox", server: { dataDir: join(dir, "data") } }));
    writeFileSync(
      suite,
      JSON.stringify({
        name: "tiny",
        warmup: 0,
        repetitions: 1,
        prompts: [
          {
            id: "word",
            text: 'Answer in one word: the capital of "Portugal"?',
            checks: [{ type: "contains", value: "Portugal" }],
          },
        ],
      }),
    );
    const result = await cli(["--suite", suite, "--config", config, "--json", "--export", exported]);
    assert.equal(result.code, 0, result.stderr);
    run = JSON.parse(result.stdout) as BenchRunDetail;
  });

  it("prints only the JSON result on stdout with --json, comparing Micro, Lite and Pro", () => {
    assert.equal(run.status, "complete");
    assert.equal(run.suite, "tiny");
    assert.deepEqual(
      run.stats.map((s) => s.modelId),
      ["amazon.nova-micro-v1:0", "amazon.nova-lite-v1:0", "amazon.nova-pro-v1:0"],
    );
    assert.ok(run.stats.every((s) => s.count === 1 && (s as BenchModelDetail).outcomes.ok === 1));
    assert.ok(run.recommendation && run.recommendation.reason.length > 0);
    assert.equal(run.manifest.region, "us-east-1");
  });

  it("exports the requests as CSV", () => {
    const lines = readFileSync(exported, "utf8").trim().split("\r\n");
    assert.equal(lines.length, 1 + 3);
    assert.ok(lines[1]!.startsWith(`${run.id},0,amazon.nova-micro-v1:0,word,`));
  });

  it("shows the cost estimate and refuses above --max-cost", async () => {
    const refused = await cli(["--suite", suite, "--config", config, "--max-cost", "0.000001"]);
    assert.equal(refused.code, 3);
    assert.equal(refused.stdout, "");
    assert.match(refused.stderr, /Cost estimate \(worst case: every answer uses maxTokens 2000\)/);
    assert.match(
      refused.stderr,
      /refused\. The worst-case estimate \$0\.\d+ is above --max-cost \$0\.000001/,
    );
  });

  it("dry-runs without sending anything", async () => {
    const dry = await cli([
      "--suite",
      suite,
      "--config",
      config,
      "--dry-run",
      "--json",
      "--models",
      "micro,pro",
    ]);
    assert.equal(dry.code, 0);
    const plan = JSON.parse(dry.stdout) as {
      dryRun: boolean;
      models: string[];
      estimate: { requests: number };
    };
    assert.deepEqual(plan.models, ["amazon.nova-micro-v1:0", "amazon.nova-pro-v1:0"]);
    assert.equal(plan.estimate.requests, 2);
  });

  it("rejects bad usage with exit 2, naming the option", async () => {
    const both = await cli(["--suite", suite, "--config", config, "--concurrency", "4", "--rate", "2"]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--concurrency and --rate exclude each other/);
    const unknown = await cli(["--suite", "nope", "--config", config]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no suite "nope"; available: .*long-summary.*short-qa.*twin/);
    const model = await cli(["--suite", suite, "--config", config, "--models", "gpt"]);
    assert.equal(model.code, 2);
    assert.match(model.stderr, /--models: "gpt" is not a configured model/);
    const quota = await cli(["--suite", suite, "--config", config, "--concurrency", "30", "--tpm", "20000"]);
    assert.equal(quota.code, 3);
    assert.match(quota.stderr, /10 x 2\d+ = 2\d{4} > TPM quota 20000/);
  });

  describe("API", () => {
    let base: string;
    let close: () => Promise<void>;
    before(async () => {
      const app = express();
      const store = await openStore({ kind: "sqlite", dataDir: join(dir, "data") });
      app.use("/api/bench", createBenchRouter({ store }));
      app.use(errorHandler(() => undefined));
      const server = app.listen(0, "127.0.0.1");
      await new Promise((resolve) => server.once("listening", resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
      close = async () => {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await store.close();
      };
    });
    after(async () => {
      await close();
    });

    it("lists runs and serves one run's detail", async () => {
      const runs = (await (await fetch(`${base}/bench/runs?suite=tiny`)).json()) as BenchRunSummary[];
      assert.deepEqual(
        runs.map((r) => [r.id, r.status, r.requests]),
        [[run.id, "complete", 3]],
      );
      const detail = (await (await fetch(`${base}/bench/runs/${run.id}`)).json()) as BenchRunDetail;
      assert.deepEqual(detail.stats, run.stats);
      assert.equal(detail.manifest.suiteHash, run.manifest.suiteHash);
    });

    it("answers 404 with an error body for an unknown run, 400 for a bad limit", async () => {
      const missing = await fetch(`${base}/bench/runs/does-not-exist`);
      assert.equal(missing.status, 404);
      assert.equal(((await missing.json()) as { error: { code: string } }).error.code, "RunNotFound");
      const bad = await fetch(`${base}/bench/runs?limit=abc`);
      assert.equal(bad.status, 400);
      assert.match(((await bad.json()) as { error: { message: string } }).error.message, /^limit: got "abc"/);
    });

    it("exports a run as CSV over HTTP", async () => {
      const res = await fetch(`${base}/bench/runs/${run.id}/export?format=csv`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type") ?? "", /text\/csv/);
      assert.equal((await res.text()).trim().split("\r\n").length, 4);
    });
  });
});
