import { withRuntime } from "../aws/runtime.ts";
import { bedrockRegion, ConfigError, loadConfig } from "../config.ts";
import { configRow, formatRows, summarize } from "../ops/doctor-checks.ts";
import { runDoctor } from "../ops/doctor-run.ts";
import { PriceBook } from "../pricing/prices.ts";
import { CONFIG_OPTION, type CommandSpec } from "./types.ts";

export const command: CommandSpec = {
  name: "doctor",
  summary:
    "Diagnose config, credentials, regions, permissions, log groups, metrics and model access; each row says pass / warn / fail and the fix.",
  options: [
    { name: "json", type: "boolean", description: "print the rows as JSON", default: false },
    {
      name: "skip-bedrock",
      type: "boolean",
      description: "make no paid calls: no Bedrock Converse, no Cost Explorer ($0.01)",
      default: false,
    },
    CONFIG_OPTION,
  ],
  details: [
    "Each configured model gets one Converse call with maxTokens 1 (a fraction of a cent; the cost is shown).",
    "Exit code: 0 when nothing failed (warnings allowed), 1 when a check failed.",
    "Examples:",
    "  bedrock-ops doctor",
    "  bedrock-ops doctor --skip-bedrock --json | jq '.rows[] | select(.status != \"pass\")'",
  ].join("\n"),
  run: async (options, _positionals, io) => {
    const json = options.json === true;
    let config: ReturnType<typeof loadConfig>;
    try {
      config = loadConfig(typeof options.config === "string" ? { path: options.config } : {});
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      const rows = [configRow(err.source, err.problems)];
      io.stdout.write(
        json ? `${JSON.stringify({ rows, summary: summarize(rows) }, null, 2)}\n` : `${formatRows(rows)}\n`,
      );
      return 1;
    }
    return withRuntime(config, async ({ clients, sandbox }) => {
      const sandboxUrl = sandbox?.url;
      if (sandboxUrl && !json)
        io.stderr.write(
          `Sandbox mode (no config.json or mode "sandbox"): checking the built-in sandbox at ${sandboxUrl}\n`,
        );
      const rows = [configRow(config.source, undefined)];
      const prices = PriceBook.fromConfig(config);
      rows.push(
        ...(await runDoctor(config, clients, {
          skipPaid: options["skip-bedrock"] === true,
          now: Date.now,
          prices: (id) => prices.price(id, bedrockRegion(config)),
        })),
      );
      const summary = summarize(rows);
      io.stdout.write(json ? `${JSON.stringify({ rows, summary }, null, 2)}\n` : `${formatRows(rows)}\n`);
      return summary.exitCode;
    });
  },
};
