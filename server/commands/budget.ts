import { withRuntime } from "../aws/runtime.ts";
import { loadConfig, type ManagedBudget } from "../config.ts";
import { budgetSetup, budgetsConsoleUrl } from "../ops/budget-apply.ts";
import { countChanges, formatPlan } from "../ops/budget-plan.ts";
import { CONFIG_OPTION, type CommandSpec, type ParsedOptions } from "./types.ts";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Apply the command-line additions (--email, --limit) to the configured budgets, validated. */
export function budgetsWithFlags(
  managed: readonly ManagedBudget[],
  options: ParsedOptions,
): ManagedBudget[] | string {
  const raw = options.email;
  const emails = Array.isArray(raw) ? raw : typeof raw === "string" ? [raw] : [];
  for (const email of emails) {
    if (!EMAIL.test(email)) return `--email: got "${email}"; give an e-mail address such as ops@example.com`;
  }
  let limit: number | undefined;
  if (typeof options.limit === "string") {
    limit = Number(options.limit);
    if (!/^\d+(\.\d{1,2})?$/.test(options.limit) || !(limit > 0))
      return `--limit: got "${options.limit}"; give a positive amount in USD such as 10 or 12.50`;
    if (managed.length !== 1)
      return `--limit: ${managed.length} budgets are configured; set limitUsd per budget in config.json instead`;
  }
  if (managed.length === 0)
    return "budgets.managed is empty in the configuration: add a budget (name, limitUsd, emails, thresholds)";
  const out: ManagedBudget[] = [];
  for (const b of managed) {
    const merged = [
      ...b.emails,
      ...emails.filter((e) => !b.emails.some((x) => x.toLowerCase() === e.toLowerCase())),
    ];
    if (merged.length > 10)
      return `${b.name}: ${merged.length} e-mail subscribers; AWS allows at most 10 per alert`;
    out.push({ ...b, emails: merged, limitUsd: limit ?? b.limitUsd });
  }
  return out;
}

export const command: CommandSpec = {
  name: "budget",
  positionals: "setup",
  summary:
    "Create or update the AWS Budgets from config.budgets.managed (default: twin-budget, 10 USD a month, e-mail at 80 % actual and 100 % forecast). Idempotent; never touches other budgets.",
  options: [
    {
      name: "dry-run",
      type: "boolean",
      description: "print the plan (create / update / unchanged) and change nothing",
      default: false,
    },
    {
      name: "email",
      type: "string",
      value: "<address>",
      multiple: true,
      description: "add an e-mail subscriber to every managed budget (repeatable)",
    },
    {
      name: "limit",
      type: "string",
      value: "<usd>",
      description: "monthly limit in USD (only when one budget is configured)",
    },
    { name: "json", type: "boolean", description: "print the plan and result as JSON", default: false },
    CONFIG_OPTION,
  ],
  details: [
    "Examples:",
    "  bedrock-ops budget setup --dry-run --email ops@example.com",
    "  bedrock-ops budget setup --email ops@example.com --limit 10",
    "Needs budgets:ViewBudget and budgets:ModifyBudget on the managed budgets (bedrock-ops iam-policy --features budget).",
  ].join("\n"),
  run: async (options, positionals, io) => {
    if (positionals[0] !== "setup" || positionals.length > 1) {
      io.stderr.write(`Usage: bedrock-ops budget setup [options]; got "${positionals.join(" ")}"\n`);
      return 2;
    }
    const config = loadConfig(typeof options.config === "string" ? { path: options.config } : {});
    const managed = budgetsWithFlags(config.budgets.managed, options);
    if (typeof managed === "string") {
      io.stderr.write(`${managed}\n`);
      return 2;
    }
    const dryRun = options["dry-run"] === true;
    return withRuntime(config, async ({ clients, sandbox }) => {
      const sandboxUrl = sandbox?.url;
      if (sandboxUrl && !options.json)
        io.stderr.write(
          `Sandbox mode (no config.json or mode "sandbox"): using the built-in sandbox at ${sandboxUrl}\n`,
        );
      const { accountId, plan, applied } = await budgetSetup(clients, {
        accountId: config.aws.accountId,
        managed,
        dryRun,
      });
      const counts = countChanges(plan);
      if (options.json) {
        io.stdout.write(
          `${JSON.stringify({ dryRun, accountId, counts, steps: plan.steps, warnings: plan.warnings, applied: applied.length, consoleUrl: budgetsConsoleUrl() }, null, 2)}\n`,
        );
        return 0;
      }
      io.stdout.write(`${formatPlan(plan)}\n\n`);
      const summary = `${counts.create} to create, ${counts.update} to update, ${counts.delete} to delete, ${counts.unchanged} unchanged`;
      io.stdout.write(
        dryRun
          ? `Dry run (account ${accountId}): ${summary}; nothing was changed.\n`
          : `Done (account ${accountId}): ${applied.length} change(s) applied; ${summary}.\n`,
      );
      io.stdout.write(`Budgets console: ${budgetsConsoleUrl()}\n`);
      return 0;
    });
  },
};
