/**
 * The dashboard server on a virtual clock, in its own process, so that load generators and
 * memory readings do not share its event loop. With an endpoint argument it runs in aws mode
 * against that endpoint (a sandbox in the parent process, credentials from the environment the
 * parent gives it), so its memory is the product's alone; without, it starts the sandbox
 * in-process. Usage: server-child.ts [endpoint]. Driven over IPC:
 *   parent -> {type: "advance", ms} | {type: "hold"} | {type: "release"} | {type: "settle"} | {type: "memory"}
 *             | {type: "cpu"} | {type: "close"}
 *   child  -> {type: "ready", url} | {type: "ok"} | {type: "memory", rss, heapUsed} | {type: "cpu", micros}
 *             | {type: "error", message}
 */
import { SANDBOX_ACCOUNT_ID } from "../../server/sandbox/index.ts";
import { startBenchServer } from "./common.ts";

export type ChildRequest =
  | { type: "advance"; ms: number }
  | { type: "hold" }
  | { type: "release" }
  | { type: "settle" }
  | { type: "memory" }
  | { type: "cpu" }
  | { type: "close" };

export type ChildReply =
  | { type: "ready"; url: string }
  | { type: "ok" }
  | { type: "memory"; rss: number; heapUsed: number; external: number; arrayBuffers: number }
  | { type: "cpu"; micros: number }
  | { type: "error"; message: string };

const send = (reply: ChildReply) => process.send?.(reply);

const endpoint = process.argv[2];
const bench = await startBenchServer(
  endpoint ? { extra: { mode: "aws", aws: { endpoint, accountId: SANDBOX_ACCOUNT_ID } } } : {},
);
const gc = (globalThis as { gc?: () => void }).gc;

process.on("message", (raw: ChildRequest) => {
  const handle = async (): Promise<ChildReply> => {
    switch (raw.type) {
      case "advance":
        bench.clock.advance(raw.ms);
        return { type: "ok" };
      case "hold":
        bench.clock.hold();
        return { type: "ok" };
      case "release":
        bench.clock.release();
        return { type: "ok" };
      case "settle":
        await bench.services.cache.settle();
        return { type: "ok" };
      case "memory": {
        gc?.();
        const m = process.memoryUsage();
        return {
          type: "memory",
          rss: m.rss,
          heapUsed: m.heapUsed,
          external: m.external,
          arrayBuffers: m.arrayBuffers,
        };
      }
      case "cpu": {
        const used = process.cpuUsage();
        return { type: "cpu", micros: used.user + used.system };
      }
      case "close":
        await bench.running.close();
        process.disconnect?.();
        return { type: "ok" };
    }
  };
  handle()
    .then((reply) => {
      if (raw.type !== "close") send(reply);
    })
    .catch((err: unknown) =>
      send({ type: "error", message: err instanceof Error ? err.message : String(err) }),
    );
});

send({ type: "ready", url: bench.running.url });
