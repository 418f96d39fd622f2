/**
 * The glue shared by the bench command and the scheduler: prices from the pricing module,
 * models from config, a suite run with the config's SLO, and the optional CloudWatch publish.
 */
import type { AwsClients } from "../aws/clients.ts";
import { bedrockRegion, type Config, invokeModelId } from "../config.ts";
import { PRICES_AS_OF, PriceBook } from "../pricing/prices.ts";
import { isApplicationProfile } from "../pricing/usage-types.ts";
import { listApplicationProfiles } from "../sources/attribution-profiles.ts";
import type { Store } from "../store/index.ts";
import type { PriceLookup } from "./cost.ts";
import { publishRun } from "./publish.ts";
import type { ModelQuota } from "./quota.ts";
import { type Progress, type RunResult, runBenchmark } from "./runner.ts";
import { BenchStore } from "./store.ts";
import { loadSuite, suiteDirs } from "./suite.ts";
import type { BenchMode, LoadPlan } from "./types.ts";

export interface BenchContext {
  config: Config;
  clients: AwsClients;
  store: BenchStore;
  prices: PriceLookup;
  priceTableDate: string;
}

/** Adapter from the pricing module's PriceBook (region and inference-profile aware). */
export function priceLookup(book: PriceBook): PriceLookup {
  return (modelId, region) => {
    const p = book.price(modelId, region);
    return p ? { inputPerMillion: p.input, outputPerMillion: p.output, asOf: p.asOf } : undefined;
  };
}

export function createBenchContext(config: Config, clients: AwsClients, store: Store): BenchContext {
  return {
    config,
    clients,
    store: new BenchStore(store, { leaseMs: config.bench.runLeaseSeconds * 1000 }),
    prices: priceLookup(PriceBook.fromConfig(config)),
    priceTableDate:
      Object.keys(config.pricing.overrides).length > 0 ? `${PRICES_AS_OF} + config overrides` : PRICES_AS_OF,
  };
}

const PROFILE_ARN = /^arn:aws[a-z-]*:bedrock:[a-z0-9-]+:\d{12}:application-inference-profile\/[a-z0-9]+$/;
/** AWS generates 12 lower-case letters and digits (e.g. dx31hxxt6edz); a word such as "gpt" is not one. */
const PROFILE_ID = /^(?=[a-z]*\d)[a-z0-9]{8,64}$/;

export class ModelSelectionError extends Error {
  override readonly name = "ModelSelectionError";
}

/**
 * The invoked model IDs for `requested` (config IDs, profile IDs, labels, or a unique fragment
 * such as "micro"); all configured models when nothing is requested.
 */
export function resolveModels(config: Config, requested?: readonly string[]): string[] {
  const configured = config.bedrock.models.map((m) => ({
    invoke: invokeModelId(m),
    id: m.id,
    label: m.label ?? "",
  }));
  if (!requested || requested.length === 0) return configured.map((m) => m.invoke);
  return requested.map((raw) => {
    const want = raw.trim().toLowerCase();
    const exact = configured.find((m) => [m.invoke, m.id, m.label].some((v) => v.toLowerCase() === want));
    if (exact) return exact.invoke;
    const partial = configured.filter(
      (m) => m.invoke.toLowerCase().includes(want) || m.label.toLowerCase().includes(want),
    );
    if (partial.length === 1) return partial[0]!.invoke;
    if (/^([a-z-]+\.)?[a-z0-9-]+\.[a-zA-Z0-9._-]+(:[a-z0-9]+)*$/.test(raw.trim())) return raw.trim();
    // An application inference profile, by ARN or ID: invoked through its ARN, priced as its model.
    if (PROFILE_ARN.test(raw.trim()) || PROFILE_ID.test(raw.trim())) return raw.trim();
    throw new ModelSelectionError(
      `--models: "${raw}" ${partial.length > 1 ? "matches several models" : "is not a configured model"}; use one of ${configured.map((m) => m.invoke).join(", ")}, a full Bedrock model ID, or an application inference profile ARN or ID`,
    );
  });
}

export interface SuiteRunOptions {
  suite: string;
  models?: readonly string[] | undefined;
  repetitions?: number | undefined;
  load?: LoadPlan | undefined;
  mode?: BenchMode | undefined;
  timeoutMs?: number | undefined;
  seed?: number | undefined;
  quotas?: Readonly<Record<string, ModelQuota>> | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((p: Progress) => void) | undefined;
}

export interface SuiteRunResult extends RunResult {
  /** Data points sent to CloudWatch, when config.bench.publishNamespace is set. */
  published: number | null;
  publishError: string | null;
}

/**
 * Application inference profiles among the models: each is invoked through its ARN (a bare ID is
 * looked up with ListInferenceProfiles) and priced at the price of the model it routes to.
 */
export async function withProfiles(
  ctx: BenchContext,
  models: readonly string[],
): Promise<{ ctx: BenchContext; models: string[] }> {
  if (!models.some(isApplicationProfile)) return { ctx, models: [...models] };
  const region = bedrockRegion(ctx.config);
  const profiles = await listApplicationProfiles(ctx.clients.bedrockControl({ region }));
  const baseOf = new Map<string, string>();
  const invoked = models.map((m) => {
    if (!isApplicationProfile(m)) return m;
    const p = profiles.find((x) => x.arn === m || x.id === m);
    if (!p)
      throw new ModelSelectionError(
        `--models: "${m}" is not an application inference profile of this account in ${region} (ListInferenceProfiles lists ${profiles.map((x) => x.id).join(", ") || "none"})`,
      );
    if (p.model) baseOf.set(p.arn, p.model);
    return p.arn;
  });
  const prices = ctx.prices;
  return {
    ctx: { ...ctx, prices: (modelId, r) => prices(baseOf.get(modelId) ?? modelId, r) },
    models: invoked,
  };
}

export async function runSuite(context: BenchContext, options: SuiteRunOptions): Promise<SuiteRunResult> {
  const { ctx, models } = await withProfiles(context, resolveModels(context.config, options.models));
  const loaded = loadSuite(options.suite, suiteDirs(ctx.config.bench.suitesDir));
  const result = await runBenchmark(ctx, {
    loaded,
    models,
    region: bedrockRegion(ctx.config),
    mode: options.mode ?? "stream",
    load: options.load ?? { kind: "sequential" },
    slo: ctx.config.bench.slo,
    repetitions: options.repetitions,
    timeoutMs: options.timeoutMs,
    seed: options.seed,
    quotas: options.quotas,
    signal: options.signal,
    onProgress: options.onProgress,
  });
  let published: number | null = null;
  let publishError: string | null = null;
  const namespace = ctx.config.bench.publishNamespace;
  if (namespace && result.status === "complete") {
    try {
      published = await publishRun(
        ctx.clients,
        namespace,
        loaded.suite.name,
        result.detail.stats,
        new Date(),
      );
    } catch (err) {
      publishError = `PutMetricData to ${namespace} failed: ${(err as Error).name}: ${(err as Error).message}`;
    }
  }
  return { ...result, published, publishError };
}
