/**
 * Cost Explorer by LINKED_ACCOUNT: the monthly query grouped by SERVICE and LINKED_ACCOUNT, read
 * from AWS-shaped answers (test/fixtures/costexplorer/linked-account.ts), and what the answer says
 * about the account it ran in (management: every member; member or standalone: itself only).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type {
  CostExplorerClient,
  GetCostAndUsageCommandInput,
  GetCostAndUsageCommandOutput,
} from "@aws-sdk/client-cost-explorer";
import { CostsSource } from "../../server/sources/costs.ts";
import { accountCosts } from "../../server/sources/costs-accounts.ts";
import { MANAGEMENT_MONTHLY, MEMBER_MONTHLY } from "../fixtures/costexplorer/linked-account.ts";

function fakeCe(answer: Omit<GetCostAndUsageCommandOutput, "$metadata">) {
  const inputs: GetCostAndUsageCommandInput[] = [];
  const client = {
    send: async (command: { input: GetCostAndUsageCommandInput }) => {
      inputs.push(command.input);
      return answer;
    },
  } as unknown as CostExplorerClient;
  return { client, inputs };
}

const BEDROCK = ["Amazon Bedrock", "Claude Haiku 4.5 (Amazon Bedrock Edition)"];
const CONFIGURED = [
  { id: "111122223333", label: "payer" },
  { id: "444455556666", label: "prod" },
];

describe("Cost Explorer by LINKED_ACCOUNT", () => {
  test("groups the one monthly query by SERVICE and LINKED_ACCOUNT, only when asked", async () => {
    const { client, inputs } = fakeCe(MANAGEMENT_MONTHLY);
    const source = new CostsSource(client);
    await source.monthly("2026-11-12", "2026-11-18");
    const plain = await source.monthly("2026-11-12", "2026-11-18");
    assert.deepEqual(inputs[0]!.GroupBy, [{ Type: "DIMENSION", Key: "SERVICE" }]);
    assert.equal(plain.accounts, undefined);
    const grouped = await source.monthly("2026-11-12", "2026-11-18", true);
    assert.deepEqual(inputs[2]!.GroupBy, [
      { Type: "DIMENSION", Key: "SERVICE" },
      { Type: "DIMENSION", Key: "LINKED_ACCOUNT" },
    ]);
    assert.equal(inputs.length, 3, "one request per call: the account split costs no extra request");
    assert.deepEqual(grouped.accounts, {
      "111122223333": {
        name: "Management",
        monthToDate: { "AWS Lambda": 0.4215, "Amazon Bedrock": 3.1782 },
      },
      "444455556666": {
        name: "twin-prod",
        monthToDate: {
          "Amazon Bedrock": 1.5893,
          "Claude Haiku 4.5 (Amazon Bedrock Edition)": 0.25,
          "Amazon Simple Storage Service": 0.0012,
        },
      },
    });
    // The organization's month to date per service is the sum over its accounts.
    assert.equal(grouped.monthToDate["Amazon Bedrock"], 4.7675);
    assert.deepEqual(grouped.bedrockServices, BEDROCK);
  });

  test("a management account's answer gives each account's Bedrock and total month to date", async () => {
    const { client } = fakeCe(MANAGEMENT_MONTHLY);
    const monthly = await new CostsSource(client).monthly("2026-11-12", "2026-11-18", true);
    const view = accountCosts(monthly, CONFIGURED, BEDROCK);
    assert.equal(view?.view, "organization");
    assert.equal(view?.note, null);
    assert.deepEqual(
      view?.accounts.map((a) => [a.label, a.name, a.bedrockMonthToDate, a.totalMonthToDate]),
      [
        ["payer", "Management", 3.1782, 3.5997],
        ["prod", "twin-prod", 1.8393, 1.8405],
      ],
    );
  });

  test("an account Cost Explorer bills but config does not list still shows, under its Cost Explorer name", async () => {
    const { client } = fakeCe(MANAGEMENT_MONTHLY);
    const monthly = await new CostsSource(client).monthly("2026-11-12", "2026-11-18", true);
    const view = accountCosts(monthly, [CONFIGURED[0]!], BEDROCK)!;
    assert.deepEqual(
      view.accounts.map((a) => [a.accountId, a.label, a.configured, a.bedrockMonthToDate]),
      [
        ["111122223333", "payer", true, 3.1782],
        ["444455556666", "twin-prod", false, 1.8393],
      ],
    );
  });

  test("a member account's answer (itself only) leaves the others unknown, not $0, and says why", async () => {
    const { client } = fakeCe(MEMBER_MONTHLY);
    const monthly = await new CostsSource(client).monthly("2026-11-12", "2026-11-18", true);
    const view = accountCosts(monthly, CONFIGURED, BEDROCK)!;
    assert.equal(view.view, "own-account");
    assert.deepEqual(
      view.accounts.map((a) => [a.accountId, a.bedrockMonthToDate, a.totalMonthToDate]),
      [
        ["111122223333", null, null],
        ["444455556666", 1.5893, 1.5893],
      ],
    );
    assert.match(view.note ?? "", /answered for account 444455556666 only/);
    assert.match(view.note ?? "", /management account/);
    assert.match(view.note ?? "", /payer \(111122223333\)/);
  });

  test("nothing without configured accounts or without the grouped answer", () => {
    assert.equal(accountCosts({ accounts: {} }, [], BEDROCK), null);
    assert.equal(accountCosts({}, CONFIGURED, BEDROCK), null);
  });
});
