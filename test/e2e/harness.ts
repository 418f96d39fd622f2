/**
 * Browser test harness: the dashboard server in-process on the in-process sandbox (port 0,
 * fresh data dir), and the system Chromium through playwright-core with a fresh profile.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import type { RunningServer } from "../../server/api/server.ts";
import { createAwsClients, settingsFromConfig } from "../../server/aws/clients.ts";
import { startServer } from "../../server/commands/serve.ts";
import { parseConfig } from "../../server/config.ts";
import { budgetSetup } from "../../server/ops/budget-apply.ts";
import { sandboxCredentials } from "../../server/sandbox/index.ts";

export const ARTIFACTS = new URL("../../test-artifacts/", import.meta.url).pathname;

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface Dashboard {
  server: RunningServer;
  sandboxUrl: string;
  browser: BrowserContext;
  close(): Promise<void>;
}

export interface DashboardOptions {
  token?: string;
  /** Faults POSTed to the sandbox's /_sandbox/faults before any page loads. */
  faults?: Array<{ service: string; kind: string; probability: number; operation?: string }>;
  /** Create the configured budgets (twin-budget) in the sandbox first, as `bedrock-ops budget setup` does. */
  budgets?: boolean;
  /** Extra aws config keys, e.g. { accounts: [...] }. */
  aws?: Record<string, unknown>;
  /** Extra sandbox config keys, e.g. { organization: "management" }. */
  sandbox?: Record<string, unknown>;
  /** The panel wait (cache.waitSeconds); default 300, so a slow machine never shows a timeout. */
  waitSeconds?: number;
}

export async function startDashboard(options: DashboardOptions = {}): Promise<Dashboard> {
  const dataDir = mkdtempSync(join(tmpdir(), "bedrock-ops-e2e-data-"));
  const profile = mkdtempSync(join(tmpdir(), "bedrock-ops-e2e-profile-"));
  const config = parseConfig({
    mode: "sandbox",
    server: { port: 0, dataDir, ...(options.token ? { token: options.token } : {}) },
    // A first load on a busy 2-core machine may take longer than the default 10 s panel wait; the
    // tests check what the page shows, not how fast AWS answers (black-hole.test.ts covers the wait).
    cache: { waitSeconds: options.waitSeconds ?? 300 },
    ...(options.aws ? { aws: options.aws } : {}),
    ...(options.sandbox ? { sandbox: options.sandbox } : {}),
  });
  const server = await startServer(config);
  const sandboxUrl = server.sandbox?.url ?? "";
  if (options.budgets) {
    const clients = createAwsClients(settingsFromConfig(config, sandboxCredentials(), sandboxUrl));
    try {
      // With a subscriber, as `budget setup --email ops@example.com`: the thresholds become notifications.
      const managed = config.budgets.managed.map((b) => ({ ...b, emails: ["ops@example.com"] }));
      await budgetSetup(clients, { managed, dryRun: false });
    } finally {
      clients.destroy();
    }
  }
  if (options.faults) {
    const res = await fetch(`${sandboxUrl}/_sandbox/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ faults: options.faults }),
    });
    if (!res.ok) throw new Error(`Injecting faults failed: ${res.status} ${await res.text()}`);
  }
  const executablePath = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath,
    args: CHROMIUM_ARGS,
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1440, height: 900 },
  });
  return {
    server,
    sandboxUrl,
    browser,
    async close() {
      await browser.close();
      await server.close();
      rmSync(profile, { recursive: true, force: true });
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Console errors and uncaught page errors, collected for a "no console errors" assertion. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(`console: ${msg.text()} (${msg.location().url})`);
  });
  page.on("pageerror", (err) => errors.push(`pageerror: ${err.message}`));
  return errors;
}

/** Waits until the page finished its n-th complete load of every panel (a condition, not a time). */
export async function waitForLoads(page: Page, n: number): Promise<void> {
  await page.waitForFunction((count) => Number(document.body.dataset.loads ?? "0") >= count, n, {
    timeout: 120_000,
  });
}

export interface ChartInfo {
  id: string;
  renders: number;
  xRange: [number, number] | null;
  datasets: Array<{ label: string; points: number; visible: boolean; marked: number }>;
}

export function charts(page: Page): Promise<ChartInfo[]> {
  return page.evaluate(() => window.__bedrockOps?.charts() ?? []);
}
