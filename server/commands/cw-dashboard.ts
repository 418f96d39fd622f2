import { withRuntime } from "../aws/runtime.ts";
import { bedrockRegion, loadConfig } from "../config.ts";
import {
  buildDashboardBody,
  DEFAULT_DASHBOARD_NAME,
  dashboardConsoleUrl,
  dashboardNameProblem,
} from "../ops/cw-dashboard.ts";
import { putDashboard } from "../ops/cw-dashboard-apply.ts";
import { fetchQuotas } from "../sources/quotas.ts";
import { CONFIG_OPTION, type CommandSpec } from "./types.ts";

export const command: CommandSpec = {
  name: "cw-dashboard",
  summary:
    "Write the twin-monitoring CloudWatch dashboard (Lambda invocations, duration, errors; Bedrock invocations, latency p50/p90, tokens per model) with PutDashboard.",
  options: [
    {
      name: "name",
      type: "string",
      value: "<name>",
      description: "dashboard name",
      default: DEFAULT_DASHBOARD_NAME,
    },
    {
      name: "dry-run",
      type: "boolean",
      description: "print the dashboard body JSON and write nothing",
      default: false,
    },
    CONFIG_OPTION,
  ],
  details: [
    "Examples:",
    "  bedrock-ops cw-dashboard --dry-run > body.json",
    "  bedrock-ops cw-dashboard --name twin-monitoring",
    "Overwrites a dashboard of the same name. Needs cloudwatch:PutDashboard (bedrock-ops iam-policy --features cw-dashboard).",
  ].join("\n"),
  run: async (options, _positionals, io) => {
    const name = typeof options.name === "string" ? options.name : DEFAULT_DASHBOARD_NAME;
    const problem = dashboardNameProblem(name);
    if (problem) {
      io.stderr.write(`${problem}\n`);
      return 2;
    }
    const config = loadConfig(typeof options.config === "string" ? { path: options.config } : {});
    if (options["dry-run"] === true) {
      io.stdout.write(`${JSON.stringify(buildDashboardBody(config), null, 2)}\n`);
      return 0;
    }
    return withRuntime(config, async ({ clients, sandbox }) => {
      // The applied TPM quotas are drawn on the quota widget when Service Quotas can be read.
      const region = bedrockRegion(config);
      const quotas = await fetchQuotas(clients.serviceQuotas({ region }), config, region).then(
        (q) =>
          q.models.flatMap((m) =>
            m.tpm ? [{ modelId: m.modelId, tpm: m.tpm.value, code: m.tpm.code }] : [],
          ),
        (err: unknown) => {
          io.stderr.write(
            `No quota lines on the dashboard: ${err instanceof Error ? err.message : String(err)} (needs servicequotas:ListServiceQuotas)\n`,
          );
          return [];
        },
      );
      const body = buildDashboardBody(config, quotas);
      const sandboxUrl = sandbox?.url;
      if (sandboxUrl)
        io.stderr.write(
          `Sandbox mode (no config.json or mode "sandbox"): writing to the built-in sandbox at ${sandboxUrl}\n`,
        );
      const result = await putDashboard(clients.cloudwatch(), name, body);
      for (const m of result.messages) io.stderr.write(`CloudWatch: ${m}\n`);
      io.stdout.write(`Wrote dashboard "${name}" (${body.widgets.length} widgets).\n`);
      io.stdout.write(`Console: ${dashboardConsoleUrl(config.aws.region, name)}\n`);
      return 0;
    });
  },
};
