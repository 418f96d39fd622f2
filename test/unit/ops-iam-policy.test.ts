import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parseConfig } from "../../server/config.ts";
import { FEATURES, parseFeatures, SDK_OPERATIONS } from "../../server/ops/iam-actions.ts";
import { buildPolicy, modelArns, type PolicyDocument } from "../../server/ops/iam-policy.ts";

const ACCOUNT = "111122223333";
const SERVER = new URL("../../server/", import.meta.url).pathname;
/** IAM service prefix of each SDK client package the product uses. */
const IAM_PREFIX: Record<string, string> = {
  "@aws-sdk/client-cloudwatch": "cloudwatch",
  "@aws-sdk/client-cloudwatch-logs": "logs",
  "@aws-sdk/client-cost-explorer": "ce",
  "@aws-sdk/client-budgets": "budgets",
  "@aws-sdk/client-bedrock-runtime": "bedrock",
  "@aws-sdk/client-bedrock": "bedrock",
  "@aws-sdk/client-sts": "sts",
  "@aws-sdk/client-lambda": "lambda",
  "@aws-sdk/client-service-quotas": "servicequotas",
  "@aws-sdk/client-sns": "sns",
  "@aws-sdk/client-oam": "oam",
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return full.endsWith("/sandbox") ? [] : sourceFiles(full);
    return name.endsWith(".ts") ? [full] : [];
  });
}

/** Every `new <Name>Command(` in server/ (the sandbox excluded: it answers calls, it does not make them), with its package. */
function commandsCalled(): { command: string; pkg: string; file: string }[] {
  const out: { command: string; pkg: string; file: string }[] = [];
  for (const file of sourceFiles(SERVER)) {
    const text = readFileSync(file, "utf8");
    const imports = new Map<string, string>();
    for (const m of text.matchAll(
      /import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*"(@aws-sdk\/client-[a-z-]+)"/g,
    )) {
      for (const name of m[1]!.split(","))
        imports.set(
          name
            .replace(/^\s*type\s+/, "")
            .trim()
            .split(/\s+as\s+/)
            .pop()!,
          m[2]!,
        );
    }
    for (const m of text.matchAll(/new\s+([A-Z][A-Za-z0-9]*)Command\s*\(/g)) {
      out.push({
        command: m[1]!,
        pkg: imports.get(`${m[1]}Command`) ?? "(not imported from an SDK client)",
        file: file.slice(SERVER.length),
      });
    }
  }
  return out;
}

const config = parseConfig({
  aws: { region: "us-east-1" },
  lambda: { functions: [{ name: "twin-api" }] },
  bedrock: { models: [{ id: "amazon.nova-micro-v1:0" }, { id: "amazon.nova-lite-v1:0", profile: "us" }] },
  bench: { publishNamespace: "BedrockOps/Bench" },
});

const actionsOf = (policy: PolicyDocument) => new Set(policy.Statement.flatMap((s) => s.Action));

describe("iam-policy", () => {
  it("grants every AWS operation the code calls, under the right service prefix", () => {
    // Prepare
    const calls = commandsCalled();
    assert.ok(calls.length >= 10, `expected the product's SDK calls, found ${calls.length}`);
    const policy = buildPolicy(config, {
      accountId: ACCOUNT,
      features: FEATURES,
      dashboardName: "twin-monitoring",
    });
    // The OAM reads are granted only with aws.accounts "linked", the one setting that calls them.
    const linked = buildPolicy(parseConfig({ aws: { accounts: "linked" } }), {
      accountId: ACCOUNT,
      features: FEATURES,
      dashboardName: "twin-monitoring",
    });
    const granted = new Set([...actionsOf(policy), ...actionsOf(linked)]);
    // Assess
    for (const call of calls) {
      const permission = SDK_OPERATIONS[call.command];
      assert.ok(
        permission,
        `${call.file} calls ${call.command} but server/ops/iam-actions.ts has no IAM action for it: add it`,
      );
      const prefix = IAM_PREFIX[call.pkg];
      assert.ok(
        prefix,
        `${call.file}: ${call.command}Command comes from ${call.pkg}; add that client to the test's prefix table`,
      );
      if (permission.action === null) {
        assert.equal(prefix, "sts", `${call.command}: only STS GetCallerIdentity may need no permission`);
        continue;
      }
      assert.equal(permission.action.split(":")[0], prefix, `${call.command} is a ${call.pkg} operation`);
      assert.ok(
        granted.has(permission.action),
        `${call.command} needs ${permission.action}, which the full policy lacks`,
      );
    }
  });

  it("is a valid policy document: version, unique alphanumeric Sids, Allow, non-empty actions and resources", () => {
    const policy = buildPolicy(config, {
      accountId: ACCOUNT,
      features: FEATURES,
      dashboardName: "twin-monitoring",
    });
    assert.equal(policy.Version, "2012-10-17");
    const sids = policy.Statement.map((s) => s.Sid);
    assert.equal(new Set(sids).size, sids.length);
    for (const s of policy.Statement) {
      assert.match(s.Sid, /^[A-Za-z0-9]+$/);
      assert.equal(s.Effect, "Allow");
      assert.ok(s.Action.length > 0);
      assert.ok(
        s.Action.every((a) => /^[a-z0-9-]+:[A-Za-z]+$/.test(a)),
        `actions ${s.Action.join(", ")}`,
      );
      assert.ok(
        s.Resource === "*" ||
          (Array.isArray(s.Resource) ? s.Resource.length > 0 : s.Resource.startsWith("arn:aws:")),
      );
      assert.ok(!s.Action.some((a) => a.endsWith(":*")), "no wildcard actions");
    }
  });

  it('keeps Resource "*" only for actions without resource-level permissions', () => {
    const policy = buildPolicy(config, {
      accountId: ACCOUNT,
      features: FEATURES,
      dashboardName: "twin-monitoring",
    });
    const wildcard = policy.Statement.filter((s) => s.Resource === "*")
      .flatMap((s) => s.Action)
      .sort();
    assert.deepEqual(wildcard, [
      // Listing inference profiles and reading the invocation logging configuration have no
      // resource types (Service Authorization Reference, Amazon Bedrock).
      "bedrock:GetModelInvocationLoggingConfiguration",
      "bedrock:ListInferenceProfiles",
      "ce:GetCostAndUsage",
      "ce:GetCostForecast",
      "ce:ListCostAllocationTags",
      // DescribeAlarms/DescribeAlarmHistory read every alarm for the panel and the plan.
      "cloudwatch:DescribeAlarmHistory",
      "cloudwatch:DescribeAlarms",
      "cloudwatch:GetMetricData",
      "cloudwatch:GetMetricStatistics",
      "cloudwatch:ListDashboards",
      "cloudwatch:ListMetrics",
      "cloudwatch:PutMetricData",
      "logs:DescribeLogGroups",
      "logs:DescribeQueries",
      "logs:GetQueryResults",
      "logs:StopQuery",
      // Service Quotas list operations have no resource-level permissions.
      "servicequotas:ListAWSDefaultServiceQuotas",
      "servicequotas:ListServiceQuotas",
    ]);
    const publish = policy.Statement.find((s) => s.Action.includes("cloudwatch:PutMetricData"))!;
    assert.deepEqual(publish.Condition, { StringEquals: { "cloudwatch:namespace": "BedrockOps/Bench" } });
  });

  it("covers the attribution reads: tags per profile ARN, the invocation log group when configured", () => {
    const withGroup = parseConfig({
      aws: { region: "us-east-1" },
      lambda: { functions: [{ name: "twin-api" }] },
      attribution: { invocationLogGroup: "/aws/bedrock/invocations" },
    });
    const policy = buildPolicy(withGroup, {
      accountId: ACCOUNT,
      features: ["dashboard"],
      dashboardName: "x",
    });
    const profiles = policy.Statement.find((s) => s.Sid === "BedrockReadInferenceProfiles")!;
    assert.ok(profiles.Action.includes("bedrock:ListTagsForResource"));
    assert.ok(
      [profiles.Resource].flat().includes(`arn:aws:bedrock:*:${ACCOUNT}:application-inference-profile/*`),
    );
    const logs = policy.Statement.find((s) => s.Sid === "LogsQueryConfiguredLogGroups")!;
    assert.ok(
      [logs.Resource].flat().some((r) => r.includes(":log-group:/aws/bedrock/invocations")),
      JSON.stringify(logs.Resource),
    );
  });

  it("scopes alarm writes to the managed prefix and SNS to the alarm topic", () => {
    const policy = buildPolicy(config, {
      accountId: ACCOUNT,
      features: ["alarms"],
      dashboardName: "twin-monitoring",
    });
    const managed = policy.Statement.find((s) => s.Sid === "CloudWatchAlarmsManaged")!;
    assert.deepEqual(managed.Action, ["cloudwatch:DeleteAlarms", "cloudwatch:PutMetricAlarm"]);
    assert.match(String(managed.Resource), /^arn:aws:cloudwatch:[a-z0-9-]+:\d{12}:alarm:bedrock-ops-\*$/);
    const sns = policy.Statement.find((s) => s.Sid === "SnsAlarmTopic")!;
    assert.deepEqual(sns.Action, [
      "sns:CreateTopic",
      "sns:GetTopicAttributes",
      "sns:ListSubscriptionsByTopic",
      "sns:Subscribe",
    ]);
    assert.match(String(sns.Resource), /:sns:[a-z0-9-]+:\d{12}:bedrock-ops-alarms$/);
  });

  it("scopes log queries, budgets and the dashboard to their ARNs", () => {
    const policy = buildPolicy(config, {
      accountId: ACCOUNT,
      features: FEATURES,
      dashboardName: "twin-monitoring",
    });
    const resourceOf = (action: string) =>
      policy.Statement.filter((s) => s.Action.includes(action)).map((s) => s.Resource);
    assert.deepEqual(resourceOf("logs:StartQuery"), [
      [
        "arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/twin-api",
        "arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/twin-api:*",
      ],
    ]);
    assert.deepEqual(resourceOf("budgets:ModifyBudget"), [
      ["arn:aws:budgets::111122223333:budget/twin-budget"],
    ]);
    assert.deepEqual(resourceOf("cloudwatch:PutDashboard"), [
      "arn:aws:cloudwatch::111122223333:dashboard/twin-monitoring",
    ]);
  });

  it('adds the OAM reads and the source accounts\' log groups only with aws.accounts "linked"', () => {
    const linked = parseConfig({ aws: { region: "eu-west-1", accounts: "linked" } });
    const policy = buildPolicy(linked, { accountId: ACCOUNT, features: ["dashboard"], dashboardName: "x" });
    const statement = (sid: string) => policy.Statement.find((s) => s.Sid === sid);
    assert.deepEqual(statement("OamListSinks")?.Action, ["oam:ListSinks"]);
    assert.equal(statement("OamListSinks")?.Resource, "*");
    assert.deepEqual(statement("OamReadSinkLinks")?.Action, ["oam:ListAttachedLinks"]);
    assert.equal(statement("OamReadSinkLinks")?.Resource, "arn:aws:oam:eu-west-1:111122223333:sink/*");
    assert.deepEqual(statement("LogsQueryConfiguredLogGroups")?.Resource, [
      "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/twin-api",
      "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/twin-api:*",
      "arn:aws:logs:eu-west-1:*:log-group:/aws/lambda/twin-api",
      "arn:aws:logs:eu-west-1:*:log-group:/aws/lambda/twin-api:*",
    ]);
    // A listed account's groups by its ID; no OAM statement without "linked".
    const listed = parseConfig({
      aws: {
        accounts: [
          { id: ACCOUNT, label: "home" },
          { id: "210987654321", label: "prod" },
        ],
      },
    });
    const other = buildPolicy(listed, { accountId: ACCOUNT, features: ["dashboard"], dashboardName: "x" });
    assert.equal(
      other.Statement.some((s) => s.Sid.startsWith("Oam")),
      false,
    );
    assert.deepEqual(other.Statement.find((s) => s.Sid === "LogsQueryConfiguredLogGroups")?.Resource, [
      "arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/twin-api",
      "arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/twin-api:*",
      "arn:aws:logs:us-east-1:210987654321:log-group:/aws/lambda/twin-api",
      "arn:aws:logs:us-east-1:210987654321:log-group:/aws/lambda/twin-api:*",
    ]);
  });

  it("grants a profile model in every region of its profile plus the inference-profile ARN", () => {
    assert.deepEqual(modelArns("us.amazon.nova-lite-v1:0", "us-east-1", ACCOUNT), [
      "arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.amazon.nova-lite-v1:0",
      "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0",
      "arn:aws:bedrock:us-east-2::foundation-model/amazon.nova-lite-v1:0",
      "arn:aws:bedrock:us-west-2::foundation-model/amazon.nova-lite-v1:0",
    ]);
    assert.equal(modelArns("eu.amazon.nova-pro-v1:0", "eu-west-1", ACCOUNT).length, 5);
    assert.deepEqual(modelArns("amazon.nova-micro-v1:0", "us-east-1", ACCOUNT), [
      "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-micro-v1:0",
    ]);
  });

  it("grants only what the chosen features need", () => {
    const dashboard = actionsOf(
      buildPolicy(config, { accountId: ACCOUNT, features: ["dashboard"], dashboardName: "twin-monitoring" }),
    );
    assert.ok(
      dashboard.has("cloudwatch:GetMetricData") &&
        dashboard.has("logs:StartQuery") &&
        dashboard.has("budgets:ViewBudget"),
    );
    assert.ok(
      !dashboard.has("bedrock:InvokeModel") &&
        !dashboard.has("budgets:ModifyBudget") &&
        !dashboard.has("cloudwatch:PutDashboard"),
    );
    const budget = actionsOf(
      buildPolicy(config, { accountId: ACCOUNT, features: ["budget"], dashboardName: "twin-monitoring" }),
    );
    assert.deepEqual([...budget].sort(), ["budgets:ModifyBudget", "budgets:ViewBudget"]);
  });

  it("parses --features and rejects unknown names", () => {
    assert.deepEqual(parseFeatures("bench, budget"), ["bench", "budget"]);
    assert.deepEqual(parseFeatures(undefined), [...FEATURES]);
    assert.equal(
      parseFeatures("dashbord"),
      '--features: got "dashbord"; use a comma-separated list of dashboard, bench, budget, cw-dashboard, alarms',
    );
  });
});
