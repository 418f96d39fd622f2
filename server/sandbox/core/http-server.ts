/**
 * One loopback port that speaks HTTP/1.1 and HTTP/2 cleartext (prior knowledge, as the SDK's
 * NodeHttp2Handler connects): the first bytes of each connection decide which parser gets it.
 */
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import http2, { type Http2ServerRequest, type Http2ServerResponse } from "node:http2";
import net from "node:net";

export type AnyRequest = IncomingMessage | Http2ServerRequest;
export type AnyResponse = ServerResponse | Http2ServerResponse;
export type Handler = (req: AnyRequest, res: AnyResponse) => void;

const H2_PREFACE = "PRI * HTTP/2.0";

export interface DualServer {
  listen(port: number, host: string): Promise<number>;
  close(): Promise<void>;
}

export function createDualServer(handler: Handler): DualServer {
  const h1 = http.createServer({ keepAliveTimeout: 30_000 }, handler);
  const h2 = http2.createServer({}, handler);
  const sockets = new Set<net.Socket>();
  const tcp = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    socket.once("data", (chunk: Buffer) => {
      socket.pause();
      socket.unshift(chunk);
      // http2 reads what is already buffered itself; http1 listens for data and needs the resume.
      if (chunk.toString("latin1", 0, H2_PREFACE.length) === H2_PREFACE) h2.emit("connection", socket);
      else {
        h1.emit("connection", socket);
        socket.resume();
      }
    });
  });
  return {
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        tcp.once("error", reject);
        tcp.listen(port, host, () => {
          const address = tcp.address();
          resolve(typeof address === "object" && address ? address.port : port);
        });
      }),
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        h1.close();
        h2.close();
        tcp.close(() => resolve());
      }),
  };
}
