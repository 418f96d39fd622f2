/**
 * `npm run bench:server`: requests per second and latency percentiles of /api/overview from a
 * warm cache under 50 concurrent connections (autocannon); the throughput of every cached panel
 * as a ratio to /api/health in the same run (a browser's Accept-Encoding); the bytes on the wire
 * of a full page refresh, first load and revalidated (If-None-Match), and of the 24 h metrics
 * payload; and the server's resident memory after an hour-equivalent of page refreshes on a
 * virtual clock, as a ratio to the start.
 * The server runs in a child process (server-child.ts) so the load generator and the memory
 * readings do not share its event loop.
 */
import { type ChildProcess, fork } from "node:child_process";
import { request } from "node:http";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { type RunningSandbox, sandboxCredentials, startSandbox } from "../../server/sandbox/index.ts";
import {
  artifactName,
  FAST_SANDBOX,
  machine,
  numberOption,
  pageRefresh,
  pageRequestPaths,
  parseOptions,
  round,
  run,
  type ScriptSpec,
  table,
  VirtualClock,
  writeArtifact,
} from "./common.ts";
import { load } from "./load.ts";
import type { ChildReply, ChildRequest } from "./server-child.ts";
import { TICK_MS } from "./simulate.ts";

const SPEC: ScriptSpec = {
  name: "server",
  summary:
    "Throughput and latency of /api/overview (warm cache, autocannon) and RSS after an hour of refreshes.",
  options: [
    { name: "connections", type: "string", description: "concurrent connections", default: "50" },
    { name: "duration", type: "string", description: "seconds of load", default: "10" },
    {
      name: "rounds",
      type: "string",
      description: "rounds of (health, panel) pairs per panel; each ratio is their median",
      default: "3",
    },
    {
      name: "viewers",
      type: "string",
      description: "viewers refreshing every virtual minute for the memory run",
      default: "10",
    },
    { name: "minutes", type: "string", description: "virtual minutes of the memory run", default: "60" },
    { name: "range", type: "string", description: "range of the requests", default: "24h" },
    { name: "out", type: "string", description: "artifact name", default: "server" },
    {
      name: "profile",
      type: "string",
      description: "write a V8 CPU profile of the server process (.cpuprofile) into this folder",
    },
    {
      name: "sandbox",
      type: "string",
      description:
        "separate: sandbox in this process, server alone in its own (memory is the product's); in-process",
      default: "separate",
    },
  ],
};

interface Memory {
  rss: number;
  heapUsed: number;
  external: number;
}

class Child {
  private readonly proc: ChildProcess;
  private waiting: Array<(reply: ChildReply) => void> = [];
  readonly ready: Promise<string>;

  constructor(sandbox: RunningSandbox | null, profileDir?: string) {
    const path = fileURLToPath(new URL("./server-child.ts", import.meta.url));
    const { accessKeyId, secretAccessKey } = sandboxCredentials();
    this.proc = fork(path, sandbox ? [sandbox.url] : [], {
      execArgv: [
        "--import",
        "tsx",
        "--expose-gc",
        ...(profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : []),
      ],
      stdio: ["ignore", "ignore", "inherit", "ipc"],
      // The AWS SDK's default credential chain reads these: the sandbox's keys, which grant nothing.
      env: { ...process.env, AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey },
    });
    this.ready = new Promise((resolve, reject) => {
      this.proc.once("exit", (code) =>
        reject(new Error(`the server process exited (${code}) before it was ready`)),
      );
      this.waiting.push((reply) =>
        reply.type === "ready" ? resolve(reply.url) : reject(new Error(JSON.stringify(reply))),
      );
    });
    this.proc.on("message", (reply: ChildReply) => this.waiting.shift()?.(reply));
  }

  ask(request: ChildRequest): Promise<ChildReply> {
    return new Promise((resolve, reject) => {
      this.waiting.push((reply) =>
        reply.type === "error" ? reject(new Error(reply.message)) : resolve(reply),
      );
      this.proc.send(request);
    });
  }

  async memory(): Promise<Memory> {
    const reply = await this.ask({ type: "memory" });
    if (reply.type !== "memory") throw new Error(`unexpected reply ${JSON.stringify(reply)}`);
    return { rss: reply.rss, heapUsed: reply.heapUsed, external: reply.external };
  }

  /** CPU time the server process has used so far, microseconds. */
  async cpu(): Promise<number> {
    const reply = await this.ask({ type: "cpu" });
    if (reply.type !== "cpu") throw new Error(`unexpected reply ${JSON.stringify(reply)}`);
    return reply.micros;
  }

  async close(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.proc.once("exit", () => resolve()));
    this.proc.send({ type: "close" } satisfies ChildRequest);
    const timer = setTimeout(() => this.proc.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

/** A browser's Accept-Encoding (Chromium). */
const BROWSER_ENCODING = "gzip, deflate, br, zstd";

interface Wire {
  status: number;
  bytes: number;
  etag: string | undefined;
}

/** One GET as a browser sends it; bytes on the wire = status line + headers + body as sent. */
function wireGet(url: string, path: string, headers: Record<string, string>): Promise<Wire> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      { headers: { "accept-encoding": BROWSER_ENCODING, ...headers } },
      (res) => {
        let body = 0;
        res.on("data", (c: Buffer) => {
          body += c.length;
        });
        res.on("end", () => {
          let head = `HTTP/1.1 ${res.statusCode} ${res.statusMessage}\r\n`.length + 2;
          for (let i = 0; i < res.rawHeaders.length; i += 2)
            head += `${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}\r\n`.length;
          const etag = res.headers.etag;
          resolve({ status: res.statusCode ?? 0, bytes: head + body, etag });
        });
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/**
 * A full page refresh's API requests (the page's real set, pageRequestPaths: every panel, the
 * bench runs, schedules and run details, usage): the first load (with /api/health, which the page
 * asks once when it opens), then a refresh with the validators the browser kept, per path.
 */
const isRunDetail = (path: string) => path.startsWith("/api/bench/runs/");

async function refreshBytes(url: string, range: string) {
  const paths = await pageRequestPaths(url, range);
  const health = await wireGet(url, "/api/health", {});
  const first = await Promise.all(paths.map((p) => wireGet(url, p, {})));
  // The page holds finished runs' details: a refresh does not ask for them again.
  const second = await Promise.all(
    paths.map((p, i) =>
      isRunDetail(p)
        ? Promise.resolve<Wire>({ status: 0, bytes: 0, etag: undefined })
        : wireGet(url, p, first[i]!.etag ? { "if-none-match": first[i]!.etag! } : {}),
    ),
  );
  const metricsIndex = paths.indexOf(`/api/metrics?range=${range}`);
  return {
    requests: paths.length,
    refreshRequests: paths.filter((p) => !isRunDetail(p)).length,
    firstLoadKb: round((health.bytes + first.reduce((n, w) => n + w.bytes, 0)) / 1024, 1),
    unchangedRefreshKb: round(second.reduce((n, w) => n + w.bytes, 0) / 1024, 1),
    notModified: second.filter((w) => w.status === 304).length,
    metricsPayloadKb: round(first[metricsIndex]!.bytes / 1024, 1),
    perPath: paths.map((path, i) => ({
      path,
      firstStatus: first[i]!.status,
      firstBytes: first[i]!.bytes,
      refreshStatus: second[i]!.status,
      refreshBytes: second[i]!.bytes,
    })),
  };
}

/**
 * Bring a panel to the state it is served in for its cache entry's life: sent twice with the
 * browser's encoding, which starts its one-off best compression in the thread pool (brotli 11:
 * about a second of CPU for the 24 h metrics or quotas JSON), and until that has replaced the fast
 * form (the compressed size stops shrinking; at most ~5 s). Otherwise a short measurement of a
 * large panel also measures that one-off compression competing for the 2 cores.
 */
async function settleEncoding(url: string, path: string): Promise<void> {
  let last = -1;
  let same = 0;
  for (let i = 0; i < 50 && same < 3; i++) {
    const w = await wireGet(url, path, {});
    same = w.bytes === last ? same + 1 : 0;
    last = w.bytes;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Requests per second of each panel and of /api/health, each for `duration` s, in one run, with
 * the lean load generator (test/perf/load.ts), and the server process's CPU time per request
 * (user + system, from the child): the ratio of the costs does not depend on how busy the
 * machine is, the rates do.
 */
async function panelThroughput(
  child: Child,
  url: string,
  range: string,
  connections: number,
  duration: number,
  rounds: number,
) {
  const measure = async (path: string): Promise<Measured> => {
    await settleEncoding(url, path);
    process.stderr.write(`load: ${connections} connections, ${duration} s, ${path} ...\n`);
    const before = await child.cpu();
    const r = await load({
      url,
      path,
      connections,
      durationMs: duration * 1000,
      headers: { "accept-encoding": BROWSER_ENCODING },
    });
    const micros = (await child.cpu()) - before;
    const failed = r.errors + Object.entries(r.statuses).reduce((n, [s, c]) => n + (s === "200" ? 0 : c), 0);
    return { rate: r.requestsPerSecond, cpuPerRequest: micros / Math.max(1, r.requests), failed };
  };
  // A warm-up, then each panel right after its own /api/health run, in `rounds` rounds: the
  // machine's speed drifts (other jobs, 2 vCPU), so each ratio is to the health run beside it,
  // and the figure is the median over the rounds.
  await measure("/api/health");
  const paths = await pageRequestPaths(url, range);
  const runs = new Map<string, Array<{ health: Measured; panel: Measured }>>(paths.map((p) => [p, []]));
  for (let n = 0; n < rounds; n++)
    for (const path of paths) {
      const health = await measure("/api/health");
      runs.get(path)!.push({ health, panel: await measure(path) });
    }
  const all = [...runs.values()].flat();
  const mean = (xs: number[]) => xs.reduce((n, x) => n + x, 0) / Math.max(1, xs.length);
  return [
    {
      path: `/api/health (mean of its ${all.length} runs)`,
      requestsPerSecond: round(mean(all.map((r) => r.health.rate)), 0),
      ratioToHealth: 1,
      serverCpuUsPerRequest: round(mean(all.map((r) => r.health.cpuPerRequest)), 0),
      cpuRatioHealthToPanel: 1,
      failed: all.reduce((n, r) => n + r.health.failed, 0),
    },
    ...[...runs].map(([path, pairs]) => ({
      path,
      requestsPerSecond: round(median(pairs.map((r) => r.panel.rate)), 0),
      ratioToHealth: round(median(pairs.map((r) => r.panel.rate / r.health.rate)), 2),
      ratiosEachRound: pairs.map((r) => round(r.panel.rate / r.health.rate, 2)).join(" "),
      serverCpuUsPerRequest: round(median(pairs.map((r) => r.panel.cpuPerRequest)), 0),
      cpuRatioHealthToPanel: round(
        median(pairs.map((r) => r.health.cpuPerRequest / r.panel.cpuPerRequest)),
        2,
      ),
      failed: pairs.reduce((n, r) => n + r.panel.failed, 0),
    })),
  ];
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

interface Measured {
  rate: number;
  cpuPerRequest: number;
  failed: number;
}

const mb = (bytes: number) => round(bytes / 2 ** 20, 1);
const toMb = (m: Memory) => ({ rssMb: mb(m.rss), heapMb: mb(m.heapUsed), externalMb: mb(m.external) });

async function main(): Promise<void> {
  const options = parseOptions(SPEC);
  if (!options) return;
  const quick = options.quick === true;
  const connections = numberOption(options, "connections", quick ? 10 : 50);
  const duration = numberOption(options, "duration", quick ? 1 : 10);
  const rounds = numberOption(options, "rounds", quick ? 1 : 3);
  const viewers = numberOption(options, "viewers", quick ? 2 : 10);
  const minutes = numberOption(options, "minutes", quick ? 5 : 60);
  const range = String(options.range ?? "24h");
  const sampleEvery = Math.max(1, Math.round(minutes / 6));
  const placement = String(options.sandbox ?? "separate");
  if (placement !== "separate" && placement !== "in-process")
    throw new Error(`--sandbox: got ${JSON.stringify(placement)}; use separate or in-process`);
  // The separate sandbox follows the same virtual clock as the server (both advanced together).
  const clock = new VirtualClock();
  const sandbox =
    placement === "separate"
      ? await startSandbox({ port: 0, now: () => clock.now().getTime(), ...FAST_SANDBOX })
      : null;
  const profile = typeof options.profile === "string" ? options.profile : undefined;
  const child = new Child(sandbox, profile);
  try {
    const url = await child.ready;
    // Warm the cache: one full page refresh, flights settled.
    await pageRefresh(url, range);
    await child.ask({ type: "settle" });
    const start = await child.memory();

    process.stderr.write(
      `autocannon: ${connections} connections, ${duration} s, /api/overview?range=${range} ...\n`,
    );
    const overviewLoad = await autocannon({
      url: `${url}/api/overview?range=${range}`,
      connections,
      duration,
    });
    // The clocks stand still while the cached panels are measured: an entry expiring in real time
    // mid-run would add its refetch and recompression to whichever panel is measured then (the
    // refreshes' cost is the memory run's and bench:aws-calls' subject).
    await child.ask({ type: "settle" });
    clock.hold();
    await child.ask({ type: "hold" });
    const panels = await panelThroughput(
      child,
      url,
      range,
      connections,
      Math.max(1, Math.round(duration / 2)),
      rounds,
    );
    await child.ask({ type: "release" });
    clock.release();
    const wire = await refreshBytes(url, range);
    const wire24h = range === "24h" ? wire : await refreshBytes(url, "24h");
    const bytes = { ...wire, metrics24hPayloadKb: wire24h.metricsPayloadKb };
    const afterLoad = await child.memory();

    process.stderr.write(`memory run: ${viewers} viewers x ${minutes} virtual minutes ...\n`);
    let failures = 0;
    let pageRequests = 0;
    const samples = [{ minute: 0, ...toMb(afterLoad) }];
    const held = Array.from({ length: viewers }, () => new Set<string>());
    for (let tick = 1; tick <= minutes; tick++) {
      clock.advance(TICK_MS);
      await child.ask({ type: "advance", ms: TICK_MS });
      const results = await Promise.all(held.map((h) => pageRefresh(url, range, h)));
      failures += results.reduce((n, r) => n + r.failures, 0);
      pageRequests += results.reduce((n, r) => n + r.requests, 0);
      await child.ask({ type: "settle" });
      if (tick % sampleEvery === 0 && tick !== minutes)
        samples.push({ minute: tick, ...toMb(await child.memory()) });
    }
    const end = await child.memory();
    samples.push({ minute: minutes, ...toMb(end) });

    const throughput = {
      connections,
      durationS: duration,
      requestsPerSecond: round(overviewLoad.requests.average, 0),
      latencyP50Ms: overviewLoad.latency.p50,
      latencyP90Ms: overviewLoad.latency.p90,
      latencyP99Ms: overviewLoad.latency.p99,
      latencyMaxMs: overviewLoad.latency.max,
      requests: overviewLoad.requests.total,
      non2xx: overviewLoad.non2xx,
      errors: overviewLoad.errors,
      timeouts: overviewLoad.timeouts,
    };
    const memory = {
      viewers,
      virtualMinutes: minutes,
      pageRequests,
      serverErrors: failures,
      startRssMb: mb(start.rss),
      afterLoadRssMb: mb(afterLoad.rss),
      endRssMb: mb(end.rss),
      rssRatioEndToStart: round(end.rss / start.rss, 2),
      startHeapMb: mb(start.heapUsed),
      endHeapMb: mb(end.heapUsed),
      heapRatioEndToStart: round(end.heapUsed / start.heapUsed, 2),
      rssRatioSecondHalf: round(end.rss / (samples[Math.floor(samples.length / 2)]!.rssMb * 2 ** 20), 2),
    };
    const path = writeArtifact(artifactName(String(options.out ?? "server"), quick), {
      script: "server",
      at: new Date().toISOString(),
      machine: machine(),
      method: {
        range,
        sandbox: placement,
        load: "autocannon against GET /api/overview after one full page refresh (warm cache); server in a child process",
        panels:
          "test/perf/load.ts (keep-alive, bodies skipped unread) against each panel and /api/health, the virtual clock held (no entry expires mid-run); server CPU per request from the child",
        memory:
          "RSS and heap after gc() in the server process, before the load and after `virtualMinutes` of `viewers` page refreshes one virtual minute apart",
        quick,
      },
      throughput,
      panels,
      bytes,
      memory,
      samples,
    });
    process.stdout.write(`\n/api/overview under load:\n${table([throughput])}\n`);
    process.stdout.write(`\nCached panels against /api/health (same run):\n${table(panels)}\n`);
    const { perPath, ...wireTotals } = bytes;
    process.stdout.write(`\nBytes on the wire per full page refresh (API):\n${table([wireTotals])}\n`);
    process.stdout.write(`\nPer request of the refresh (bytes incl. headers):\n${table(perPath)}\n`);
    process.stdout.write(`\nMemory:\n${table([memory])}\n`);
    process.stdout.write(`\nMemory samples (MB, after gc):\n${table(samples)}\n\nWritten ${path}\n`);
    if (
      failures > 0 ||
      overviewLoad.errors > 0 ||
      overviewLoad.non2xx > 0 ||
      panels.some((p) => p.failed > 0)
    )
      process.exitCode = 1;
  } finally {
    await child.close();
    await sandbox?.close();
  }
}

run("server", main);
