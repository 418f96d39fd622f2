import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import {
  CreateTopicCommand,
  DeleteTopicCommand,
  GetTopicAttributesCommand,
  InvalidParameterException,
  ListSubscriptionsByTopicCommand,
  ListSubscriptionsCommand,
  ListTagsForResourceCommand,
  ListTopicsCommand,
  NotFoundException,
  PublishCommand,
  SetTopicAttributesCommand,
  SNSClient,
  SubscribeCommand,
  TagResourceCommand,
  UnsubscribeCommand,
} from "@aws-sdk/client-sns";
import { type RunningSandbox, sandboxCredentials, startSandbox } from "../../server/sandbox/index.ts";

const fixture = JSON.parse(
  readFileSync(new URL("../fixtures/sns/get-topic-attributes.json", import.meta.url), "utf8"),
) as {
  output: { Attributes: Record<string, string> };
  subscribeEmail: { output: { SubscriptionArn: string } };
};

describe("sandbox SNS (awsQuery) through @aws-sdk/client-sns", () => {
  let sandbox: RunningSandbox;
  let sns: SNSClient;

  before(async () => {
    sandbox = await startSandbox({ port: 0, region: "us-west-2" });
    sns = new SNSClient({
      region: "us-west-2",
      endpoint: sandbox.url,
      credentials: sandboxCredentials(),
      maxAttempts: 1,
    });
  });
  after(async () => {
    sns.destroy();
    await sandbox.close();
  });

  it("creates a topic idempotently and answers the attribute set of AWS's example", async () => {
    // Act
    const first = await sns.send(new CreateTopicCommand({ Name: "my-topic" }));
    const again = await sns.send(new CreateTopicCommand({ Name: "my-topic" }));
    await sns.send(
      new SetTopicAttributesCommand({
        TopicArn: first.TopicArn,
        AttributeName: "DisplayName",
        AttributeValue: "my-topic",
      }),
    );
    const attrs = await sns.send(new GetTopicAttributesCommand({ TopicArn: first.TopicArn }));
    // Assess
    assert.equal(first.TopicArn, "arn:aws:sns:us-west-2:123456789012:my-topic");
    assert.equal(again.TopicArn, first.TopicArn);
    const expected = fixture.output.Attributes;
    assert.deepEqual(Object.keys(attrs.Attributes ?? {}).sort(), Object.keys(expected).sort());
    assert.equal(attrs.Attributes?.EffectiveDeliveryPolicy, expected.EffectiveDeliveryPolicy);
    assert.equal(attrs.Attributes?.DisplayName, "my-topic");
    assert.equal(attrs.Attributes?.SubscriptionsPending, "0");
    const policy = JSON.parse(attrs.Attributes?.Policy ?? "{}") as {
      Statement: { Action: string[]; Resource: string }[];
    };
    assert.deepEqual(policy.Statement[0]?.Action, JSON.parse(expected.Policy ?? "{}").Statement[0].Action);
    assert.equal(policy.Statement[0]?.Resource, first.TopicArn);
  });

  it("refuses the same name with different attributes and a bad name, as SNS does", async () => {
    await sns.send(new CreateTopicCommand({ Name: "alerts", Attributes: { DisplayName: "A" } }));
    await assert.rejects(
      sns.send(new CreateTopicCommand({ Name: "alerts", Attributes: { DisplayName: "B" } })),
      (e: unknown) => e instanceof InvalidParameterException && /different attributes/.test(e.message),
    );
    await assert.rejects(
      sns.send(new CreateTopicCommand({ Name: "bad name!" })),
      (e: unknown) => e instanceof InvalidParameterException && e.message === "Invalid parameter: Topic Name",
    );
  });

  it("keeps an e-mail subscription pending as AWS does and lists it as PendingConfirmation", async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "twin-budget-alerts" }));
    // Act
    const email = await sns.send(
      new SubscribeCommand({ TopicArn, Protocol: "email", Endpoint: "ops@example.com" }),
    );
    const sqs = await sns.send(
      new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: "arn:aws:sqs:us-west-2:123456789012:q" }),
    );
    const byTopic = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }));
    const attrs = await sns.send(new GetTopicAttributesCommand({ TopicArn }));
    // Assess
    assert.equal(email.SubscriptionArn, fixture.subscribeEmail.output.SubscriptionArn);
    assert.match(
      sqs.SubscriptionArn ?? "",
      /^arn:aws:sns:us-west-2:123456789012:twin-budget-alerts:[0-9a-f-]{36}$/,
    );
    assert.deepEqual(
      byTopic.Subscriptions?.map((s) => [
        s.Protocol,
        s.Endpoint,
        s.SubscriptionArn === "PendingConfirmation",
      ]),
      [
        ["email", "ops@example.com", true],
        ["sqs", "arn:aws:sqs:us-west-2:123456789012:q", false],
      ],
    );
    assert.equal(attrs.Attributes?.SubscriptionsPending, "1");
    assert.equal(attrs.Attributes?.SubscriptionsConfirmed, "1");
    await assert.rejects(
      sns.send(new SubscribeCommand({ TopicArn, Protocol: "email", Endpoint: "not-an-address" })),
      (e: unknown) =>
        e instanceof InvalidParameterException && e.message === "Invalid parameter: Email address",
    );
    // Unsubscribe the confirmed one; SubscriptionsDeleted counts it.
    await sns.send(new UnsubscribeCommand({ SubscriptionArn: sqs.SubscriptionArn }));
    const after = await sns.send(new GetTopicAttributesCommand({ TopicArn }));
    assert.equal(after.Attributes?.SubscriptionsDeleted, "1");
    const all = await sns.send(new ListSubscriptionsCommand({}));
    assert.equal(all.Subscriptions?.filter((s) => s.TopicArn === TopicArn).length, 1);
  });

  it("publishes to a topic, keeps the message for the admin route, and answers NotFound as a typed error", async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "pub" }));
    const out = await sns.send(
      new PublishCommand({ TopicArn, Subject: "ALARM: twin", Message: "Budget at 80 %" }),
    );
    assert.match(out.MessageId ?? "", /^[0-9a-f-]{36}$/);
    const listed = (await (await fetch(`${sandbox.url}/_sandbox/sns/messages`)).json()) as {
      messages: { messageId: string; subject: string; message: string }[];
    };
    assert.deepEqual(
      listed.messages.map((m) => [m.messageId, m.subject, m.message]),
      [[out.MessageId, "ALARM: twin", "Budget at 80 %"]],
    );
    await sns.send(new DeleteTopicCommand({ TopicArn }));
    await sns.send(new DeleteTopicCommand({ TopicArn })); // idempotent, as AWS documents
    await assert.rejects(
      sns.send(new PublishCommand({ TopicArn, Message: "x" })),
      (e: unknown) =>
        e instanceof NotFoundException &&
        e.message === "Topic does not exist" &&
        e.$metadata.httpStatusCode === 404,
    );
  });

  it("tags a topic and lists topics in the caller's region", async () => {
    const { TopicArn } = await sns.send(
      new CreateTopicCommand({ Name: "tagged", Tags: [{ Key: "team", Value: "ops" }] }),
    );
    await sns.send(new TagResourceCommand({ ResourceArn: TopicArn, Tags: [{ Key: "env", Value: "dev" }] }));
    const tags = await sns.send(new ListTagsForResourceCommand({ ResourceArn: TopicArn }));
    assert.deepEqual(tags.Tags, [
      { Key: "team", Value: "ops" },
      { Key: "env", Value: "dev" },
    ]);
    const topics = await sns.send(new ListTopicsCommand({}));
    assert.ok(topics.Topics?.some((t) => t.TopicArn === TopicArn));
    const east = new SNSClient({
      region: "us-east-1",
      endpoint: sandbox.url,
      credentials: sandboxCredentials(),
      maxAttempts: 1,
    });
    const none = await east.send(new ListTopicsCommand({}));
    east.destroy();
    assert.deepEqual(none.Topics ?? [], []);
  });

  it("answers raw awsQuery errors as an XML ErrorResponse with SNS's code and status", async () => {
    const res = await fetch(`${sandbox.url}/`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "Action=GetTopicAttributes&Version=2010-03-31&TopicArn=arn%3Aaws%3Asns%3Aus-west-2%3A123456789012%3Anope",
    });
    const text = await res.text();
    assert.equal(res.status, 404);
    assert.match(
      text,
      /^<ErrorResponse xmlns="http:\/\/sns\.amazonaws\.com\/doc\/2010-03-31\/"><Error><Type>Sender<\/Type><Code>NotFound<\/Code><Message>Topic does not exist<\/Message><\/Error><RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>$/,
    );
  });
});
