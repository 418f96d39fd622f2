/**
 * `npm run bench:page`: time from navigation until every chart of the dashboard has drawn (every
 * canvas[data-chart] has data-points > 0), in headless Chromium (playwright-core, the system
 * Chromium) against startServer on the in-process sandbox; the median of N loads in three server
 * states: fresh (a new server on a data dir holding one benchmark run and no cached AWS data),
 * warm (the same server, loaded before) and restarted (a new process, the cache persisted in
 * SQLite). Each load uses a new browser context, so the browser cache is cold every time. Also
 * the gzipped size of the JavaScript in web/dist (run `npm run build:web` first).
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import Database from "better-sqlite3";
import { type Browser, chromium } from "playwright-core";
import { type RunningServer, startServer } from "../../server/api/server.ts";
import { parseConfig } from "../../server/config.ts";
import {
  type Cell,
  machine,
  numberOption,
  parseOptions,
  ROOT,
  round,
  run,
  type ScriptSpec,
  table,
  writeArtifact,
} from "./common.ts";
import { benchAgainst, quantiles } from "./reliability.ts";

const SPEC: ScriptSpec = {
  name: "page",
  summary: "Time until every chart has drawn (cold and warm server cache) and the gzipped JS size.",
  options: [
    { name: "loads", type: "string", description: "page loads per cache state", default: "7" },
    { name: "chromium", type: "string", description: "Chromium executable", default: "/usr/bin/chromium" },
  ],
};

const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
];
const DIST = join(ROOT, "web", "dist");

interface Load {
  /** ms from navigation start (performance.timeOrigin) until every chart had points. */
  allChartsMs: number;
  /** ms until the page reported its first complete load of every panel (body[data-loads] >= 1). */
  panelsMs: number;
  charts: number;
  empty: string[];
  /** ms until every chart but the Logs Insights ones (logs-*) had points. */
  nonLogsMs: number;
  /** The chart that drew last, and when (ms from navigation start). */
  last: string;
}

/**
 * Installed before any page script: notes when every chart first has points, checking each
 * frame. A string, not a function: tsx's transform would add helpers the page does not have.
 */
const PROBE = `(() => {
  const perf = (window.__perf = { charts: {} });
  const tick = () => {
    const canvases = [...document.querySelectorAll("canvas[data-chart]")];
    for (const c of canvases)
      if (perf.charts[c.dataset.chart] === undefined && Number(c.dataset.points ?? "0") > 0)
        perf.charts[c.dataset.chart] = Math.round(performance.now());
    if (perf.panels === undefined && Number(document.body?.dataset.loads ?? "0") >= 1) perf.panels = performance.now();
    if (perf.allCharts === undefined && canvases.length > 0 && canvases.every((c) => Number(c.dataset.points ?? "0") > 0))
      perf.allCharts = performance.now();
    if (perf.allCharts === undefined || perf.panels === undefined) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();`;

async function load(browser: Browser, url: string): Promise<Load> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    const page = await context.newPage();
    await page.addInitScript({ content: PROBE });
    await page.goto(`${url}/`);
    await page.waitForFunction(() => Number(document.body.dataset.loads ?? "0") >= 1, null, {
      timeout: 120_000,
    });
    // Charts draw right after the panels' data arrives; allow a few seconds for the last one.
    await page
      .waitForFunction(
        () => (window as unknown as { __perf: { allCharts?: number } }).__perf.allCharts,
        null,
        {
          timeout: 10_000,
        },
      )
      .catch(() => undefined);
    return await page.evaluate(() => {
      const perf = (
        window as unknown as {
          __perf: { allCharts?: number; panels?: number; charts: Record<string, number> };
        }
      ).__perf;
      const last = Object.entries(perf.charts).sort((a, b) => b[1] - a[1])[0];
      const canvases = [...document.querySelectorAll<HTMLCanvasElement>("canvas[data-chart]")];
      return {
        allChartsMs: perf.allCharts ?? Number.NaN,
        panelsMs: perf.panels ?? Number.NaN,
        charts: canvases.length,
        empty: canvases
          .filter((c) => Number(c.dataset.points ?? "0") === 0)
          .map((c) => c.dataset.chart ?? "?"),
        last: last ? `${last[0]} @ ${last[1]} ms` : "-",
        nonLogsMs: Math.max(
          ...Object.entries(perf.charts)
            .filter(([id]) => !id.startsWith("logs-"))
            .map(([, ms]) => ms),
        ),
      };
    });
  } finally {
    await context.close();
  }
}

async function server(dataDir: string): Promise<RunningServer> {
  return startServer(config(dataDir), { log: () => undefined });
}

/** Drop the persisted AWS data (server/cache/store.ts), keeping the benchmark runs. */
function emptyCache(dataDir: string): void {
  const db = new Database(join(dataDir, "bedrock-ops.db"));
  try {
    db.exec("DELETE FROM cache_entries");
  } finally {
    db.close();
  }
}

const config = (dataDir: string) => parseConfig({ mode: "sandbox", server: { port: 0, dataDir } });

/** One short-qa run stored in the data dir, so the Benchmarks panel's charts have data too. */
async function seedBenchmark(dataDir: string): Promise<number> {
  const s = await server(dataDir);
  try {
    const { storedRows } = await benchAgainst(config(dataDir), s.sandbox!.url, dataDir, {
      suite: "short-qa",
      repetitions: 1,
      load: { kind: "concurrency", n: 8 },
    });
    return storedRows;
  } finally {
    await s.close();
  }
}

function jsSize(): { files: Array<{ file: string; bytes: number; gzipBytes: number }>; gzipBytes: number } {
  const files = readdirSync(DIST)
    .filter((f) => f.endsWith(".js"))
    .map((file) => {
      const raw = readFileSync(join(DIST, file));
      return { file, bytes: raw.length, gzipBytes: gzipSync(raw, { level: 9 }).length };
    });
  if (files.length === 0) throw new Error(`no .js files in ${DIST}: run npm run build:web first`);
  return { files, gzipBytes: files.reduce((s, f) => s + f.gzipBytes, 0) };
}

async function main(): Promise<void> {
  const options = parseOptions(SPEC);
  if (!options) return;
  const quick = options.quick === true;
  const loads = numberOption(options, "loads", quick ? 1 : 7);
  const executablePath = typeof options.chromium === "string" ? options.chromium : "/usr/bin/chromium";
  const size = jsSize();
  const browser = await chromium.launch({ executablePath, args: ARGS, headless: true });
  const cold: Load[] = [];
  const warm: Load[] = [];
  const restarted: Load[] = [];
  const template = mkdtempSync(join(tmpdir(), "bedrock-ops-page-"));
  try {
    const benchRows = await seedBenchmark(template);
    process.stdout.write(`Seeded one short-qa benchmark run (${benchRows} requests).\n`);
    for (let i = 0; i < loads; i++) {
      const dataDir = mkdtempSync(join(tmpdir(), "bedrock-ops-page-"));
      try {
        cpSync(template, dataDir, { recursive: true });
        emptyCache(dataDir);
        const s = await server(dataDir);
        try {
          cold.push(await load(browser, s.url));
          warm.push(await load(browser, s.url));
        } finally {
          await s.close();
        }
        const again = await server(dataDir);
        try {
          restarted.push(await load(browser, again.url));
        } finally {
          await again.close();
        }
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
  } finally {
    await browser.close();
    rmSync(template, { recursive: true, force: true });
  }
  const summary = (name: string, list: Load[]) => {
    const all = quantiles(list.map((l) => l.allChartsMs).filter(Number.isFinite));
    const panels = quantiles(list.map((l) => l.panelsMs).filter(Number.isFinite));
    return {
      cache: name,
      loads: list.length,
      charts: list[0]?.charts ?? 0,
      "all charts drawn p50 ms": all.p50,
      "min / max ms": `${all.min} / ${all.max}`,
      "panels loaded p50 ms": panels.p50,
      "all but logs-* p50 ms": quantiles(list.map((l) => l.nonLogsMs)).p50,
      "last chart (1st load)": list[0]?.last ?? "-",
      "never drawn": [...new Set(list.flatMap((l) => l.empty))].join(",") || "none",
    } satisfies Record<string, Cell>;
  };
  const rows = [
    summary("fresh server (no cached data)", cold),
    summary("warm (same server, 2nd load)", warm),
    summary("restarted (cache from SQLite)", restarted),
  ];
  process.stdout.write(`${table(rows)}\n\n`);
  process.stdout.write(
    `${table(size.files.map((f) => ({ file: `web/dist/${f.file}`, bytes: f.bytes, "gzip -9 bytes": f.gzipBytes, "gzip KiB": round(f.gzipBytes / 1024, 1) })))}\n`,
  );
  const path = writeArtifact("page", {
    machine: machine(),
    quick,
    summary: rows,
    loads: { cold, warm, restarted },
    js: size,
  });
  process.stdout.write(`\nWrote ${path}\n`);
  const undrawn = [...cold, ...warm, ...restarted].filter((l) => !Number.isFinite(l.allChartsMs));
  if (undrawn.length > 0) {
    process.stderr.write(
      `page: ${undrawn.length} load(s) never drew every chart (empty: ${undrawn[0]!.empty.join(", ")})\n`,
    );
    process.exitCode = 1;
  }
}

run("page", main);
