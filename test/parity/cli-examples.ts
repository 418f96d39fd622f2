/**
 * AWS CLI commands from AWS's CLI reference examples (aws/aws-cli, awscli/examples/<service>/*.rst,
 * named per case), run unchanged except where the example's data cannot exist in the sandbox:
 * times are moved into the sandbox's last hours (CloudWatch refuses data more than two weeks old),
 * the account is the sandbox's, and EC2 metrics become the Lambda metrics the sandbox holds.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";

export interface CliCase {
  name: string;
  /** Cases of one chain run in order (later ones read what earlier ones wrote); chains run side by side. */
  chain: string;
  /** The example it comes from, e.g. "cloudwatch/put-metric-data.rst". */
  source: string;
  args: string[];
  /** Checks the parsed JSON output (or, for an expected error, the stderr text). Throws on a mismatch. */
  check(out: CliOutcome): void;
}

export interface CliOutcome {
  code: number;
  json: Record<string, unknown> | undefined;
  stderr: string;
}

const ACCOUNT = "123456789012";

function fail(message: string): never {
  throw new Error(message);
}

function ok(out: CliOutcome): Record<string, unknown> {
  if (out.code !== 0) fail(`exit ${out.code}: ${out.stderr.trim()}`);
  return out.json ?? {};
}

function serviceError(code: string) {
  return (out: CliOutcome) => {
    if (out.code === 0) fail(`expected the error ${code}, got exit 0`);
    if (!out.stderr.includes(`An error occurred (${code})`))
      fail(`expected "An error occurred (${code})" in stderr, got: ${out.stderr.trim()}`);
  };
}

function equal(actual: unknown, expected: unknown, what: string): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected))
    fail(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

type Obj = Record<string, unknown>;
const list = (v: unknown): Obj[] =>
  Array.isArray(v) ? (v as Obj[]) : fail(`not a list: ${JSON.stringify(v)}`);

/** The cases, with their input files written to `dir`; `now` is the sandbox's clock (epoch ms). */
export function cliCases(now: number, dir: string): CliCase[] {
  const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");
  const minute = Math.floor(now / 60_000) * 60_000;
  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return `file://${path}`;
  };
  const metricJson = file(
    "metric.json",
    JSON.stringify([
      { MetricName: "New Posts", Timestamp: iso(minute - 5 * 60_000), Value: 0.5, Unit: "Count" },
    ]),
  );
  const queriesJson = file(
    "file.json",
    JSON.stringify([
      { Id: "m3", Expression: "(m1+m2)/300", Label: "Avg Total IOPS" },
      ...["Invocations", "Errors"].map((metric, i) => ({
        Id: `m${i + 1}`,
        MetricStat: {
          Metric: {
            Namespace: "AWS/Lambda",
            MetricName: metric,
            Dimensions: [{ Name: "FunctionName", Value: "twin-api" }],
          },
          Period: 300,
          Stat: "Sum",
          Unit: "Count",
        },
        ReturnData: false,
      })),
    ]),
  );
  const budgetJson = file(
    "budget.json",
    JSON.stringify({
      BudgetLimit: { Amount: "100", Unit: "USD" },
      BudgetName: "Example Tag Budget",
      BudgetType: "COST",
      CostTypes: {
        IncludeCredit: true,
        IncludeDiscount: true,
        IncludeOtherSubscription: true,
        IncludeRecurring: true,
        IncludeRefund: true,
        IncludeSubscription: true,
        IncludeSupport: true,
        IncludeTax: true,
        IncludeUpfront: true,
        UseBlended: false,
      },
      TimeUnit: "MONTHLY",
    }),
  );
  const messageTxt = file("message.txt", "Hello World!\nPlease buy more widgets.\n");
  const topicArn = `arn:aws:sns:us-east-1:${ACCOUNT}:my-topic`;
  const dashboardBody =
    '{"widgets":[{"height":6,"width":6,"y":0,"x":0,"type":"metric","properties":{"view":"timeSeries","stacked":false,"metrics":[["Namespace","CPUUtilization","Environment","Prod","Type","App"]],"region":"us-east-1"}}]}';

  return [
    {
      name: "sts get-caller-identity",
      chain: "sts",
      source: "sts/get-caller-identity.rst",
      args: ["sts", "get-caller-identity"],
      check: (out) => {
        const o = ok(out);
        equal(o.Account, ACCOUNT, "Account");
        equal(o.Arn, `arn:aws:iam::${ACCOUNT}:user/bedrock-ops-sandbox`, "Arn");
      },
    },
    {
      name: "sts errors arrive as awsQuery XML (an action the sandbox does not serve)",
      chain: "sts",
      source: "sts/assume-role.rst",
      args: [
        "sts",
        "assume-role",
        "--role-arn",
        `arn:aws:iam::${ACCOUNT}:role/xaccounts3access`,
        "--role-session-name",
        "s3-access-example",
      ],
      check: serviceError("InvalidAction"),
    },
    {
      name: "cloudwatch put-metric-data with dimensions",
      chain: "cloudwatch",
      source: "cloudwatch/put-metric-data.rst",
      args: [
        "cloudwatch",
        "put-metric-data",
        "--metric-name",
        "Buffers",
        "--namespace",
        "MyNameSpace",
        "--unit",
        "Bytes",
        "--value",
        "231434333",
        "--dimensions",
        "InstanceID=1-23456789,InstanceType=m1.small",
      ],
      check: (out) => void ok(out),
    },
    {
      name: "cloudwatch put-metric-data --metric-data file://metric.json",
      chain: "cloudwatch",
      source: "cloudwatch/put-metric-data.rst",
      args: ["cloudwatch", "put-metric-data", "--namespace", "Usage Metrics", "--metric-data", metricJson],
      check: (out) => void ok(out),
    },
    {
      name: "cloudwatch list-metrics --namespace",
      chain: "cloudwatch",
      source: "cloudwatch/list-metrics.rst",
      args: ["cloudwatch", "list-metrics", "--namespace", "MyNameSpace"],
      check: (out) => {
        const metrics = list(ok(out).Metrics);
        equal(
          metrics.map((m) => m.MetricName),
          ["Buffers"],
          "MetricName",
        );
        equal(
          list(metrics[0]?.Dimensions)
            .map((d) => `${d.Name}=${d.Value}`)
            .sort(),
          ["InstanceID=1-23456789", "InstanceType=m1.small"],
          "Dimensions",
        );
      },
    },
    {
      name: "cloudwatch get-metric-statistics with two dimensions",
      chain: "cloudwatch",
      source: "cloudwatch/get-metric-statistics.rst",
      args: [
        "cloudwatch",
        "get-metric-statistics",
        "--metric-name",
        "Buffers",
        "--namespace",
        "MyNameSpace",
        "--dimensions",
        "Name=InstanceID,Value=1-23456789",
        "Name=InstanceType,Value=m1.small",
        "--start-time",
        iso(minute - 3_600_000),
        "--end-time",
        iso(minute + 60_000),
        "--statistics",
        "Average",
        "--period",
        "60",
      ],
      check: (out) => {
        const o = ok(out);
        equal(o.Label, "Buffers", "Label");
        const points = list(o.Datapoints);
        equal(
          points.map((p) => [p.Average, p.Unit]),
          [[231434333, "Bytes"]],
          "Datapoints",
        );
        const t = points[0]?.Timestamp;
        const ms = typeof t === "number" ? t * 1000 : Date.parse(String(t));
        equal(ms, minute, "Datapoint Timestamp (the minute of the put)");
      },
    },
    {
      name: "cloudwatch get-metric-statistics of the file://metric.json datum",
      chain: "cloudwatch",
      source: "cloudwatch/get-metric-statistics.rst",
      args: [
        "cloudwatch",
        "get-metric-statistics",
        "--metric-name",
        "New Posts",
        "--namespace",
        "Usage Metrics",
        "--start-time",
        iso(minute - 3_600_000),
        "--end-time",
        iso(minute),
        "--period",
        "3600",
        "--statistics",
        "Sum",
        "SampleCount",
      ],
      check: (out) => {
        equal(
          list(ok(out).Datapoints).map((p) => [p.Sum, p.SampleCount, p.Unit]),
          [[0.5, 1, "Count"]],
          "Datapoints",
        );
      },
    },
    {
      name: "cloudwatch get-metric-data with metric math and ReturnData false",
      chain: "cloudwatch",
      source: "cloudwatch/get-metric-data.rst",
      args: [
        "cloudwatch",
        "get-metric-data",
        "--metric-data-queries",
        queriesJson,
        "--start-time",
        iso(minute - 3_600_000),
        "--end-time",
        iso(minute - (minute % 300_000)),
      ],
      check: (out) => {
        const results = list(ok(out).MetricDataResults);
        equal(
          results.map((r) => [r.Id, r.Label, r.StatusCode]),
          [["m3", "Avg Total IOPS", "Complete"]],
          "results",
        );
        const values = list(results[0]?.Values as unknown);
        if (values.length !== 12) fail(`expected 12 five-minute values, got ${values.length}`);
        if (!values.every((v) => typeof v === "number" && v >= 0))
          fail(`values are not numbers: ${JSON.stringify(values)}`);
      },
    },
    {
      name: "cloudwatch errors: StartTime after EndTime",
      chain: "cloudwatch",
      source: "cloudwatch/get-metric-statistics.rst",
      args: [
        "cloudwatch",
        "get-metric-statistics",
        "--metric-name",
        "Invocations",
        "--namespace",
        "AWS/Lambda",
        "--start-time",
        iso(minute),
        "--end-time",
        iso(minute - 3_600_000),
        "--period",
        "60",
        "--statistics",
        "Sum",
      ],
      check: serviceError("InvalidParameterValue"),
    },
    {
      name: "cloudwatch put-dashboard",
      chain: "dashboards",
      source: "cloudwatch/put-dashboard.rst",
      args: [
        "cloudwatch",
        "put-dashboard",
        "--dashboard-name",
        "Dashboard-A",
        "--dashboard-body",
        dashboardBody,
      ],
      check: (out) => equal(ok(out).DashboardValidationMessages ?? [], [], "DashboardValidationMessages"),
    },
    {
      name: "cloudwatch get-dashboard",
      chain: "dashboards",
      source: "cloudwatch/get-dashboard.rst",
      args: ["cloudwatch", "get-dashboard", "--dashboard-name", "Dashboard-A"],
      check: (out) => {
        const o = ok(out);
        equal(o.DashboardName, "Dashboard-A", "DashboardName");
        equal(JSON.parse(String(o.DashboardBody)), JSON.parse(dashboardBody), "DashboardBody");
        equal(o.DashboardArn, `arn:aws:cloudwatch::${ACCOUNT}:dashboard/Dashboard-A`, "DashboardArn");
      },
    },
    {
      name: "cloudwatch list-dashboards",
      chain: "dashboards",
      source: "cloudwatch/list-dashboards.rst",
      args: ["cloudwatch", "list-dashboards"],
      check: (out) => {
        const entries = list(ok(out).DashboardEntries);
        const entry =
          entries.find((e) => e.DashboardName === "Dashboard-A") ?? fail("Dashboard-A not listed");
        if (typeof entry.Size !== "number" || entry.Size <= 0) fail(`Size: ${JSON.stringify(entry.Size)}`);
        if (entry.LastModified === undefined) fail("LastModified missing");
      },
    },
    {
      name: "cloudwatch errors: a dashboard that does not exist",
      chain: "dashboards",
      source: "cloudwatch/get-dashboard.rst",
      args: ["cloudwatch", "get-dashboard", "--dashboard-name", "Dashboard-Z"],
      check: serviceError("ResourceNotFound"),
    },
    {
      name: "logs describe-log-groups --log-group-name-prefix",
      chain: "logs",
      source: "logs/describe-log-groups.rst",
      args: ["logs", "describe-log-groups", "--log-group-name-prefix", "/aws/lambda/twin"],
      check: (out) =>
        equal(
          list(ok(out).logGroups).map((g) => g.logGroupName),
          ["/aws/lambda/twin-api"],
          "logGroups",
        ),
    },
    {
      name: "budgets create-budget --budget file://budget.json",
      chain: "budgets",
      source: "budgets/create-budget.rst",
      args: ["budgets", "create-budget", "--account-id", ACCOUNT, "--budget", budgetJson],
      check: (out) => void ok(out),
    },
    {
      name: "budgets describe-budgets (CostTypes with UseAmortized: false)",
      chain: "budgets",
      source: "budgets/describe-budgets.rst",
      args: ["budgets", "describe-budgets", "--account-id", ACCOUNT, "--max-results", "20"],
      check: (out) => {
        const budget =
          list(ok(out).Budgets).find((b) => b.BudgetName === "Example Tag Budget") ??
          fail("budget not listed");
        equal((budget.CostTypes as Obj | undefined)?.UseAmortized, false, "CostTypes.UseAmortized");
        equal((budget.BudgetLimit as Obj | undefined)?.Unit, "USD", "BudgetLimit.Unit");
      },
    },
    {
      name: "ce get-cost-and-usage grouped by SERVICE",
      chain: "ce",
      source: "ce/get-cost-and-usage.rst",
      args: [
        "ce",
        "get-cost-and-usage",
        "--time-period",
        `Start=${iso(now - 7 * 86_400_000).slice(0, 10)},End=${iso(now).slice(0, 10)}`,
        "--granularity",
        "MONTHLY",
        "--metrics",
        "BlendedCost",
        "UnblendedCost",
        "UsageQuantity",
        "--group-by",
        "Type=DIMENSION,Key=SERVICE",
      ],
      check: (out) => {
        const periods = list(ok(out).ResultsByTime);
        const groups = periods.flatMap((p) => list(p.Groups));
        const keys = new Set(groups.flatMap((g) => g.Keys as string[]));
        if (!keys.has("Amazon Bedrock")) fail(`no Amazon Bedrock group: ${[...keys].join(", ")}`);
      },
    },
    {
      name: "ce list-cost-allocation-tags (an account without tags answers an empty list)",
      chain: "ce",
      source: "ce/list-cost-allocation-tags.rst",
      args: ["ce", "list-cost-allocation-tags", "--status", "Active"],
      check: (out) => equal(list(ok(out).CostAllocationTags), [], "CostAllocationTags"),
    },
    {
      name: "sns create-topic",
      chain: "sns",
      source: "sns/create-topic.rst",
      args: ["sns", "create-topic", "--name", "my-topic"],
      check: (out) => equal(ok(out).TopicArn, topicArn, "TopicArn"),
    },
    {
      name: "sns subscribe an e-mail address: pending confirmation",
      chain: "sns",
      source: "sns/subscribe.rst",
      args: [
        "sns",
        "subscribe",
        "--topic-arn",
        topicArn,
        "--protocol",
        "email",
        "--notification-endpoint",
        "my-email@example.com",
      ],
      check: (out) => equal(ok(out).SubscriptionArn, "pending confirmation", "SubscriptionArn"),
    },
    {
      name: "sns list-subscriptions-by-topic",
      chain: "sns",
      source: "sns/list-subscriptions-by-topic.rst",
      args: ["sns", "list-subscriptions-by-topic", "--topic-arn", topicArn],
      check: (out) =>
        equal(
          list(ok(out).Subscriptions).map((s) => [
            s.Owner,
            s.Endpoint,
            s.Protocol,
            s.TopicArn,
            s.SubscriptionArn,
          ]),
          [[ACCOUNT, "my-email@example.com", "email", topicArn, "PendingConfirmation"]],
          "Subscriptions",
        ),
    },
    {
      name: "sns publish --message file://message.txt",
      chain: "sns",
      source: "sns/publish.rst",
      args: ["sns", "publish", "--topic-arn", topicArn, "--message", messageTxt],
      check: (out) => {
        if (!/^[0-9a-f-]{36}$/.test(String(ok(out).MessageId)))
          fail(`MessageId: ${JSON.stringify(out.json)}`);
      },
    },
    {
      name: "sns list-topics",
      chain: "sns",
      source: "sns/list-topics.rst",
      args: ["sns", "list-topics"],
      check: (out) =>
        equal(
          list(ok(out).Topics).map((t) => t.TopicArn),
          [topicArn],
          "Topics",
        ),
    },
    {
      name: "sns get-topic-attributes",
      chain: "sns",
      source: "sns/get-topic-attributes.rst",
      args: ["sns", "get-topic-attributes", "--topic-arn", topicArn],
      check: (out) => {
        const a = ok(out).Attributes as Obj;
        equal(
          [a.TopicArn, a.Owner, a.SubscriptionsPending, a.SubscriptionsConfirmed],
          [topicArn, ACCOUNT, "1", "0"],
          "Attributes",
        );
      },
    },
    {
      name: "sns errors arrive as awsQuery XML: a topic that does not exist",
      chain: "sns",
      source: "sns/publish.rst",
      args: [
        "sns",
        "publish",
        "--topic-arn",
        `arn:aws:sns:us-east-1:${ACCOUNT}:no-such-topic`,
        "--message",
        "Hello World!",
      ],
      check: serviceError("NotFound"),
    },
  ];
}
