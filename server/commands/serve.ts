/** `bedrock-ops serve`: the dashboard server (with the in-process sandbox when there is no config.json). */
import { installProcessGuard } from "../api/guard.ts";
import { startServer } from "../api/server.ts";
import { loadConfig } from "../config.ts";
import { CONFIG_OPTION, type CommandSpec } from "./types.ts";

export { startServer } from "../api/server.ts";

function banner(lines: string[]): string {
  const width = Math.max(...lines.map((l) => l.length)) + 4;
  const bar = "#".repeat(width);
  return [bar, ...lines.map((l) => `# ${l.padEnd(width - 4)} #`), bar].join("\n");
}

export const command: CommandSpec = {
  name: "serve",
  summary:
    "Start the dashboard server: the page and its JSON API (sandbox mode when there is no config.json).",
  options: [
    CONFIG_OPTION,
    {
      name: "port",
      type: "string",
      value: "<n>",
      description: "port to listen on",
      default: "3000 or config server.port",
    },
    {
      name: "host",
      type: "string",
      value: "<addr>",
      description: "address to bind; beyond loopback a token is required",
      default: "127.0.0.1",
    },
  ],
  details: [
    "Without config.json the dashboard runs against the built-in AWS sandbox (synthetic data, no AWS account).",
    "Binding beyond 127.0.0.1 requires server.token in config.json or BEDROCK_OPS_TOKEN.",
    "API: /api/health, /api/overview, /api/metrics, /api/logs, /api/costs, /api/budgets, /api/quotas, /api/alarms, /api/usage, /metrics; see /api/openapi.json.",
  ].join("\n"),
  run: async (options, _positionals, io) => {
    const portText = typeof options.port === "string" ? options.port : undefined;
    if (portText !== undefined && (!/^\d+$/.test(portText) || Number(portText) > 65535)) {
      io.stderr.write(`--port: got ${portText}; give a port number from 0 to 65535\n`);
      return 2;
    }
    const overrides: { host?: string; port?: number } = {};
    if (typeof options.host === "string") overrides.host = options.host;
    if (portText !== undefined) overrides.port = Number(portText);
    const config = loadConfig({
      ...(typeof options.config === "string" ? { path: options.config } : {}),
      overrides,
    });
    let running: Awaited<ReturnType<typeof startServer>>;
    const removeGuard = installProcessGuard((line) => io.stderr.write(`${line}\n`));
    try {
      running = await startServer(config, {
        log: (line) => io.stderr.write(`${line}\n`),
        signal: io.interrupted,
        sandboxThread: true,
      });
    } catch (err) {
      removeGuard();
      io.stderr.write(`bedrock-ops serve: ${(err as Error).message}\n`);
      return 2;
    }
    if (running.sandboxUrl) {
      io.stdout.write(
        `${banner([
          `SANDBOX MODE: synthetic data from the local AWS emulator at ${running.sandboxUrl}, no AWS account used.`,
          "Create config.json (see config.example.json) to read your real AWS account.",
        ])}\n`,
      );
    } else {
      io.stdout.write(`Reading AWS account data in ${config.aws.region} (config: ${config.source}).\n`);
    }
    io.stdout.write(`bedrock-ops dashboard: ${running.url}/\n`);
    if (config.server.token) io.stdout.write("Access token required (server.token / BEDROCK_OPS_TOKEN).\n");
    io.stdout.write("Press Ctrl-C to stop.\n");
    await new Promise<void>((resolve) => {
      if (io.interrupted.aborted) resolve();
      else io.interrupted.addEventListener("abort", () => resolve(), { once: true });
    });
    await running.close();
    removeGuard();
    io.stdout.write("Stopped.\n");
    return 0;
  },
};
