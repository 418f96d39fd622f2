/**
 * The sandbox inside a worker thread: starts it with the options the main thread sent, reports
 * its URL, and closes it when asked. Its HTTP server runs on this thread's event loop, so a
 * 30-day Logs Insights query computed here never delays the dashboard's own requests.
 */
import { parentPort, workerData } from "node:worker_threads";
import { type SandboxOptions, startSandbox } from "../sandbox/index.ts";

export type ThreadMessage =
  | { kind: "ready"; url: string; port: number }
  | { kind: "failed"; message: string }
  | { kind: "closed" };

const port = parentPort;
if (port) {
  try {
    const sandbox = await startSandbox(workerData as SandboxOptions);
    port.on("message", (message: unknown) => {
      if (message !== "close") return;
      void sandbox.close().then(() => {
        port.postMessage({ kind: "closed" } satisfies ThreadMessage);
        port.close();
      });
    });
    port.postMessage({ kind: "ready", url: sandbox.url, port: sandbox.port } satisfies ThreadMessage);
  } catch (err) {
    port.postMessage({
      kind: "failed",
      message: (err as Error)?.message ?? String(err),
    } satisfies ThreadMessage);
  }
}
