/**
 * bedrock-ops: one entry point, commands declared once (summary here, options in each module),
 * each command imported only when it runs. This module only exports `main`; the executable
 * (`server/bin.js`) calls it and turns its result into the exit code.
 */
import { parseArgs } from "node:util";
import type { CommandIO, CommandSpec, OptionSpec, ParsedOptions } from "./commands/types.ts";
import { ConfigError } from "./config.ts";
import { VERSION } from "./version.ts";

interface Entry {
  summary: string;
  load: () => Promise<CommandSpec>;
}

export const COMMANDS: Record<string, Entry> = {
  serve: {
    summary: "Start the dashboard server (sandbox when there is no config.json)",
    load: async () => (await import("./commands/serve.ts")).command,
  },
  sandbox: {
    summary: "Run the local AWS sandbox alone, for any AWS SDK client",
    load: async () => (await import("./commands/sandbox.ts")).command,
  },
  bench: {
    summary: "Benchmark Nova Micro, Lite and Pro through Bedrock ConverseStream",
    load: async () => (await import("./commands/bench.ts")).command,
  },
  budget: {
    summary: "Create or update the budgets and e-mail alerts from config (budget setup)",
    load: async () => (await import("./commands/budget.ts")).command,
  },
  alarms: {
    summary: "Create or update CloudWatch alarms on quota use, throttles, latency and errors (alarms setup)",
    load: async () => (await import("./commands/alarms.ts")).command,
  },
  doctor: {
    summary: "Diagnose credentials, regions, permissions, log groups and model access",
    load: async () => (await import("./commands/doctor.ts")).command,
  },
  "iam-policy": {
    summary: "Print the least-privilege IAM policy for the features in use",
    load: async () => (await import("./commands/iam-policy.ts")).command,
  },
  "cw-dashboard": {
    summary: "Write the twin-monitoring CloudWatch dashboard (PutDashboard)",
    load: async () => (await import("./commands/cw-dashboard.ts")).command,
  },
};

export function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([name, e]) => `  ${name.padEnd(width)}  ${e.summary}`);
  return [
    `bedrock-ops ${VERSION}: operations and cost dashboard for AWS Bedrock and Lambda`,
    "",
    "Usage: bedrock-ops <command> [options]",
    "",
    "Commands:",
    ...lines,
    "",
    "Options:",
    "  -h, --help     show this help (or a command's: bedrock-ops <command> --help)",
    "  -v, --version  print the version",
    "",
    "Examples:",
    "  bedrock-ops serve                     # dashboard on http://127.0.0.1:3000",
    "  bedrock-ops bench --suite twin        # benchmark Nova Micro, Lite and Pro",
    "  bedrock-ops doctor --skip-bedrock     # check the setup, no paid calls",
  ].join("\n");
}

export function commandHelp(spec: CommandSpec): string {
  const all: OptionSpec[] = [
    ...spec.options,
    { name: "help", type: "boolean", short: "h", description: "show this help" },
  ];
  const label = (o: OptionSpec) =>
    `${o.short ? `-${o.short}, ` : "    "}--${o.name}${o.type === "string" ? ` ${o.value ?? "<value>"}` : ""}`;
  const width = Math.max(...all.map((o) => label(o).length));
  const rows = all.map((o) => {
    const dflt = o.default !== undefined && o.default !== false ? ` (default: ${String(o.default)})` : "";
    return `  ${label(o).padEnd(width)}  ${o.description}${dflt}`;
  });
  return [
    `Usage: bedrock-ops ${spec.name}${spec.positionals ? ` ${spec.positionals}` : ""} [options]`,
    "",
    spec.summary,
    "",
    "Options:",
    ...rows,
    ...(spec.details ? ["", spec.details] : []),
  ].join("\n");
}

export function parseCommandArgs(
  spec: CommandSpec,
  argv: string[],
): { options: ParsedOptions; positionals: string[] } {
  const options: Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }> = {
    help: { type: "boolean", short: "h" },
  };
  for (const o of spec.options) {
    options[o.name] = { type: o.type };
    if (o.short) options[o.name] = { ...options[o.name]!, short: o.short };
    if (o.multiple) options[o.name] = { ...options[o.name]!, multiple: true };
  }
  const parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  return { options: parsed.values as ParsedOptions, positionals: parsed.positionals };
}

export async function main(argv: string[], io: CommandIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name) {
    // Nothing to run is not a success: a scheduled `bedrock-ops` with no command must not pass.
    io.stderr.write(`No command given.\n\n${mainHelp()}\n`);
    return 2;
  }
  if (name === "--help" || name === "-h" || name === "help") {
    io.stdout.write(`${mainHelp()}\n`);
    return 0;
  }
  if (name === "--version" || name === "-v" || name === "version") {
    io.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    io.stderr.write(`Unknown command "${name}".\n\n${mainHelp()}\n`);
    return 2;
  }
  const spec = await entry.load();
  let parsed: { options: ParsedOptions; positionals: string[] };
  try {
    parsed = parseCommandArgs(spec, rest);
  } catch (err) {
    io.stderr.write(`${(err as Error).message}\n\n${commandHelp(spec)}\n`);
    return 2;
  }
  if (parsed.options.help) {
    io.stdout.write(`${commandHelp(spec)}\n`);
    return 0;
  }
  try {
    return await spec.run(parsed.options, parsed.positionals, io);
  } catch (err) {
    if (err instanceof ConfigError) {
      io.stderr.write(`${err.message}\n`);
      return 2;
    }
    io.stderr.write(`bedrock-ops ${name}: ${(err as Error).message}\n`);
    return 1;
  }
}
