import { pagePaths, pageRefresh, settle, startBenchServer } from "./common.ts";
const b = await startBenchServer();
await pageRefresh(b.running.url, "24h"); await settle(b);
for (const p of pagePaths("24h")) {
  const t = performance.now();
  let n = 0;
  for (let i = 0; i < 20; i++) n = (await (await fetch(b.running.url + p)).arrayBuffer()).byteLength;
  console.log(p, n, ((performance.now() - t) / 20).toFixed(2), "ms");
}
await b.running.close();
