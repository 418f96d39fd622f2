import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { planLatency, schedule } from "../../server/sandbox/providers/bedrock/latency.ts";
import { QuotaTracker } from "../../server/sandbox/providers/bedrock/quotas.ts";
import {
  chunkText,
  complete,
  countTokens,
  detectLanguage,
  generateReply,
} from "../../server/sandbox/providers/bedrock/text.ts";

const reply = (prompt: string, modelId = "amazon.nova-lite-v1:0", seed = 42) =>
  generateReply({ seed, modelId, prompt, conversation: `user: ${prompt}` });

describe("Bedrock sandbox replies and tokens", () => {
  it("counts one token per 4 characters, rounded up", () => {
    assert.equal(countTokens(""), 0);
    assert.equal(countTokens("abcd"), 1);
    assert.equal(countTokens("abcde"), 2);
    assert.equal(countTokens("x".repeat(4000)), 1000);
  });

  it("gives the same reply to the same prompt and seed, and another for another seed", () => {
    // Act
    const a = reply("How do I reduce Lambda cold starts for the twin-api?");
    const b = reply("How do I reduce Lambda cold starts for the twin-api?");
    const c = reply("How do I reduce Lambda cold starts for the twin-api?", "amazon.nova-lite-v1:0", 7);
    // Assess
    assert.equal(a, b);
    assert.notEqual(a, c);
    assert.match(a, /Lambda|starts|twin-api/);
  });

  it("returns valid JSON with the quoted keys when the prompt asks for JSON", () => {
    // Act
    const text = reply('Return JSON with the fields "name" and "region" for the monitoring setup.');
    const parsed = JSON.parse(text) as Record<string, unknown>;
    // Assess
    assert.deepEqual(Object.keys(parsed).sort(), ["name", "region"]);
  });

  it("returns a JSON object with an answer when no keys are named", () => {
    const parsed = JSON.parse(reply("Describe the budget alert as JSON.")) as {
      answer?: string;
      confidence?: number;
    };
    assert.equal(typeof parsed.answer, "string");
    assert.ok((parsed.confidence ?? 0) >= 0.7 && (parsed.confidence ?? 0) < 1);
  });

  it("answers in the prompt's language and repeats quoted phrases", () => {
    // Act
    const es = reply(
      "¿Qué es un perfil de inferencia y por qué lo necesito? Incluye la palabra «twin-budget».",
    );
    // Assess
    assert.equal(detectLanguage("¿Cómo configuro la alarma del presupuesto en la consola?"), "es");
    assert.equal(detectLanguage("Como você configura o alarme do orçamento?"), "pt");
    assert.match(es, /twin-budget/);
    assert.ok(/\b(la|el|de|que)\b/.test(es), es);
  });

  it("makes short prompts short and detailed prompts long", () => {
    const short = countTokens(reply("Answer in one word: is Nova Micro cheaper than Nova Pro?"));
    const long = countTokens(reply("Explain in detail how cross-region inference profiles route requests."));
    assert.ok(short <= 10, `short reply had ${short} tokens`);
    assert.ok(long >= 150, `detailed reply had ${long} tokens`);
  });

  it("cuts at maxTokens with stopReason max_tokens and counts exactly maxTokens", () => {
    // Act
    const full = reply("Explain in detail how Bedrock quotas work.");
    const cut = complete(full, 10, []);
    const whole = complete(full, 5000, []);
    // Assess
    assert.equal(cut.stopReason, "max_tokens");
    assert.equal(cut.outputTokens, 10);
    assert.equal(cut.text, full.slice(0, 40));
    assert.equal(whole.stopReason, "end_turn");
    assert.equal(whole.outputTokens, countTokens(full));
  });

  it("stops at the first stop sequence", () => {
    const out = complete("First part. STOP second part.", 100, ["STOP", "second"]);
    assert.deepEqual(out, { text: "First part. ", stopReason: "stop_sequence", outputTokens: 3 });
  });

  it("splits the reply into deltas that concatenate to it, the first a single word", () => {
    const text = reply("Explain in detail the twin-monitoring dashboard.");
    const chunks = chunkText(text, 9);
    assert.equal(chunks.join(""), text);
    assert.ok(chunks.length > 20);
    assert.equal(chunks[0]!.trim().split(/\s+/).length, 1);
  });
});

describe("Bedrock sandbox latency plan", () => {
  it("is deterministic per seed, model and call index and scales with latencyScale", () => {
    // Act
    const a = planLatency(42, "amazon.nova-pro-v1:0", 5, 1);
    const b = planLatency(42, "amazon.nova-pro-v1:0", 5, 1);
    const scaled = planLatency(42, "amazon.nova-pro-v1:0", 5, 0.1);
    // Assess
    assert.deepEqual(a, b);
    assert.ok(Math.abs(scaled.ttftMs - a.ttftMs * 0.1) < 0.02);
    assert.ok(Math.abs(scaled.tokensPerSecond - a.tokensPerSecond * 10) < 1e-6);
  });

  it("orders the Nova models' median TTFT as Micro < Lite < Pro", () => {
    const median = (id: string) => {
      const xs = Array.from({ length: 201 }, (_, i) => planLatency(42, id, i + 1, 1).ttftMs).sort(
        (x, y) => x - y,
      );
      return xs[100]!;
    };
    const micro = median("amazon.nova-micro-v1:0");
    const lite = median("amazon.nova-lite-v1:0");
    const pro = median("amazon.nova-pro-v1:0");
    assert.ok(micro < lite && lite < pro, `${micro} < ${lite} < ${pro}`);
  });

  it("sends the first delta at TTFT and the last when all tokens are generated", () => {
    // Prepare: 1,000 tokens per second = 1 ms a token; 4-character words
    const plan = { ttftMs: 100, tokensPerSecond: 1000, slow: false, slowFirstCall: false, scale: 1 };
    const chunks = ["abc ", "defg", "hijk", "lmno"];
    // Act
    const s = schedule(plan, chunks);
    // Assess
    assert.deepEqual(s.at, [100, 101, 102, 103]);
    assert.equal(s.totalMs, 103);
    assert.equal(s.itlMs, 1);
  });
});

describe("Bedrock sandbox quota windows", () => {
  it("reserves input + maxTokens, throttles past TPM or RPM, and frees the window after 60 s", () => {
    // Prepare
    const q = new QuotaTracker();
    const quota = { rpm: 2, tpm: 1000 };
    // Act
    const first = q.reserve("m", quota, 600, 0);
    const tooManyTokens = q.reserve("m", quota, 600, 1000);
    if (first.ok) q.settle(first.reservation, 100);
    const second = q.reserve("m", quota, 600, 2000);
    const tooManyRequests = q.reserve("m", quota, 1, 3000);
    const later = q.reserve("m", quota, 900, 62_001);
    // Assess
    assert.equal(first.ok, true);
    assert.deepEqual(tooManyTokens, { ok: false, limit: "tpm" });
    assert.equal(second.ok, true);
    assert.deepEqual(tooManyRequests, { ok: false, limit: "rpm" });
    assert.equal(later.ok, true);
  });
});
