/**
 * Log groups across accounts: which group is read in which account, the ARN StartQuery's
 * logGroupIdentifiers takes (AWS: "arn:aws:logs:region:account-id:log-group:log_group_name",
 * no * at the end), and the way result rows' `@log` (`<account>:<group>`) map back to it.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseConfig } from "../../server/config.ts";
import {
  accountOfLog,
  groupKeyOf,
  logGroupArn,
  logUnits,
  partitionOf,
} from "../../server/sources/accounts-logs.ts";

describe("log group ARNs", () => {
  it("builds the identifier form, in the Region's partition", () => {
    assert.equal(
      logGroupArn("us-east-1", "210987654321", "/aws/lambda/twin-api"),
      "arn:aws:logs:us-east-1:210987654321:log-group:/aws/lambda/twin-api",
    );
    assert.equal(partitionOf("cn-north-1"), "aws-cn");
    assert.equal(partitionOf("us-gov-west-1"), "aws-us-gov");
    assert.match(logGroupArn("cn-north-1", "210987654321", "/x"), /^arn:aws-cn:logs:cn-north-1:/);
  });

  it("maps @log back to the group as asked: the ARN for a source account, the name for this one", () => {
    const arn = logGroupArn("us-east-1", "210987654321", "/aws/lambda/twin-api");
    const keyOf = groupKeyOf(["/aws/lambda/twin-api", arn]);
    assert.equal(keyOf("210987654321:/aws/lambda/twin-api"), arn);
    assert.equal(keyOf("123456789012:/aws/lambda/twin-api"), "/aws/lambda/twin-api");
    assert.equal(keyOf(undefined), undefined);
    assert.equal(accountOfLog("210987654321:/aws/lambda/twin-api"), "210987654321");
    assert.equal(accountOfLog("/aws/lambda/twin-api"), undefined);
  });
});

describe("log units", () => {
  const fns = (config: ReturnType<typeof parseConfig>) =>
    logUnits(config, config.lambda.functions, "us-east-1");

  it("without aws.accounts: each function in this account, by name (nothing changes)", () => {
    const config = parseConfig({
      lambda: { functions: [{ name: "twin-api" }, { name: "b", logGroup: "/custom/b" }] },
    });
    assert.deepEqual(
      fns(config).map((u) => [u.accountId, u.group]),
      [
        [undefined, "/aws/lambda/twin-api"],
        [undefined, "/custom/b"],
      ],
    );
  });

  it("with aws.accounts: every account by ARN, or only the function's own account", () => {
    const config = parseConfig({
      aws: {
        accountId: "123456789012",
        accounts: [
          { id: "123456789012", label: "monitoring" },
          { id: "210987654321", label: "prod" },
        ],
      },
      lambda: { functions: [{ name: "twin-api" }, { name: "eu-only", accountId: "210987654321" }] },
    });
    assert.deepEqual(
      fns(config).map((u) => [u.fn.name, u.accountId, u.group]),
      [
        ["twin-api", undefined, "/aws/lambda/twin-api"],
        ["twin-api", "210987654321", "arn:aws:logs:us-east-1:210987654321:log-group:/aws/lambda/twin-api"],
        ["eu-only", "210987654321", "arn:aws:logs:us-east-1:210987654321:log-group:/aws/lambda/eu-only"],
      ],
    );
  });

  it('with "linked" not yet resolved: this account only', () => {
    const config = parseConfig({ aws: { accounts: "linked" } });
    assert.deepEqual(
      fns(config).map((u) => u.group),
      ["/aws/lambda/twin-api"],
    );
  });
});
