/**
 * /api/quotas against the sandbox on the Wednesday busy afternoon: Nova Pro's applied quotas come
 * from Service Quotas (L-CE33604C / L-F2717A44, the real codes), its per-minute usage peaks just
 * under 800k tokens with throttles in the same minutes, the sentence says so, the quotas are read
 * once for many refreshes, and the figures agree with the sandbox's own metrics.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { AlarmsData, Panel, QuotasData } from "../../server/api/contract.ts";
import { type RunningServer, startServer } from "../../server/api/server.ts";
import { createAwsClients, settingsFromConfig } from "../../server/aws/clients.ts";
import { parseConfig } from "../../server/config.ts";
import { alarmsSetup } from "../../server/ops/alarms-apply.ts";
import { sandboxCredentials } from "../../server/sandbox/index.ts";

const NOW = Date.parse("2026-11-18T15:30:00.000Z");
const PRO = "amazon.nova-pro-v1:0";

describe("/api/quotas against the sandbox", () => {
  let server: RunningServer;
  let dataDir: string;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "bedrock-ops-quotas-"));
    server = await startServer(parseConfig({ mode: "sandbox" }), {
      port: 0,
      dataDir,
      now: () => new Date(NOW),
    });
  });
  after(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("Nova Pro approaches its TPM quota in the busy hour, with the throttles beside it", async () => {
    const res = await fetch(`${server.url}/api/quotas?range=3h`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as Panel<QuotasData>;
    const data = body.data!;
    assert.equal(data.periodSeconds, 60);
    assert.equal(data.perMinute, true);
    const pro = data.models.find((m) => m.modelId === PRO)!;
    assert.equal(pro.endpoint, "on-demand");
    assert.equal(pro.tpm?.code, "L-CE33604C");
    assert.equal(pro.tpm?.name, "On-demand model inference tokens per minute for Amazon Nova Pro");
    assert.equal(pro.tpm?.value, 800_000);
    assert.equal(pro.rpm?.code, "L-F2717A44");
    assert.equal(pro.rpm?.value, 200);
    assert.ok(
      pro.tokens.peakPercent! > 85 && pro.tokens.peakPercent! < 100,
      `peak ${pro.tokens.peakPercent}`,
    );
    assert.equal(pro.tokens.headroomPercent, Math.round((100 - pro.tokens.peakPercent!) * 10) / 10);
    const peakHour = new Date(pro.tokens.peakAt!).getUTCHours();
    assert.ok(peakHour === 14, `peak at ${pro.tokens.peakAt}`);
    assert.ok(pro.tokens.minutesAbove >= 20, `${pro.tokens.minutesAbove} hot minutes`);
    assert.ok(pro.throttlesInHotMinutes > 0 && pro.throttlesInHotMinutes <= pro.throttles);
    assert.ok(pro.tokens.p95 <= pro.tokens.peak && pro.tokens.p95 > 0);
    assert.match(
      pro.sentence,
      /^Nova Pro peaked at \d+(\.\d)?% of its 800k TPM at 14:\d\d UTC; \d+ throttles in the same minutes/,
    );
    assert.match(
      pro.sentence,
      /Request an increase: quota L-CE33604C .*servicequotas\/home\/services\/bedrock\/quotas\/L-CE33604C/,
    );
    // Per-minute series sum to the panel's tokens: the peak is one of its values.
    assert.ok(pro.series.tokens.some(([, v]) => v === pro.tokens.peak));
    const lite = data.models.find((m) => m.modelId === "amazon.nova-lite-v1:0")!;
    assert.equal(lite.tpm?.code, "L-70423BF8");
    assert.ok(lite.tokens.peakPercent! < 5, `lite ${lite.tokens.peakPercent}`);
    assert.match(lite.sentence, /no throttles|throttle/);
  });

  test("reads Service Quotas once for many refreshes (cached for hours)", async () => {
    const seq = server.sandbox!.ledger.lastSeq;
    await fetch(`${server.url}/api/quotas?range=1h`);
    await fetch(`${server.url}/api/quotas?range=12h`);
    const sq = server.sandbox!.ledger.list({ service: "servicequotas", sinceSeq: seq }).length;
    assert.equal(sq, 0, "the first test already cached the quotas");
  });

  test("CSV and Prometheus forms carry the same figures", async () => {
    const json = ((await (await fetch(`${server.url}/api/quotas?range=3h`)).json()) as Panel<QuotasData>)
      .data!;
    const pro = json.models.find((m) => m.modelId === PRO)!;
    const csv = await (await fetch(`${server.url}/api/quotas?range=3h&format=csv`)).text();
    const row = csv.split("\r\n").find((l) => l.startsWith(`${PRO},`))!;
    assert.ok(row.includes(",800000,L-CE33604C,"), row);
    assert.ok(row.includes(`,${pro.tokens.peak},`), row);
    const prom = await (await fetch(`${server.url}/api/quotas/metrics?range=3h`)).text();
    assert.match(
      prom,
      new RegExp(
        `bedrock_ops_quota_tpm\\{model="${PRO.replace(/\./g, "\\.")}",quota_code="L-CE33604C"\\} 800000`,
      ),
    );
  });
});

describe("/api/alarms after alarms setup, in the busy hour", () => {
  let server: RunningServer;
  let dataDir: string;
  const config = parseConfig({ mode: "sandbox", alarms: { emails: ["ops@example.com"] } });
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "bedrock-ops-alarms-"));
    server = await startServer(config, {
      port: 0,
      dataDir,
      now: () => new Date(Date.UTC(2026, 10, 18, 14, 40)),
    });
  });
  after(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("shows the Nova Pro TPM alarm in ALARM with its reason and the state change in the history", async () => {
    const clients = createAwsClients(settingsFromConfig(config, sandboxCredentials(), server.sandbox!.url));
    try {
      await alarmsSetup(clients, config, { dryRun: false });
    } finally {
      clients.destroy();
    }
    const res = await fetch(`${server.url}/api/alarms`);
    assert.equal(res.status, 200);
    const data = ((await res.json()) as Panel<AlarmsData>).data!;
    assert.equal(data.alarms.length, 11);
    const tpm = data.alarms.find((a) => a.name === "bedrock-ops-bedrock-amazon.nova-pro-v1:0-tpm")!;
    assert.equal(tpm.state, "ALARM");
    assert.equal(tpm.threshold, 640_000);
    assert.match(tpm.reason, /^Threshold Crossed: /);
    assert.ok(
      data.history.some(
        (h) =>
          h.alarm === tpm.name &&
          h.type === "StateUpdate" &&
          h.summary === "Alarm updated from INSUFFICIENT_DATA to ALARM",
      ),
    );
    const csv = await (await fetch(`${server.url}/api/alarms?format=csv`)).text();
    assert.match(csv, /^alarm,state,since/);
    assert.match(csv, /bedrock-ops-bedrock-amazon\.nova-pro-v1:0-tpm,ALARM,/);
  });
});
