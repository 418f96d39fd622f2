import { withRuntime } from "../aws/runtime.ts";
import { loadConfig } from "../config.ts";
import { resolveAccountId } from "../ops/budget-apply.ts";
import { DEFAULT_DASHBOARD_NAME, dashboardNameProblem } from "../ops/cw-dashboard.ts";
import { FEATURES, parseFeatures } from "../ops/iam-actions.ts";
import { buildPolicy } from "../ops/iam-policy.ts";
import { CONFIG_OPTION, type CommandSpec } from "./types.ts";

export const command: CommandSpec = {
  name: "iam-policy",
  summary:
    "Print the least-privilege IAM policy JSON for the features in use, scoped to the configured log groups, models (every region of their inference profile), budgets and dashboard.",
  options: [
    {
      name: "features",
      type: "string",
      value: "<list>",
      description: `comma-separated: ${FEATURES.join(", ")}`,
      default: FEATURES.join(","),
    },
    {
      name: "account",
      type: "string",
      value: "<id>",
      description: "12-digit account ID for the ARNs (default: aws.accountId, else STS GetCallerIdentity)",
    },
    {
      name: "dashboard-name",
      type: "string",
      value: "<name>",
      description: "CloudWatch dashboard the cw-dashboard feature writes",
      default: DEFAULT_DASHBOARD_NAME,
    },
    CONFIG_OPTION,
  ],
  details: [
    "Examples:",
    "  bedrock-ops iam-policy --features dashboard > dashboard-policy.json",
    "  aws iam create-policy --policy-name bedrock-ops --policy-document file://dashboard-policy.json",
    "Replaces AmazonBedrockFullAccess and CloudWatchFullAccess for this tool. doctor's model checks need the bench feature.",
  ].join("\n"),
  run: async (options, _positionals, io) => {
    const features = parseFeatures(typeof options.features === "string" ? options.features : undefined);
    if (typeof features === "string") {
      io.stderr.write(`${features}\n`);
      return 2;
    }
    const account = typeof options.account === "string" ? options.account : undefined;
    if (account !== undefined && !/^\d{12}$/.test(account)) {
      io.stderr.write(`--account: got "${account}"; give the 12-digit AWS account ID\n`);
      return 2;
    }
    const dashboardName =
      typeof options["dashboard-name"] === "string" ? options["dashboard-name"] : DEFAULT_DASHBOARD_NAME;
    const nameProblem = dashboardNameProblem(dashboardName);
    if (nameProblem) {
      io.stderr.write(`${nameProblem.replace("--name", "--dashboard-name")}\n`);
      return 2;
    }
    const config = loadConfig(typeof options.config === "string" ? { path: options.config } : {});
    const accountId =
      account ??
      config.aws.accountId ??
      (await withRuntime(config, ({ clients }) => resolveAccountId(undefined, clients.sts())));
    io.stdout.write(
      `${JSON.stringify(buildPolicy(config, { accountId, features, dashboardName }), null, 2)}\n`,
    );
    return 0;
  },
};
