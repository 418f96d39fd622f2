import { BedrockRuntimeClient, ConverseStreamCommand } from "@aws-sdk/client-bedrock-runtime";
import { sandboxCredentials, startSandbox } from "./server/sandbox/index.ts";
const sb = await startSandbox({ port: 0, settings: { bedrock: { latencyScale: 0.3 } } });
const c = new BedrockRuntimeClient({ region: "us-east-1", endpoint: sb.url, credentials: sandboxCredentials(), maxAttempts: 1 });
const models = ["amazon.nova-micro-v1:0", "amazon.nova-lite-v1:0", "us.amazon.nova-pro-v1:0"];
const one = async (i: number) => {
  const t0 = performance.now();
  const out = await c.send(new ConverseStreamCommand({ modelId: models[i % 3], messages: [{ role: "user", content: [{ text: `Explain question ${i} about Lambda durations` }] }], inferenceConfig: { maxTokens: 2000 } }));
  let ttft = 0; let lat = 0; let n = 0;
  for await (const ev of out.stream!) { n++; if (ev.contentBlockDelta?.delta?.text && !ttft) ttft = performance.now() - t0; if (ev.metadata) lat = ev.metadata.metrics?.latencyMs ?? 0; }
  return { id: out.$metadata.requestId, ttft, end: performance.now() - t0, lat, n };
};
await one(99);
for (let round = 0; round < 2; round++) {
const res = await Promise.all(Array.from({ length: 16 }, (_, i) => one(i)));
const gt = (await (await fetch(`${sb.url}/_sandbox/bedrock/calls`)).json()) as { calls: Array<{ requestId: string; plannedTtftMs: number; plannedLatencyMs: number; modelId: string }> };
let worst = 0; let events = 0;
for (const r of res) { const g = gt.calls.find((x) => x.requestId === r.id)!; worst = Math.max(worst, r.end - g.plannedLatencyMs); events += r.n; if (round===1) console.log(g.modelId.padEnd(26), "ttft", r.ttft.toFixed(1), "vs", g.plannedTtftMs, " e2e", r.end.toFixed(1), "vs", g.plannedLatencyMs, "server", r.lat, "events", r.n); }
console.log("round", round, "worst e2e excess", worst.toFixed(1), "events", events);
}
c.destroy(); await sb.close();
