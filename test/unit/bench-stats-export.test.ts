import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { modelStats } from "../../server/bench/aggregate.ts";
import { exportCsv } from "../../server/bench/export.ts";
import type { RequestRow } from "../../server/bench/types.ts";

function row(seq: number, over: Partial<RequestRow> = {}): RequestRow {
  return {
    runId: "r",
    seq,
    modelId: "amazon.nova-lite-v1:0",
    promptId: "greeting",
    repetition: 0,
    warmup: false,
    startedAt: "2026-11-22T03:00:00.000Z",
    status: "ok",
    errorCode: null,
    errorMessage: null,
    midStream: false,
    firstEventMs: 100,
    ttftMs: 200,
    endToEndMs: 1000,
    interTokenMs: 5,
    serverLatencyMs: 950,
    inputTokens: 100,
    outputTokens: 200,
    stopReason: "end_turn",
    requestId: `req-${seq}`,
    qualityPass: true,
    qualityFailures: [],
    costUsd: 0.000054,
    outputChars: 800,
    ...over,
  };
}

describe("per-model statistics from rows", () => {
  it("excludes warm-up and cancelled requests, and keeps failures out of latency", () => {
    // Prepare
    const rows = [
      row(0, { warmup: true, endToEndMs: 9000 }),
      row(1, { endToEndMs: 1000, outputTokens: 200 }),
      row(2, { endToEndMs: 2000, serverLatencyMs: 1950, outputTokens: 200, qualityPass: false }),
      row(3, { status: "throttled", errorCode: "ThrottlingException", endToEndMs: 30, costUsd: null }),
      row(4, {
        status: "error",
        errorCode: "ModelStreamErrorException",
        midStream: true,
        endToEndMs: 400,
        costUsd: null,
      }),
      row(5, { status: "cancelled", errorCode: "AbortError", endToEndMs: 5 }),
    ];
    // Act
    const s = modelStats(rows, "amazon.nova-lite-v1:0", 1, true);
    // Assess
    assert.equal(s.count, 4);
    assert.equal(s.throttleRate, 0.25);
    assert.equal(s.errorRate, 0.25);
    assert.deepEqual(s.outcomes, { ok: 2, error: 1, throttled: 1, timeout: 0 });
    assert.deepEqual(s.errorCodes, { ThrottlingException: 1, ModelStreamErrorException: 1 });
    assert.equal(s.endToEndMs.p50, 1500);
    assert.equal(s.endToEndMs.mean, 1500);
    assert.equal(s.qualityPassRate, 0.5);
    // 200 tokens / 1 s and 200 tokens / 2 s -> mean 150
    assert.equal(s.outputTokensPerSecond, 150);
    // cost per request over the 4 measured requests: 2 x 0.000054 / 4
    assert.equal(s.costPerRequestUsd, 0.000027);
    assert.equal(s.costPer1kRequestsUsd, 0.027);
    assert.equal(s.clientOverheadMs.p50, 50);
  });
});

describe("CSV export", () => {
  it("writes a header and quotes fields with commas, quotes or newlines (RFC 4180)", () => {
    const csv = exportCsv([
      row(0, { errorMessage: 'Too many "requests", slow down\nnow', qualityFailures: ["x", "y"] }),
    ]);
    const [header, line] = csv.split("\r\n");
    assert.ok(header!.startsWith("runId,seq,modelId,promptId,"));
    assert.ok(line!.startsWith("r,0,amazon.nova-lite-v1:0,greeting,0,false,"));
    assert.ok(csv.includes('"Too many ""requests"", slow down\nnow"'));
    assert.ok(line!.includes(",x; y,"));
  });
});
