/**
 * Shared pieces of the benchmark scripts (test/perf/*.ts): option parsing with --help from the
 * same declarations, a virtual clock, starting the server against the in-process sandbox,
 * one simulated page refresh, ledger accounting and pricing, tables and JSON artifacts.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type AppServices, appServices } from "../../server/api/app.ts";
import { type RunningServer, startServer } from "../../server/api/server.ts";
import { type ConfigInput, parseConfig } from "../../server/config.ts";
import type { LedgerEntry } from "../../server/sandbox/core/ledger.ts";
import type { SandboxOptions } from "../../server/sandbox/index.ts";
import { runsOf, runsToDetail } from "../../web/src/panels/bench.ts";

export const ROOT = new URL("../..", import.meta.url).pathname;
export const ARTIFACTS = join(ROOT, "test-artifacts", "perf");

// ---------------------------------------------------------------- options and --help

export interface OptionSpec {
  name: string;
  type: "boolean" | "string";
  description: string;
  default?: string;
}

export interface ScriptSpec {
  name: string;
  summary: string;
  options: OptionSpec[];
}

const COMMON: OptionSpec[] = [
  { name: "quick", type: "boolean", description: "CI smoke: a few seconds, small sizes, no timing goals" },
  { name: "help", type: "boolean", description: "show this help" },
];

export function helpText(spec: ScriptSpec): string {
  const all = [...spec.options, ...COMMON];
  const width = Math.max(...all.map((o) => o.name.length + (o.type === "string" ? 6 : 0))) + 4;
  const lines = all.map((o) => {
    const flag = `--${o.name}${o.type === "string" ? " <v>" : ""}`;
    return `  ${flag.padEnd(width)}${o.description}${o.default !== undefined ? ` (default ${o.default})` : ""}`;
  });
  return `${spec.name}: ${spec.summary}\n\nOptions:\n${lines.join("\n")}\n\nResults: a table on stdout and ${join("test-artifacts", "perf", `${spec.name}.json`)}.\n`;
}

export type ParsedOptions = Record<string, string | boolean | undefined>;

/** Parse argv against the spec; prints help (or the error) and returns null when the script should stop. */
export function parseOptions(spec: ScriptSpec, argv = process.argv.slice(2)): ParsedOptions | null {
  const all = [...spec.options, ...COMMON];
  try {
    const { values } = parseArgs({
      args: argv,
      options: Object.fromEntries(all.map((o) => [o.name, { type: o.type }])),
      strict: true,
      allowPositionals: false,
    });
    if (values.help) {
      process.stdout.write(helpText(spec));
      return null;
    }
    return values as ParsedOptions;
  } catch (err) {
    process.stderr.write(`${spec.name}: ${(err as Error).message}\n\n${helpText(spec)}`);
    process.exitCode = 2;
    return null;
  }
}

/** A numeric option: the value, or exit with a message naming the flag. */
export function numberOption(options: ParsedOptions, name: string, fallback: number): number {
  const raw = options[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (typeof raw !== "string" || !Number.isFinite(n) || n <= 0)
    throw new Error(`--${name}: got ${JSON.stringify(raw)}; give a positive number`);
  return n;
}

export function listOption(options: ParsedOptions, name: string, fallback: number[]): number[] {
  const raw = options[name];
  if (raw === undefined) return fallback;
  const list = String(raw)
    .split(",")
    .map((s) => Number(s.trim()));
  if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n <= 0))
    throw new Error(`--${name}: got ${JSON.stringify(raw)}; give positive whole numbers separated by commas`);
  return list;
}

// ---------------------------------------------------------------- clock and server

/** Real time plus an offset that the benchmark jumps forward (shared by the server and the sandbox). */
export class VirtualClock {
  private offset = 0;
  /** The time the clock stands still at, while held. */
  private held: number | null = null;
  readonly now = (): Date => new Date(this.held ?? Date.now() + this.offset);
  advance(ms: number): void {
    if (this.held !== null) this.held += ms;
    else this.offset += ms;
  }
  /** Jump to `ms` (epoch) unless the clock is already past it (a tick that took longer than its minute). */
  advanceTo(ms: number): void {
    const ahead = ms - this.now().getTime();
    if (ahead > 0) this.advance(ahead);
  }
  /**
   * Stop the clock (until release): no cache entry expires meanwhile, so a measurement of cached
   * answers is not also a measurement of the refresh that real time would bring in mid-run.
   */
  hold(): void {
    this.held ??= Date.now() + this.offset;
  }
  release(): void {
    if (this.held === null) return;
    this.offset = this.held - Date.now();
    this.held = null;
  }
}

export interface BenchServer {
  running: RunningServer;
  services: AppServices;
  clock: VirtualClock;
}

/** Sandbox settings that keep Logs Insights queries short (the product still polls as against AWS). */
export const FAST_SANDBOX: Partial<SandboxOptions> = {
  settings: { logs: { scheduledMs: 10, runningMs: 10 } },
};

/** `n` valid, distinct model IDs: the three Nova models first, then synthetic ones. */
export function modelIds(n: number): string[] {
  const nova = ["amazon.nova-micro-v1:0", "amazon.nova-lite-v1:0", "amazon.nova-pro-v1:0"];
  const out = nova.slice(0, n);
  for (let i = out.length; i < n; i++) out.push(`acme.model-${i}-v1:0`);
  return out;
}

export function functionNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => (i === 0 ? "twin-api" : `twin-worker-${i}`));
}

export interface ServerShape {
  models?: number;
  functions?: number;
  extra?: Partial<ConfigInput>;
  log?: (line: string) => void;
}

export async function startBenchServer(shape: ServerShape = {}): Promise<BenchServer> {
  const clock = new VirtualClock();
  const config = parseConfig({
    mode: "sandbox",
    bedrock: { models: modelIds(shape.models ?? 3).map((id) => ({ id })) },
    lambda: { functions: functionNames(shape.functions ?? 1).map((name) => ({ name })) },
    ...shape.extra,
  });
  const running = await startServer(config, {
    port: 0,
    dataDir: ":memory:",
    now: clock.now,
    sandbox: FAST_SANDBOX,
    log: shape.log ?? (() => undefined),
  });
  // The Express app is the server's request listener; its services hold the cache.
  const app = running.server.listeners("request")[0] as Parameters<typeof appServices>[0];
  return { running, services: appServices(app), clock };
}

/**
 * What the page requests on each refresh, in its order (web/src/main.ts load() and loadBench()):
 * the panels in parallel, the bench runs and schedules, then (see benchDetailPaths) the detail of
 * each run the bench panel shows, and the own-spend panel (/api/usage) last.
 */
export function pagePaths(range: string): string[] {
  const q = `?range=${range}`;
  return [
    `/api/metrics${q}`,
    `/api/overview${q}`,
    `/api/logs${q}`,
    `/api/costs${q}`,
    "/api/budgets",
    `/api/attribution?by=profile&range=${range}`,
    `/api/quotas${q}`,
    "/api/alarms",
    "/api/bench/runs",
    "/api/bench/schedules",
    "/api/usage",
  ];
}

/**
 * The run details the page asks for after /api/bench/runs (the bench panel's own choice of runs).
 * The page holds each finished run's detail once it has it (web/src/main.ts runDetail): a viewer
 * asks for a run's detail once, not on every refresh.
 */
export function benchDetailPaths(runs: unknown): string[] {
  return runsToDetail(runsOf(runs)).map((r) => `/api/bench/runs/${encodeURIComponent(r.id)}`);
}

/** Every path of one page refresh (the bench details as /api/bench/runs answers now), usage last. */
export async function pageRequestPaths(url: string, range: string): Promise<string[]> {
  const paths = pagePaths(range);
  const res = await fetch(`${url}/api/bench/runs`);
  const details = res.ok ? benchDetailPaths(await res.json()) : [];
  return [...paths.slice(0, -1), ...details, paths.at(-1)!];
}

export interface RefreshResult {
  requests: number;
  failures: number;
  /** "status path" of each failed request (status 0: no answer). */
  failed: string[];
}

/**
 * One viewer's page refresh as the page makes it: every panel in parallel (the bench panel's run
 * details once its runs list has answered), then the own-spend panel last.
 */
export async function pageRefresh(
  url: string,
  range: string,
  /** The viewer's run details already held (the page asks for each once); updated here. */
  held: Set<string> = new Set(),
): Promise<RefreshResult> {
  const paths = pagePaths(range);
  const last = paths.pop()!;
  const done: Array<[string, number]> = [];
  const fetched = (p: string) => get(url, p).then((status) => done.push([p, status]));
  const detail = (p: string) =>
    get(url, p).then((status) => {
      done.push([p, status]);
      if (status === 200) held.add(p);
    });
  const details = async () => {
    const res = await getJson(url, "/api/bench/runs");
    done.push(["/api/bench/runs", res.status]);
    await Promise.all(
      benchDetailPaths(res.body)
        .filter((p) => !held.has(p))
        .map(detail),
    );
  };
  await Promise.all([...paths.filter((p) => p !== "/api/bench/runs").map(fetched), details()]);
  await fetched(last);
  const failed = done.flatMap(([p, status]) => (status >= 500 || status === 0 ? [`${status} ${p}`] : []));
  return { requests: done.length, failures: failed.length, failed };
}

async function getJson(url: string, path: string): Promise<{ status: number; body: unknown }> {
  try {
    const res = await fetch(`${url}${path}`);
    if (!res.ok) {
      await res.arrayBuffer();
      return { status: res.status, body: null };
    }
    return { status: res.status, body: (await res.json()) as unknown };
  } catch {
    return { status: 0, body: null };
  }
}

async function get(url: string, path: string): Promise<number> {
  try {
    const res = await fetch(`${url}${path}`);
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

/** Wait until every cache flight (background refetches included) has finished. */
export async function settle(bench: BenchServer): Promise<void> {
  await bench.services.cache.settle();
}

// ---------------------------------------------------------------- ledger accounting

/**
 * Public prices (https://aws.amazon.com/cloudwatch/pricing/, https://aws.amazon.com/aws-cost-management/pricing/),
 * paid tier, free tiers ignored. CloudWatch bills GetMetricData per metric requested and a short
 * list of other requests per 1,000 (CLOUDWATCH_PER_REQUEST); its other API requests (DescribeAlarms,
 * DescribeAlarmHistory: the alarms panel) are not billed. Every Cost Explorer API request is
 * $0.01; Logs Insights is billed per GB scanned (StartQuery/GetQueryResults themselves are not).
 * Not billed per request: Service Quotas (quotas panel), Budgets' Describe calls, the Bedrock
 * control plane (ListInferenceProfiles, GetInferenceProfile, ListTagsForResource: attribution),
 * Lambda GetFunctionConfiguration, STS.
 */
export const PRICES = {
  getMetricDataPer1000Metrics: 0.01,
  cloudWatchPer1000Requests: 0.01,
  costExplorerPerRequest: 0.01,
  logsInsightsPerGb: 0.005,
} as const;

/** CloudWatch requests billed per request (the pricing page's list); ListMetrics is the product's. */
export const CLOUDWATCH_PER_REQUEST: ReadonlySet<string> = new Set([
  "GetMetricStatistics",
  "ListMetrics",
  "PutMetricData",
  "GetDashboard",
  "ListDashboards",
  "PutDashboard",
  "DeleteDashboards",
]);

export interface ApiTally {
  api: string;
  calls: number;
  metricsRequested: number;
  bytesScanned: number;
  usd: number;
}

export function priceEntry(e: LedgerEntry): number {
  const n = (key: string) => Number(e.notes?.[key] ?? 0);
  if (e.service === "ce") return PRICES.costExplorerPerRequest;
  if (e.service === "cloudwatch" && e.operation === "GetMetricData")
    return (n("metricsRequested") / 1000) * PRICES.getMetricDataPer1000Metrics;
  if (e.service === "cloudwatch" && CLOUDWATCH_PER_REQUEST.has(e.operation))
    return PRICES.cloudWatchPer1000Requests / 1000;
  if (e.service === "logs") return (n("bytesScanned") / 1e9) * PRICES.logsInsightsPerGb;
  return 0;
}

/** Calls, metrics, bytes and USD per "service:Operation". */
export function tally(entries: readonly LedgerEntry[]): ApiTally[] {
  const out = new Map<string, ApiTally>();
  for (const e of entries) {
    const api = `${e.service}:${e.operation}`;
    const t = out.get(api) ?? { api, calls: 0, metricsRequested: 0, bytesScanned: 0, usd: 0 };
    t.calls += 1;
    t.metricsRequested += Number(e.notes?.metricsRequested ?? 0);
    t.bytesScanned += Number(e.notes?.bytesScanned ?? 0);
    t.usd += priceEntry(e);
    out.set(api, t);
  }
  return [...out.values()].sort((a, b) => a.api.localeCompare(b.api));
}

export function sumOf<T>(list: readonly T[], pick: (item: T) => number): number {
  return list.reduce((s, item) => s + pick(item), 0);
}

// ---------------------------------------------------------------- output

export function machine(): Record<string, string | number> {
  const cpu = cpus();
  return {
    nproc: cpu.length,
    cpu: cpu[0]?.model ?? "unknown",
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

export type Cell = string | number | boolean | null;

export function table(rows: ReadonlyArray<Record<string, Cell>>): string {
  if (rows.length === 0) return "(no rows)\n";
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const text = (v: Cell | undefined) => (v === undefined || v === null ? "-" : String(v));
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => text(r[c]).length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [
    line(cols),
    `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
    ...rows.map((r) => line(cols.map((c) => text(r[c])))),
  ].join("\n");
}

/** A --quick smoke writes `<name>-quick.json`, so it never overwrites a real run's figures. */
export function artifactName(name: string, quick: boolean): string {
  return quick ? `${name}-quick` : name;
}

export function writeArtifact(name: string, data: unknown): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.json`);
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
  return path;
}

export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Run a script's main, mapping a thrown error to a message and exit code 1. */
export function run(name: string, main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    process.stderr.write(`${name}: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
