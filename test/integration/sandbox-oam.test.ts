/**
 * The sandbox's Observability Access Manager through the real @aws-sdk/client-oam (built by the
 * product's client factory): a monitoring account with one sink per Region and the two linked
 * source accounts attached to it, paginated, with AWS's errors; and `aws.accounts: "linked"`
 * resolved from it once per six hours (the second page view makes no OAM call).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  GetSinkCommand,
  ListAttachedLinksCommand,
  ListLinksCommand,
  ListSinksCommand,
  ResourceNotFoundException,
} from "@aws-sdk/client-oam";
import { type AwsClients, createAwsClients } from "../../server/aws/clients.ts";
import { SwrCache } from "../../server/cache/swr-cache.ts";
import { parseConfig } from "../../server/config.ts";
import {
  type RunningSandbox,
  SANDBOX_ACCOUNT_ID,
  SANDBOX_LINKED_ACCOUNTS,
  sandboxCredentials,
  startSandbox,
} from "../../server/sandbox/index.ts";
import { AccountsResolver, LINKED_ACCOUNTS_TTL_MS } from "../../server/sources/accounts-resolve.ts";
import { awsClis, reportMissing, run } from "../parity/clients.ts";

const NOW = Date.parse("2026-11-18T15:30:00.000Z");

describe("sandbox OAM (monitoring account)", () => {
  let sandbox: RunningSandbox;
  let clients: AwsClients;
  before(async () => {
    sandbox = await startSandbox({ port: 0, now: () => NOW });
    clients = createAwsClients({
      region: "us-east-1",
      endpoint: sandbox.url,
      credentials: sandboxCredentials(),
      maxAttempts: 1,
      retryMode: "standard",
    });
  });
  after(async () => {
    clients.destroy();
    await sandbox.close();
  });

  it("lists this account's sink and the two source accounts' links, page by page", async () => {
    const oam = clients.oam();
    const sinks = await oam.send(new ListSinksCommand({}));
    assert.equal(sinks.Items?.length, 1);
    const sink = sinks.Items![0]!;
    assert.match(sink.Arn!, new RegExp(`^arn:aws:oam:us-east-1:${SANDBOX_ACCOUNT_ID}:sink/${sink.Id}$`));
    const got = await oam.send(new GetSinkCommand({ Identifier: sink.Arn }));
    assert.deepEqual([got.Arn, got.Name, got.Tags], [sink.Arn, sink.Name, {}]);

    const first = await oam.send(new ListAttachedLinksCommand({ SinkIdentifier: sink.Arn, MaxResults: 1 }));
    assert.equal(first.Items?.length, 1);
    assert.ok(first.NextToken);
    const second = await oam.send(
      new ListAttachedLinksCommand({ SinkIdentifier: sink.Arn, MaxResults: 1, NextToken: first.NextToken }),
    );
    assert.equal(second.NextToken, undefined);
    const links = [...first.Items!, ...second.Items!];
    assert.deepEqual(
      links.map((l) => [l.Label, l.LinkArn!.split(":")[4]]),
      SANDBOX_LINKED_ACCOUNTS.map((a) => [a.label, a.id]),
    );
    for (const l of links) assert.ok(l.ResourceTypes!.includes("AWS::Logs::LogGroup"));
    // Another Region has its own sink.
    const west = await clients.oam({ region: "eu-west-1" }).send(new ListSinksCommand({}));
    assert.match(west.Items![0]!.Arn!, /^arn:aws:oam:eu-west-1:/);
    assert.notEqual(west.Items![0]!.Id, sink.Id);
    // The monitoring account is nobody's source account.
    assert.deepEqual((await oam.send(new ListLinksCommand({}))).Items, []);
  });

  it("answers AWS's errors: unknown sink, missing sink, MaxResults out of range", async () => {
    const oam = clients.oam();
    const unknown = `arn:aws:oam:us-east-1:${SANDBOX_ACCOUNT_ID}:sink/00000000-0000-0000-0000-000000000000`;
    await assert.rejects(
      oam.send(new ListAttachedLinksCommand({ SinkIdentifier: unknown })),
      (err: unknown) => {
        assert.ok(err instanceof ResourceNotFoundException);
        assert.equal(err.$metadata.httpStatusCode, 404);
        assert.match(err.message, /not found/);
        return true;
      },
    );
    await assert.rejects(
      oam.send(new ListAttachedLinksCommand({ SinkIdentifier: "" })),
      (err: unknown) => (err as Error).name === "MissingRequiredParameterException",
    );
    await assert.rejects(
      oam.send(new ListSinksCommand({ MaxResults: 101 })),
      (err: unknown) =>
        (err as Error).name === "InvalidParameterException" && /1 to 100/.test((err as Error).message),
    );
  });

  it('resolves aws.accounts "linked" once per six hours: the monitoring account and both source accounts', async () => {
    let clock = NOW;
    const cache = new SwrCache({ now: () => clock, describeError: () => ({ code: "E", message: "failed" }) });
    const config = parseConfig({ mode: "aws", aws: { accounts: "linked" } });
    const resolver = new AccountsResolver(config, clients, cache);
    const before = sandbox.ledger.list({ service: "oam" }).length;
    const resolved = await resolver.resolve();
    assert.equal(resolved.error, null);
    assert.equal(resolved.config.aws.accountId, SANDBOX_ACCOUNT_ID);
    assert.deepEqual(resolved.config.aws.accounts, [
      { id: SANDBOX_ACCOUNT_ID, label: "monitoring account" },
      ...SANDBOX_LINKED_ACCOUNTS.map((a) => ({ id: a.id, label: a.label })),
    ]);
    const calls = () =>
      sandbox.ledger
        .list({ service: "oam" })
        .slice(before)
        .map((e) => e.operation);
    assert.deepEqual(calls(), ["ListSinks", "ListAttachedLinks"]);
    clock += LINKED_ACCOUNTS_TTL_MS - 1;
    await resolver.resolve();
    assert.equal(calls().length, 2);
    clock += 2;
    await resolver.resolve();
    // Stale: served at once and refreshed behind (stale-while-revalidate).
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(calls(), ["ListSinks", "ListAttachedLinks", "ListSinks", "ListAttachedLinks"]);
  });

  it("without aws.accounts nothing is discovered", async () => {
    const cache = new SwrCache({ now: () => NOW, describeError: () => ({ code: "E", message: "failed" }) });
    const config = parseConfig({ mode: "aws" });
    const before = sandbox.ledger.lastSeq;
    const resolved = await new AccountsResolver(config, clients, cache).resolve();
    assert.equal(resolved.config, config);
    assert.equal(sandbox.ledger.list({ service: "oam", sinceSeq: before }).length, 0);
  });

  it("answers the AWS CLI reference examples as AWS does (every AWS CLI installed)", async (t) => {
    const { found, missing } = await awsClis();
    reportMissing("the AWS CLI", missing);
    if (found.length === 0) {
      t.diagnostic("no AWS CLI installed: parity not checked");
      return;
    }
    for (const cli of found) {
      const aws = (...args: string[]) =>
        run(cli.path, [...args, "--endpoint-url", sandbox.url, "--output", "json", "--region", "us-east-1"]);
      const sinks = await aws("oam", "list-sinks");
      if (sinks.code !== 0 && /Invalid choice|oam/.test(sinks.stderr) && /choice/.test(sinks.stderr)) {
        t.diagnostic(`${cli.label} (${cli.version}) has no oam commands`);
        continue;
      }
      assert.equal(sinks.code, 0, `${cli.label}: ${sinks.stderr}`);
      const sink = (JSON.parse(sinks.stdout) as { Items: Array<{ Arn: string; Name: string }> }).Items[0]!;
      assert.equal(sink.Name, "bedrock-ops-monitoring");
      const links = await aws("oam", "list-attached-links", "--sink-identifier", sink.Arn);
      assert.equal(links.code, 0, `${cli.label}: ${links.stderr}`);
      const items = (JSON.parse(links.stdout) as { Items: Array<{ Label: string; LinkArn: string }> }).Items;
      assert.deepEqual(
        items.map((l) => l.Label),
        SANDBOX_LINKED_ACCOUNTS.map((a) => a.label),
        cli.label,
      );
      // Paginated by the CLI itself (--page-size 1: two calls), the same two links.
      const paged = await aws(
        "oam",
        "list-attached-links",
        "--sink-identifier",
        sink.Arn,
        "--page-size",
        "1",
      );
      assert.equal((JSON.parse(paged.stdout) as { Items: unknown[] }).Items.length, 2, cli.label);
      const missingSink = await aws("oam", "list-attached-links", "--sink-identifier", `${sink.Arn}0`);
      assert.notEqual(missingSink.code, 0);
      assert.match(missingSink.stderr, /ResourceNotFoundException/, cli.label);
    }
  });
});
