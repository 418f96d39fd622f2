/**
 * The benchmark run: one Bedrock client with retries off (created before any timing), warm-up,
 * a quota check on the measured latency, the measured phase under the chosen load, every request
 * stored as it completes, then statistics, recommendation and regressions stored with the run.
 * Stopping (signal) keeps what completed and marks the run incomplete.
 */
import { createRequire } from "node:module";
import type { BenchModelDetail, BenchRunDetail } from "../api/contract.ts";
import type { AwsClients } from "../aws/clients.ts";
import { VERSION } from "../version.ts";
import { modelStats } from "./aggregate.ts";
import { type PriceLookup, requestCost } from "./cost.ts";
import { drive } from "./load.ts";
import { buildInput, measureRequest } from "./measure.ts";
import { buildPlan, type PlanItem } from "./plan.ts";
import { evaluateQuality } from "./quality.ts";
import { checkQuotas, type ModelQuota, type QuotaDemand } from "./quota.ts";
import { findRegressions, recommend, type Slo } from "./recommend.ts";
import { percentile } from "./stats.ts";
import type { BenchStore, RunStatus } from "./store.ts";
import { estimateInputTokens, type LoadedSuite } from "./suite.ts";
import type { BenchMode, LoadPlan, Manifest, RequestRow } from "./types.ts";

export interface RunnerDeps {
  clients: AwsClients;
  store: BenchStore;
  prices: PriceLookup;
  /** Date of the price table, for the manifest. */
  priceTableDate: string;
}

export interface Progress {
  phase: "warmup" | "measure";
  done: number;
  total: number;
  ok: number;
  failed: number;
  throttled: number;
  last: RequestRow | null;
}

export interface RunRequest {
  loaded: LoadedSuite;
  /** Model IDs as invoked (base IDs or us./eu. inference profiles). */
  models: string[];
  region: string;
  mode: BenchMode;
  load: LoadPlan;
  slo: Slo;
  repetitions?: number | undefined;
  timeoutMs?: number | undefined;
  seed?: number | undefined;
  quotas?: Readonly<Record<string, ModelQuota>> | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((p: Progress) => void) | undefined;
  now?: (() => Date) | undefined;
}

export interface RunResult {
  runId: string;
  status: RunStatus;
  detail: BenchRunDetail;
  rows: RequestRow[];
  error: string | null;
  /** True when the run stopped after warm-up because the measured latency showed the quotas cannot take the load. */
  refused: boolean;
}

export class QuotaRefusal extends Error {
  override readonly name = "QuotaRefusal";
  constructor(readonly problems: readonly string[]) {
    super(`The configured quotas cannot take this load:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

function sdkVersion(): string {
  try {
    const require = createRequire(import.meta.url);
    return (require("@aws-sdk/client-bedrock-runtime/package.json") as { version: string }).version;
  } catch {
    return "unknown";
  }
}

export function describeLoad(load: LoadPlan): string {
  if (load.kind === "sequential") return "sequential";
  return load.kind === "concurrency" ? `concurrency ${load.n}` : `poisson ${load.perSecond}/s`;
}

/** Tokens each request reserves against TPM (average input estimate + maxTokens), per model. */
export function quotaDemands(
  loaded: LoadedSuite,
  models: readonly string[],
  latencyMs: Record<string, number> = {},
): QuotaDemand[] {
  const { suite } = loaded;
  const avgInput = Math.ceil(
    suite.prompts.reduce((n, p) => n + estimateInputTokens(suite, p), 0) / suite.prompts.length,
  );
  return models.map((modelId) => {
    const d: QuotaDemand = { modelId, tokensPerRequest: avgInput + suite.inferenceConfig.maxTokens };
    if (latencyMs[modelId] !== undefined) d.latencyMs = latencyMs[modelId];
    return d;
  });
}

export async function runBenchmark(deps: RunnerDeps, req: RunRequest): Promise<RunResult> {
  const now = req.now ?? (() => new Date());
  const { suite } = req.loaded;
  const repetitions = req.repetitions ?? suite.repetitions;
  const seed = req.seed ?? 42;
  const quotas = req.quotas ?? {};
  const upfront = checkQuotas(req.load, quotaDemands(req.loaded, req.models), quotas);
  if (upfront.length > 0) throw new QuotaRefusal(upfront);

  const client = deps.clients.bedrock({ maxAttempts: 1, region: req.region });
  const plan = buildPlan(suite, req.models, repetitions);
  const manifest: Manifest = {
    suite: suite.name,
    suiteHash: req.loaded.hash,
    sdkVersion: `@aws-sdk/client-bedrock-runtime ${sdkVersion()}`,
    toolVersion: VERSION,
    node: process.version,
    region: req.region,
    models: req.models,
    priceTableDate: deps.priceTableDate,
    seed,
    mode: req.mode,
    load: describeLoad(req.load),
    repetitions,
    warmup: suite.warmup,
    timeoutMs: req.timeoutMs ?? 60_000,
    inferenceConfig: JSON.stringify(suite.inferenceConfig),
  };
  const runId = await deps.store.createRun(suite.name, req.models, manifest, now());
  const progress: Progress = {
    phase: "warmup",
    done: 0,
    total: plan.length,
    ok: 0,
    failed: 0,
    throttled: 0,
    last: null,
  };
  const rows: RequestRow[] = [];

  const execute = async (item: PlanItem): Promise<void> => {
    const startedAt = now().toISOString();
    const input = buildInput(item.modelId, suite, item.prompt);
    const m = await measureRequest(client, input, {
      mode: req.mode,
      timeoutMs: req.timeoutMs ?? 60_000,
      cancel: req.signal,
    });
    const quality = m.status === "ok" ? evaluateQuality(item.prompt.checks, m.text) : null;
    const quote = deps.prices(item.modelId, req.region);
    const { text, ...measured } = m;
    const row: RequestRow = {
      ...measured,
      runId,
      seq: item.seq,
      modelId: item.modelId,
      promptId: item.prompt.id,
      repetition: item.repetition,
      warmup: item.warmup,
      startedAt,
      qualityPass: quality ? quality.pass : null,
      qualityFailures: quality?.failures ?? [],
      costUsd:
        quote && m.inputTokens !== null ? requestCost(quote, m.inputTokens, m.outputTokens ?? 0) : null,
      outputChars: text.length,
    };
    await deps.store.addRequest(row);
    rows.push(row);
    if (row.status !== "cancelled") {
      progress.done++;
      if (row.status === "ok") progress.ok++;
      else if (row.status === "throttled") progress.throttled++;
      else progress.failed++;
    }
    progress.last = row;
    req.onProgress?.({ ...progress });
  };

  let error: string | null = null;
  let refused = false;
  let status: RunStatus = "complete";
  try {
    const warm = plan.filter((i) => i.warmup);
    await drive(warm, { kind: "sequential" }, execute, { signal: req.signal });
    const warmLatency: Record<string, number> = {};
    for (const modelId of req.models) {
      const e2e = rows
        .filter((r) => r.modelId === modelId && r.status === "ok" && r.endToEndMs !== null)
        .map((r) => r.endToEndMs!)
        .sort((a, b) => a - b);
      if (e2e.length > 0) warmLatency[modelId] = percentile(e2e, 50);
    }
    const sustained = checkQuotas(req.load, quotaDemands(req.loaded, req.models, warmLatency), quotas);
    if (sustained.length > 0) throw new QuotaRefusal(sustained);
    progress.phase = "measure";
    await drive(
      plan.filter((i) => !i.warmup),
      req.load,
      execute,
      { signal: req.signal, seed },
    );
    if (req.signal?.aborted) status = "incomplete";
  } catch (err) {
    status = "failed";
    error = (err as Error).message;
    refused = err instanceof QuotaRefusal;
  }

  const stats: BenchModelDetail[] = req.models.map((m, i) =>
    modelStats(rows, m, seed + i * 10, deps.prices(m, req.region) !== undefined),
  );
  const startedAt = (await deps.store.getRun(runId))!.startedAt;
  const results = {
    stats,
    recommendation: recommend(stats, req.slo),
    // Only runs measured the same way compare: same mode (stream/converse) and same load.
    regressions: findRegressions(
      stats,
      (await deps.store.previousRuns(suite.name, startedAt, 20)).filter(
        (r) => r.manifest.mode === manifest.mode && r.manifest.load === manifest.load,
      ),
    ),
  };
  await deps.store.finishRun(runId, status, now(), results, error ?? undefined);
  return { runId, status, detail: (await deps.store.getRun(runId))!, rows, error, refused };
}
