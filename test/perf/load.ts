/**
 * A lean HTTP/1.1 load generator for the throughput ratios of `npm run bench:server`: keep-alive
 * connections, each sending one GET after the previous answer, reading only the status line and
 * Content-Length and skipping the body's bytes without decoding them. autocannon appends every
 * response body to a JS string (lib/pipelinedRequestsQueue.js `req.body += data`), which costs
 * it more per compressed byte than the server spends sending them: with it, a 35 KB panel
 * measures the load generator, not the server.
 */
import { connect, type Socket } from "node:net";

export interface LoadResult {
  requests: number;
  requestsPerSecond: number;
  /** Responses by status code. */
  statuses: Record<string, number>;
  /** Bytes received (headers and bodies). */
  bytes: number;
  errors: number;
}

export interface LoadOptions {
  url: string;
  path: string;
  connections: number;
  durationMs: number;
  headers?: Record<string, string>;
}

const HEADER_END = Buffer.from("\r\n\r\n");

/** One connection's response parser: the header block, then Content-Length bytes skipped. */
class Reader {
  private head: Buffer = Buffer.alloc(0);
  private remaining = 0;
  private status = 0;

  /** Feed a chunk; returns the statuses of the responses it completed (throws on a malformed one). */
  feed(chunk: Buffer): number[] {
    const done: number[] = [];
    let data = chunk;
    while (data.length > 0) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, data.length);
        this.remaining -= take;
        data = data.subarray(take);
        if (this.remaining === 0) done.push(this.status);
        continue;
      }
      const joined = this.head.length ? Buffer.concat([this.head, data]) : data;
      const end = joined.indexOf(HEADER_END);
      if (end < 0) {
        this.head = Buffer.from(joined);
        break;
      }
      const text = joined.subarray(0, end).toString("latin1");
      this.head = Buffer.alloc(0);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
      if (!Number.isFinite(status)) throw new Error(`not an HTTP/1.1 response: ${text.slice(0, 40)}`);
      if (/\r\ntransfer-encoding:/i.test(text)) throw new Error("chunked responses are not supported here");
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(text)?.[1] ?? 0);
      data = joined.subarray(end + HEADER_END.length);
      this.status = status;
      this.remaining = length;
      if (length === 0) done.push(status);
    }
    return done;
  }

  /** Whether a response is still being read. */
  busy(): boolean {
    return this.remaining > 0 || this.head.length > 0;
  }
}

/** Requests per second of `path` over `connections` keep-alive connections for `durationMs`. */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const target = new URL(options.url);
  const headers = Object.entries({
    host: target.host,
    connection: "keep-alive",
    ...options.headers,
  })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join("");
  const request = Buffer.from(`GET ${options.path} HTTP/1.1\r\n${headers}\r\n`, "latin1");
  const statuses: Record<string, number> = {};
  let requests = 0;
  let bytes = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = started + options.durationMs;
  const sockets: Socket[] = [];
  await Promise.all(
    Array.from(
      { length: options.connections },
      () =>
        new Promise<void>((resolve) => {
          const reader = new Reader();
          const socket = connect(Number(target.port), target.hostname);
          sockets.push(socket);
          socket.setNoDelay(true);
          const finish = () => {
            socket.destroy();
            resolve();
          };
          socket.on("connect", () => socket.write(request));
          socket.on("error", () => {
            errors += 1;
            finish();
          });
          socket.on("close", () => resolve());
          socket.on("data", (chunk: Buffer) => {
            bytes += chunk.length;
            let done: number[];
            try {
              done = reader.feed(chunk);
            } catch {
              errors += 1;
              finish();
              return;
            }
            for (const status of done) {
              requests += 1;
              statuses[status] = (statuses[status] ?? 0) + 1;
            }
            if (done.length > 0 && !reader.busy()) {
              if (performance.now() >= deadline) finish();
              else socket.write(request);
            }
          });
        }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  return { requests, requestsPerSecond: requests / seconds, statuses, bytes, errors };
}
