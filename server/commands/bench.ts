/**
 * bedrock-ops bench: run a benchmark suite against Bedrock (or the built-in sandbox when there
 * is no config.json), with a cost estimate first, progress on stderr and a summary at the end.
 */
import { writeFileSync } from "node:fs";
import { createInterface } from "node:readline/promises";
import { openRuntime } from "../aws/runtime.ts";
import { estimateRunCost } from "../bench/cost.ts";
import { costDecision } from "../bench/cost-guard.ts";
import { exportCsv, exportJson } from "../bench/export.ts";
import { checkQuotas, type ModelQuota } from "../bench/quota.ts";
import { formatEstimate, formatSummary } from "../bench/report.ts";
import { QuotaRefusal, quotaDemands } from "../bench/runner.ts";
import {
  createBenchContext,
  ModelSelectionError,
  priceLookup,
  resolveModels,
  runSuite,
} from "../bench/service.ts";
import { loadSuite, SuiteError, suiteDirs } from "../bench/suite.ts";
import type { BenchMode, LoadPlan } from "../bench/types.ts";
import { bedrockRegion, loadConfig } from "../config.ts";
import { PriceBook } from "../pricing/prices.ts";
import { openStore, storeSpecOf } from "../store/index.ts";
import { progressReporter } from "./bench-progress.ts";
import { CONFIG_OPTION, type CommandIO, type CommandSpec, type ParsedOptions } from "./types.ts";

class UsageError extends Error {}

function positive(options: ParsedOptions, name: string, integer: boolean): number | undefined {
  const raw = options[name];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (
    typeof raw !== "string" ||
    !Number.isFinite(value) ||
    value <= 0 ||
    (integer && !Number.isInteger(value))
  ) {
    throw new UsageError(
      `--${name}: got ${JSON.stringify(raw)}; use a ${integer ? "whole number" : "number"} greater than 0`,
    );
  }
  return value;
}

function parseLoad(options: ParsedOptions): LoadPlan {
  const n = positive(options, "concurrency", true);
  const rate = positive(options, "rate", false);
  if (n !== undefined && rate !== undefined) {
    throw new UsageError(
      "--concurrency and --rate exclude each other: choose a closed loop (N in flight) or an arrival rate (per second)",
    );
  }
  if (rate !== undefined) return { kind: "rate", perSecond: rate };
  if (n !== undefined && n > 1) return { kind: "concurrency", n };
  return { kind: "sequential" };
}

function parseMode(options: ParsedOptions): BenchMode {
  const mode = options.mode ?? "stream";
  if (mode !== "stream" && mode !== "converse")
    throw new UsageError(`--mode: got ${JSON.stringify(mode)}; use stream or converse`);
  return mode;
}

/** At a terminal, ask before a run above the ceiling; without one (CI, cron, a pipe) the answer is no. */
async function confirmAtTerminal(io: CommandIO, reason: string): Promise<boolean> {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: io.stderr });
  try {
    const answer = await rl.question(`Warning: ${reason}\nStart anyway? [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

export const command: CommandSpec = {
  name: "bench",
  summary:
    "Benchmark Bedrock models (Nova Micro, Lite, Pro) on a suite through ConverseStream, with statistics, cost and a recommendation.",
  details: [
    "Examples:",
    "  bedrock-ops bench --suite twin                      # sandbox when there is no config.json",
    "  bedrock-ops bench --suite short-qa --models micro,lite --concurrency 4 --max-cost 0.50",
    "  bedrock-ops bench --suite twin --rate 2 --json > run.json",
    "Suites: built-in short-qa, twin, long-summary, plus *.json in config bench.suitesDir.",
    "Exit codes: 0 complete, 1 failed or every request failed, 2 bad usage, 3 refused (cost or quota), 130 interrupted (rows kept).",
  ].join("\n"),
  options: [
    {
      name: "suite",
      type: "string",
      value: "<name>",
      description: "suite name or path to a suite .json file (required)",
    },
    {
      name: "models",
      type: "string",
      value: "<a,b>",
      description:
        "models to compare: IDs, labels or fragments such as micro,lite, or an application inference profile ARN or ID (priced as its model; default: config bedrock.models)",
    },
    {
      name: "concurrency",
      type: "string",
      value: "<n>",
      description: "closed loop: N requests in flight",
      default: "1",
    },
    {
      name: "rate",
      type: "string",
      value: "<per-second>",
      description: "open loop: Poisson arrivals at this rate (instead of --concurrency)",
    },
    {
      name: "repetitions",
      type: "string",
      value: "<n>",
      description: "repetitions of every prompt per model (default: the suite's)",
    },
    {
      name: "mode",
      type: "string",
      value: "<stream|converse>",
      description: "ConverseStream (TTFT, inter-token) or Converse",
      default: "stream",
    },
    {
      name: "timeout",
      type: "string",
      value: "<seconds>",
      description: "per-request timeout",
      default: "60",
    },
    {
      name: "seed",
      type: "string",
      value: "<n>",
      description: "seed for the bootstrap and Poisson arrivals",
      default: "42",
    },
    {
      name: "rpm",
      type: "string",
      value: "<n>",
      description: "your per-model requests-per-minute quota; refuses a load above it",
    },
    {
      name: "tpm",
      type: "string",
      value: "<n>",
      description: "your per-model tokens-per-minute quota; refuses a load above it",
    },
    { name: "dry-run", type: "boolean", description: "show the plan and the cost estimate, send nothing" },
    {
      name: "max-cost",
      type: "string",
      value: "<usd>",
      description: "refuse to start when the worst-case estimate is above this (unless --yes)",
    },
    {
      name: "yes",
      type: "boolean",
      description: "start even when the estimate is above --max-cost (or bench.maxCostUsd, default $1)",
    },
    {
      name: "export",
      type: "string",
      value: "<file.json|file.csv>",
      description: "also write the run (JSON) or its requests (CSV) to a file",
    },
    {
      name: "json",
      type: "boolean",
      description: "stdout carries only the JSON result; progress and summary go to stderr",
    },
    CONFIG_OPTION,
  ],
  run: async (options, _positionals, io) => {
    try {
      return await bench(options, io);
    } catch (err) {
      if (err instanceof UsageError || err instanceof SuiteError || err instanceof ModelSelectionError) {
        io.stderr.write(`bedrock-ops bench: ${err.message}\n`);
        return 2;
      }
      if (err instanceof QuotaRefusal) {
        io.stderr.write(`bedrock-ops bench: refused. ${err.message}\n`);
        return 3;
      }
      throw err;
    }
  },
};

async function bench(options: ParsedOptions, io: CommandIO): Promise<number> {
  if (typeof options.suite !== "string")
    throw new UsageError(
      "--suite is required: bedrock-ops bench --suite twin (built-in: short-qa, twin, long-summary)",
    );
  const config = loadConfig(typeof options.config === "string" ? { path: options.config } : {});
  const loaded = loadSuite(options.suite, suiteDirs(config.bench.suitesDir));
  const models = resolveModels(
    config,
    typeof options.models === "string" ? options.models.split(",").filter(Boolean) : undefined,
  );
  const load = parseLoad(options);
  const mode = parseMode(options);
  const repetitions = positive(options, "repetitions", true) ?? loaded.suite.repetitions;
  const timeoutMs = (positive(options, "timeout", false) ?? 60) * 1000;
  const seed = positive(options, "seed", true) ?? 42;
  const maxCost = positive(options, "max-cost", false);
  const rpm = positive(options, "rpm", true);
  const tpm = positive(options, "tpm", true);
  const quotas: Record<string, ModelQuota> = {};
  if (rpm !== undefined || tpm !== undefined) {
    for (const m of models)
      quotas[m] = { rpm: rpm ?? Number.POSITIVE_INFINITY, tpm: tpm ?? Number.POSITIVE_INFINITY };
  }
  const region = bedrockRegion(config);
  const json = options.json === true;
  const out = json ? io.stderr : io.stdout;

  const estimate = estimateRunCost(
    loaded.suite,
    models,
    repetitions,
    region,
    priceLookup(PriceBook.fromConfig(config)),
  );
  io.stderr.write(
    `Suite ${loaded.suite.name} (${loaded.path}, hash ${loaded.hash}); ${config.mode === "sandbox" ? "SANDBOX (no config.json): nothing is billed" : `AWS ${region}`}; ${mode}; load ${load.kind === "rate" ? `${load.perSecond}/s Poisson` : load.kind === "concurrency" ? `concurrency ${load.n}` : "sequential"}\n`,
  );
  io.stderr.write(`${formatEstimate(estimate, loaded.suite.inferenceConfig.maxTokens)}\n`);
  const upfront = checkQuotas(load, quotaDemands(loaded, models), quotas);
  if (upfront.length > 0) throw new QuotaRefusal(upfront);
  if (options["dry-run"] === true) {
    if (json)
      io.stdout.write(
        `${JSON.stringify({ dryRun: true, suite: loaded.suite.name, suiteHash: loaded.hash, models, load, mode, repetitions, estimate }, null, 2)}\n`,
      );
    else out.write("Dry run: nothing was sent.\n");
    return 0;
  }
  const decision = costDecision({
    estimateUsd: estimate.maxUsd,
    unpriced: estimate.unpriced,
    maxCost,
    ceiling: config.bench.maxCostUsd,
    yes: options.yes === true,
    billed: config.mode !== "sandbox",
  });
  if (!decision.go && !(await confirmAtTerminal(io, decision.reason))) {
    io.stderr.write(`bedrock-ops bench: refused. ${decision.reason}\n`);
    return 3;
  }

  const store = await openStore(storeSpecOf(config), {
    log: (line) => io.stderr.write(`${line}\n`),
    signal: io.interrupted,
  });
  const runtime = await openRuntime(config).catch(async (err: unknown) => {
    await store.close();
    throw err;
  });
  const { clients } = runtime;
  const progress = progressReporter(io.stderr);
  try {
    const ctx = createBenchContext(config, clients, store);
    await ctx.store.recoverAbandoned(new Date());
    const result = await runSuite(ctx, {
      suite: loaded.path,
      models,
      repetitions,
      load,
      mode,
      timeoutMs,
      seed,
      quotas,
      signal: io.interrupted,
      onProgress: progress.update,
    });
    progress.finish();
    out.write(`\n${formatSummary(result.detail)}\n`);
    if (result.error) io.stderr.write(`Run ${result.status}: ${result.error}\n`);
    if (result.status === "incomplete")
      io.stderr.write("Interrupted: the completed requests are kept; the run is marked incomplete.\n");
    if (result.publishError) io.stderr.write(`${result.publishError}\n`);
    else if (result.published !== null)
      io.stderr.write(
        `Published ${result.published} data points to CloudWatch ${config.bench.publishNamespace}.\n`,
      );
    if (typeof options.export === "string") {
      const rows = await ctx.store.requests(result.runId);
      writeFileSync(
        options.export,
        options.export.endsWith(".csv") ? exportCsv(rows) : exportJson(result.detail, rows),
      );
      io.stderr.write(`Wrote ${options.export}.\n`);
    }
    if (json) io.stdout.write(`${JSON.stringify(result.detail, null, 2)}\n`);
    if (result.refused) return 3;
    if (result.status === "failed") return 1;
    if (result.status === "incomplete") return 130;
    return result.detail.stats.every((s) => s.count > 0 && s.errorRate + s.throttleRate >= 1) ? 1 : 0;
  } finally {
    progress.finish();
    await store.close();
    await runtime.close();
  }
}
