import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  cloudWatchMetricsLink,
  consoleEncode,
  costExplorerLink,
  logsInsightsLink,
  SEED_DURATION_QUERY,
} from "../../web/src/links.ts";

describe("AWS console deep links", () => {
  it("encodes values in the CloudWatch console notation", () => {
    assert.equal(consoleEncode("AWS/Lambda"), "'AWS*2fLambda");
    assert.equal(consoleEncode(["a", 1]), "(~'a~1)");
    assert.equal(consoleEncode({ view: "timeSeries", stacked: false }), "(view~'timeSeries~stacked~false)");
    assert.equal(consoleEncode("amazon.nova-lite-v1:0"), "'amazon.nova-lite-v1*3a0");
  });

  it("links CloudWatch metrics for the region and a relative window", () => {
    const url = cloudWatchMetricsLink(
      "eu-west-1",
      [
        {
          namespace: "AWS/Lambda",
          metric: "Invocations",
          dimension: "FunctionName",
          value: "twin-api",
          stat: "Sum",
        },
      ],
      { start: "2026-11-22T00:00:00.000Z", end: "2026-11-22T03:00:00.000Z", relativeSeconds: 10_800 },
      60,
    );
    assert.equal(
      url,
      "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#metricsV2:graph=~" +
        "(metrics~(~(~'AWS*2fLambda~'Invocations~'FunctionName~'twin-api~(stat~'Sum)))~view~'timeSeries~stacked~false~region~'eu-west-1~period~60~start~'-PT180M~end~'P0D)",
    );
  });

  it("links Logs Insights with the seed query and the log group, escaping ? = & after logs-insights", () => {
    const url = logsInsightsLink("us-east-1", "/aws/lambda/twin-api", SEED_DURATION_QUERY, {
      start: "2026-11-22T00:00:00.000Z",
      end: "2026-11-22T03:00:00.000Z",
      relativeSeconds: null,
    });
    assert.ok(
      url.startsWith(
        "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:logs-insights$3FqueryDetail$3D~(end~'2026-11-22T03*3a00*3a00.000Z~start~'2026-11-22T00*3a00*3a00.000Z~",
      ),
    );
    assert.ok(url.includes("timeType~'ABSOLUTE"));
    assert.ok(url.includes("source~(~'*2faws*2flambda*2ftwin-api)"));
    assert.ok(url.includes("editorString~'fields*20*40timestamp*2c*20*40duration*0a*7c*20filter"));
    const fragment = url.split("#")[1] ?? "";
    assert.equal(/[?=&]/.test(fragment.replace("logsV2:logs-insights", "")), false);
  });

  it("links Cost Explorer daily, grouped and filtered", () => {
    const url = new URL(
      costExplorerLink(
        "2026-11-01T00:00:00Z",
        "2026-11-22T03:00:00Z",
        "USAGE_TYPE",
        "Amazon Bedrock",
      ).replace("#/", ""),
    );
    assert.equal(url.searchParams.get("granularity"), "Daily");
    assert.equal(url.searchParams.get("startDate"), "2026-11-01");
    assert.equal(url.searchParams.get("endDate"), "2026-11-22");
    assert.equal(url.searchParams.get("groupBy"), '["USAGE_TYPE"]');
    assert.deepEqual(JSON.parse(url.searchParams.get("filter") ?? "null"), [
      { dimension: { id: "Service" }, values: [{ value: "Amazon Bedrock" }] },
    ]);
  });
});

describe("console links of a linked source account", () => {
  it("graphs a source account's metric with the accountId rendering option", () => {
    const url = cloudWatchMetricsLink(
      "us-east-1",
      [
        {
          namespace: "AWS/Lambda",
          metric: "Errors",
          dimension: "FunctionName",
          value: "twin-api",
          stat: "Sum",
          accountId: "210987654321",
        },
      ],
      { start: "2026-11-22T00:00:00.000Z", end: "2026-11-22T03:00:00.000Z", relativeSeconds: 10_800 },
      60,
    );
    assert.ok(
      url.includes("(~'AWS*2fLambda~'Errors~'FunctionName~'twin-api~(stat~'Sum~accountId~'210987654321))"),
      url,
    );
  });
});
