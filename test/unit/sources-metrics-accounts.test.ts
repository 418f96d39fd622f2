/**
 * Accounts and regions (config aws.accounts[].regions): which series are planned in which region,
 * the regions the API's region= accepts, and the narrowing of the per-account rows.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ConfigError, parseConfig } from "../../server/config.ts";
import { accountRegions, narrowAccounts, planAccountSeries } from "../../server/sources/metrics-accounts.ts";

const config = parseConfig({
  mode: "aws",
  aws: {
    accountId: "123456789012",
    accounts: [
      { id: "123456789012", label: "monitoring", regions: ["us-east-1", "eu-west-1"] },
      { id: "210987654321", label: "prod" },
      { id: "345678901234", label: "staging", regions: ["us-east-1", "us-west-2"] },
    ],
  },
});

describe("accounts in several regions", () => {
  test("plans each account's series in its regions; the home account's own region stays its plain series", () => {
    const planned = planAccountSeries(config, ["twin-api"], ["amazon.nova-micro-v1:0"]);
    const where = [...new Set(planned.map((p) => `${p.accountId}@${p.region}`))];
    assert.deepEqual(where, [
      "123456789012@eu-west-1",
      "210987654321@us-east-1",
      "345678901234@us-east-1",
      "345678901234@us-west-2",
    ]);
    // 2 Lambda + 6 Bedrock series per account-region row.
    assert.equal(planned.length, 4 * 8);
    assert.ok(planned.every((p) => p.row === p.region));
  });

  test("region= accepts exactly the regions the rows cover", () => {
    assert.deepEqual(accountRegions(config).sort(), ["eu-west-1", "us-east-1", "us-west-2"]);
  });

  test("narrowing keeps the chosen account and region; rows without a region (costs) survive region=", () => {
    const rows = [
      { accountId: "1", region: "us-east-1" },
      { accountId: "1", region: "us-west-2" },
      { accountId: "2", region: "us-east-1" },
      { accountId: "2" },
    ];
    assert.deepEqual(narrowAccounts(rows, "1", undefined), rows.slice(0, 2));
    assert.deepEqual(narrowAccounts(rows, undefined, "us-west-2"), [rows[1], rows[3]]);
    assert.deepEqual(narrowAccounts(rows, "2", "us-east-1"), [rows[2], rows[3]]);
  });

  test("a region listed twice or not a region code is refused, naming the field", () => {
    const bad = (regions: string[]) => () =>
      parseConfig({ mode: "aws", aws: { accounts: [{ id: "210987654321", label: "prod", regions }] } });
    assert.throws(bad(["us-east-1", "us-east-1"]), (e: Error) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /aws\.accounts\[0\]\.regions/);
      assert.match(e.message, /twice/);
      return true;
    });
    assert.throws(bad(["Virginia"]), /aws\.accounts\[0\]\.regions\[0\].*region code/);
  });
});
