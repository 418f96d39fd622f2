import { withRuntime } from "../aws/runtime.ts";
import { loadConfig } from "../config.ts";
import { alarmsConsoleUrl, alarmsSetup } from "../ops/alarms-apply.ts";
import { countAlarmChanges, formatAlarmPlan } from "../ops/alarms-plan.ts";
import { CONFIG_OPTION, type CommandSpec } from "./types.ts";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const command: CommandSpec = {
  name: "alarms",
  positionals: "setup",
  summary:
    "Create or update CloudWatch alarms from config.alarms: per model TPM use above a share of the applied quota (threshold in tokens), any throttles, p90 latency above the SLO; per function errors and p90 duration; all to one SNS topic. Idempotent; never touches alarms outside the prefix.",
  options: [
    {
      name: "dry-run",
      type: "boolean",
      description: "print the plan (create / update / delete / unchanged) and change nothing",
      default: false,
    },
    {
      name: "email",
      type: "string",
      value: "<address>",
      multiple: true,
      description: "add an e-mail subscriber to the alarm topic (repeatable)",
    },
    { name: "json", type: "boolean", description: "print the plan and result as JSON", default: false },
    CONFIG_OPTION,
  ],
  details: [
    "Examples:",
    "  bedrock-ops alarms setup --dry-run",
    "  bedrock-ops alarms setup --email ops@example.com",
    "Thresholds: alarms.tpmPercent (default 80) of each model's applied TPM quota from Service Quotas,",
    "alarms.latencyP90Ms (4000), alarms.durationP90Ms (10000). Run it again after a quota increase:",
    "the TPM thresholds are recomputed from the new quota.",
    "Needs cloudwatch:DescribeAlarms, cloudwatch:PutMetricAlarm, cloudwatch:DeleteAlarms, sns:CreateTopic,",
    "sns:GetTopicAttributes, sns:ListSubscriptionsByTopic, sns:Subscribe, servicequotas:ListServiceQuotas and",
    "servicequotas:ListAWSDefaultServiceQuotas (bedrock-ops iam-policy --features alarms).",
  ].join("\n"),
  run: async (options, positionals, io) => {
    if (positionals[0] !== "setup" || positionals.length > 1) {
      io.stderr.write(`Usage: bedrock-ops alarms setup [options]; got "${positionals.join(" ")}"\n`);
      return 2;
    }
    const loaded = loadConfig(typeof options.config === "string" ? { path: options.config } : {});
    const raw = options.email;
    const extra = Array.isArray(raw) ? raw : typeof raw === "string" ? [raw] : [];
    for (const e of extra)
      if (!EMAIL.test(e)) {
        io.stderr.write(`--email: got "${e}"; give an e-mail address such as ops@example.com\n`);
        return 2;
      }
    const emails = [
      ...loaded.alarms.emails,
      ...extra.filter((e) => !loaded.alarms.emails.some((x) => x.toLowerCase() === e.toLowerCase())),
    ];
    const config = { ...loaded, alarms: { ...loaded.alarms, emails } };
    const dryRun = options["dry-run"] === true;
    return withRuntime(config, async ({ clients, sandbox }) => {
      if (sandbox?.url && !options.json)
        io.stderr.write(
          `Sandbox mode (no config.json or mode "sandbox"): using the built-in sandbox at ${sandbox.url}\n`,
        );
      const { region, plan, applied } = await alarmsSetup(clients, config, { dryRun });
      const counts = countAlarmChanges(plan);
      const consoleUrl = alarmsConsoleUrl(region, config.alarms.prefix);
      if (options.json) {
        const steps = plan.steps.map(({ alarm: _alarm, ...s }) => s);
        io.stdout.write(
          `${JSON.stringify({ dryRun, region, topicArn: plan.topicArn, counts, steps, warnings: plan.warnings, applied: applied.length, consoleUrl }, null, 2)}\n`,
        );
        return 0;
      }
      io.stdout.write(`${formatAlarmPlan(plan)}\n\n`);
      const summary = `${counts.create} to create, ${counts.update} to update, ${counts.delete} to delete, ${counts.unchanged} unchanged`;
      io.stdout.write(
        dryRun
          ? `Dry run (${region}): ${summary}; nothing was changed.\n`
          : `Done (${region}): ${applied.length} change(s) applied; ${summary}.\n`,
      );
      io.stdout.write(`Alarms console: ${consoleUrl}\n`);
      return 0;
    });
  },
};
