/**
 * A shutdown keeps what AWS was already asked for: an answer under way when the server closes
 * (here a Cost Explorer forecast slowed by a sandbox fault, after the page stopped waiting for it)
 * lands in the store first, so the restart serves it instead of paying for it again.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { CostsData, Panel } from "../../server/api/contract.ts";
import { type RunningServer, startServer } from "../../server/api/server.ts";
import { parseConfig } from "../../server/config.ts";

const NOW = new Date("2026-11-18T15:30:07.000Z");

function serve(dir: string, slowForecast: boolean): Promise<RunningServer> {
  return startServer(
    parseConfig({
      mode: "sandbox",
      // The page stops waiting after 0.2 s; the forecast takes 3 s.
      cache: { waitSeconds: 0.2 },
      sandbox: slowForecast
        ? { faults: [{ service: "ce", operation: "GetCostForecast", kind: "slow", delayMs: 3_000 }] }
        : {},
    }),
    { port: 0, dataDir: dir, now: () => NOW, log: () => undefined },
  );
}

const ce = (server: RunningServer) => server.sandbox!.ledger.list({ service: "ce" }).map((e) => e.operation);

test("an AWS answer under way at shutdown is stored, and the restart does not ask again", async () => {
  const dir = mkdtempSync(join(tmpdir(), "bedrock-ops-drain-"));
  try {
    const first = await serve(dir, true);
    try {
      // Poll until the breakdown has landed: the forecast, asked at the same moment, is under way
      // (the sandbox's ledger records a call when it is answered, so it cannot tell).
      for (let i = 0; i < 400; i++) {
        const panel = (await (await fetch(`${first.url}/api/costs?range=24h`)).json()) as Panel<CostsData>;
        if (panel.data) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      const shown = (await (await fetch(`${first.url}/api/costs?range=24h`)).json()) as Panel<CostsData>;
      assert.ok(shown.data, "the breakdown landed");
      assert.equal(shown.data.forecast, null, "the forecast had not landed when the server closed");
    } finally {
      await first.close();
    }
    const second = await serve(dir, false);
    try {
      const panel = (await (await fetch(`${second.url}/api/costs?range=24h`)).json()) as Panel<CostsData>;
      assert.deepEqual(ce(second), [], "nothing asked again");
      assert.ok(panel.data?.forecast && panel.data.forecast.mean > 0, "the forecast from before the restart");
    } finally {
      await second.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
