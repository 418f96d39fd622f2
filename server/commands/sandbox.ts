import { loadConfig } from "../config.ts";
import { DEFAULT_MODELS, startSandbox } from "../sandbox/index.ts";
import { CONFIG_OPTION, type CommandSpec } from "./types.ts";

export const command: CommandSpec = {
  name: "sandbox",
  summary:
    "Run the local AWS sandbox alone: CloudWatch (awsJson, awsQuery and RPC v2 CBOR), CloudWatch Logs, Cost Explorer, Budgets, STS, SNS, Service Quotas, Lambda, Bedrock Runtime, the Bedrock control plane and CloudWatch Observability Access Manager (a monitoring account with two linked source accounts) on one port.",
  options: [
    { name: "port", type: "string", value: "<n>", description: "port to listen on", default: "4566" },
    { name: "host", type: "string", value: "<addr>", description: "address to bind", default: "127.0.0.1" },
    {
      name: "seed",
      type: "string",
      value: "<n>",
      description: "workload seed (same seed, same data)",
      default: "42 or config sandbox.seed",
    },
    CONFIG_OPTION,
  ],
  details: [
    "Examples:",
    "  bedrock-ops sandbox --port 4566",
    "Point any AWS SDK or the AWS CLI at it, with any credentials and a region:",
    "  AWS_ENDPOINT_URL=http://127.0.0.1:4566 AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x AWS_DEFAULT_REGION=us-east-1 \\",
    "    aws cloudwatch list-metrics --namespace AWS/Lambda",
    "Admin: GET /_sandbox/health, POST /_sandbox/reset, GET|POST|DELETE /_sandbox/faults, GET|DELETE /_sandbox/requests",
  ].join("\n"),
  run: async (options, _positionals, io) => {
    const port = Number(options.port ?? 4566);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      io.stderr.write(`--port: got ${String(options.port)}; give a port number from 0 to 65535\n`);
      return 2;
    }
    const seedText = typeof options.seed === "string" ? options.seed : undefined;
    if (seedText !== undefined && !/^-?\d+$/.test(seedText)) {
      io.stderr.write(`--seed: got ${seedText}; give a whole number\n`);
      return 2;
    }
    const config = loadConfig(typeof options.config === "string" ? { path: options.config } : {});
    const sandbox = await startSandbox({
      port,
      host: typeof options.host === "string" ? options.host : "127.0.0.1",
      seed: seedText !== undefined ? Number(seedText) : config.sandbox.seed,
      region: config.aws.region,
      functions: config.lambda.functions.map((f) => f.name),
      logFormats: Object.fromEntries(
        config.lambda.functions.flatMap((f) => (f.logFormat ? [[f.name, f.logFormat]] : [])),
      ),
      scale: config.sandbox.workload.scale,
      models: config.source.startsWith("defaults")
        ? DEFAULT_MODELS
        : config.bedrock.models.map((m) => (m.profile ? `${m.profile}.${m.id}` : m.id)),
      faults: config.sandbox.faults,
      scenario: config.sandbox.scenario,
    });
    io.stdout.write(
      `bedrock-ops sandbox listening on ${sandbox.url} (seed ${sandbox.workload.seed}, region ${sandbox.context.defaultRegion})\n`,
    );
    io.stdout.write("Press Ctrl-C to stop.\n");
    await new Promise<void>((resolve) =>
      io.interrupted.addEventListener("abort", () => resolve(), { once: true }),
    );
    await sandbox.close();
    return 0;
  },
};
