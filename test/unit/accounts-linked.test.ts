/**
 * `aws.accounts: "linked"`: the config accepts it (and names the fix for anything else), and the
 * discovery reads AWS's own ListSinks / ListAttachedLinks payloads (test/fixtures/oam/, the AWS
 * CLI reference examples): the account comes from the link's ARN (the label is free text, here
 * even "Monitoring account"), pages are followed, and the monitoring account is not listed twice.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import type { OAMClient } from "@aws-sdk/client-oam";
import { ConfigError, parseConfig } from "../../server/config.ts";
import { accountOfOamArn, discoverLinkedAccounts } from "../../server/sources/accounts-linked.ts";
import { MONITORING_LABEL, withDiscovered } from "../../server/sources/accounts-resolve.ts";
import { SourceError } from "../../server/sources/errors.ts";

interface Fixture {
  request: Record<string, unknown>;
  response: { Items: Array<Record<string, unknown>>; NextToken?: string };
}
const fixture = (name: string): Fixture =>
  JSON.parse(readFileSync(new URL(`../fixtures/oam/${name}.json`, import.meta.url), "utf8")) as Fixture;

/** A client whose send() answers each command from a queue of pages per operation, recording inputs. */
function fakeClient(pages: Record<string, Array<Fixture["response"]>>) {
  const calls: Array<{ op: string; input: Record<string, unknown> }> = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const op = command.constructor.name.replace(/Command$/, "");
      calls.push({ op, input: command.input });
      const next = pages[op]?.shift();
      if (!next) throw new Error(`no page left for ${op}`);
      return next;
    },
  } as unknown as OAMClient;
  return { client, calls };
}

describe("aws.accounts in config", () => {
  it('accepts "linked", a list, or nothing', () => {
    assert.equal(parseConfig({ aws: { accounts: "linked" } }).aws.accounts, "linked");
    assert.deepEqual(parseConfig({ aws: { accounts: [{ id: "123456789012", label: "a" }] } }).aws.accounts, [
      { id: "123456789012", label: "a" },
    ]);
    assert.equal(parseConfig({}).aws.accounts, undefined);
  });

  it("names the field and both accepted forms for anything else", () => {
    assert.throws(
      () => parseConfig({ aws: { accounts: "all" } }),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.problems.some((p) => p.includes("aws.accounts") && p.includes('"linked"') && p.includes('"id"')),
    );
    assert.throws(
      () => parseConfig({ aws: { accounts: [{ id: "12345", label: "x" }] } }),
      (err: unknown) => err instanceof ConfigError && err.problems.some((p) => p.includes("12-digit")),
    );
  });

  it("takes a function's source account", () => {
    const config = parseConfig({
      lambda: { functions: [{ name: "twin-api", accountId: "210987654321" }] },
    });
    assert.equal(config.lambda.functions[0]!.accountId, "210987654321");
    assert.throws(() => parseConfig({ lambda: { functions: [{ name: "twin-api", accountId: "x" }] } }));
  });
});

describe("OAM ARNs", () => {
  it("reads the account of a sink or a link, and nothing else", () => {
    const sink = fixture("list-sinks").response.Items[0]!.Arn as string;
    const link = fixture("list-attached-links").response.Items[0]!.LinkArn as string;
    assert.equal(accountOfOamArn(sink, "sink"), "123456789012");
    assert.equal(accountOfOamArn(link, "link"), "123456789111");
    assert.equal(accountOfOamArn(link, "sink"), undefined);
    assert.equal(accountOfOamArn("arn:aws:logs:us-east-1:123456789012:log-group:x", "link"), undefined);
    assert.equal(accountOfOamArn(undefined, "link"), undefined);
  });
});

describe("linked account discovery", () => {
  it("reads AWS's payloads: the source account from the link ARN, the label as resolved", async () => {
    const { client, calls } = fakeClient({
      ListSinks: [fixture("list-sinks").response],
      ListAttachedLinks: [fixture("list-attached-links").response],
    });
    const found = await discoverLinkedAccounts(client);
    assert.equal(found.monitoringAccountId, "123456789012");
    assert.equal(found.sinks, 1);
    assert.deepEqual(found.accounts, [
      {
        id: "123456789111",
        label: "Monitoring account",
        resourceTypes: [
          "AWS::ApplicationInsights::Application",
          "AWS::Logs::LogGroup",
          "AWS::CloudWatch::Metric",
          "AWS::XRay::Trace",
        ],
      },
    ]);
    assert.deepEqual(
      calls.map((c) => c.op),
      ["ListSinks", "ListAttachedLinks"],
    );
    assert.equal(calls[1]!.input.SinkIdentifier, fixture("list-attached-links").request.SinkIdentifier);
  });

  it("follows NextToken on both lists and keeps each account once", async () => {
    const sinks = fixture("list-sinks").response;
    const link = fixture("list-attached-links").response.Items[0]!;
    const other = {
      Label: "",
      LinkArn: "arn:aws:oam:us-east-2:444455556666:link/0000aaaa-5678-90ab-cdef-example22222",
      ResourceTypes: ["AWS::CloudWatch::Metric"],
    };
    const { client, calls } = fakeClient({
      ListSinks: [{ Items: [], NextToken: "s2" }, sinks],
      ListAttachedLinks: [{ Items: [link], NextToken: "l2" }, { Items: [other, link] }],
    });
    const found = await discoverLinkedAccounts(client);
    assert.deepEqual(
      found.accounts.map((a) => [a.id, a.label]),
      [
        ["444455556666", "444455556666"],
        ["123456789111", "Monitoring account"],
      ],
    );
    assert.deepEqual(
      calls.map((c) => [c.op, c.input.NextToken ?? null]),
      [
        ["ListSinks", null],
        ["ListSinks", "s2"],
        ["ListAttachedLinks", null],
        ["ListAttachedLinks", "l2"],
      ],
    );
  });

  it("says what to do when this account has no sink", async () => {
    const { client } = fakeClient({ ListSinks: [{ Items: [] }] });
    await assert.rejects(
      discoverLinkedAccounts(client),
      (err: unknown) =>
        err instanceof SourceError &&
        err.code === "NotAMonitoringAccount" &&
        /monitoring account/.test(err.message),
    );
  });

  it("puts the monitoring account first in the resolved config", async () => {
    const { client } = fakeClient({
      ListSinks: [fixture("list-sinks").response],
      ListAttachedLinks: [fixture("list-attached-links").response],
    });
    const config = withDiscovered(
      parseConfig({ aws: { accounts: "linked" } }),
      await discoverLinkedAccounts(client),
    );
    assert.equal(config.aws.accountId, "123456789012");
    assert.deepEqual(config.aws.accounts, [
      { id: "123456789012", label: MONITORING_LABEL },
      { id: "123456789111", label: "Monitoring account" },
    ]);
  });
});
