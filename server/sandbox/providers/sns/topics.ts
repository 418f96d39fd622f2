/**
 * SNS topics: CreateTopic (idempotent by name; a different attribute set is refused), DeleteTopic
 * (idempotent), ListTopics, Get/SetTopicAttributes, TagResource, ListTagsForResource.
 * Attribute set and default policy as GetTopicAttributes returns them (AWS CLI reference example
 * awscli/examples/sns/get-topic-attributes.rst; fixture test/fixtures/sns/get-topic-attributes.json).
 */
import type { SandboxRequest } from "../../core/types.ts";
import { invalidParameter, notFound, resourceNotFound, tagLimit } from "./errors.ts";
import { type Input, optionalString, requiredString, stringMap, tagList } from "./input.ts";
import { page } from "./pages.ts";
import type { SnsStore, Topic } from "./store.ts";

const NAME = /^[A-Za-z0-9_-]{1,256}$/;
const FIFO_NAME = /^[A-Za-z0-9_-]{1,251}\.fifo$/;
const MAX_TAGS = 50;

const SETTABLE = new Set([
  "DeliveryPolicy",
  "DisplayName",
  "Policy",
  "TracingConfig",
  "KmsMasterKeyId",
  "SignatureVersion",
  "ArchivePolicy",
  "ContentBasedDeduplication",
  "FifoThroughputScope",
  "DataProtectionPolicy",
]);
const FEEDBACK = /^(Application|HTTP|Firehose|Lambda|SQS)(Success|Failure)Feedback(RoleArn|SampleRate)$/;

export const DEFAULT_DELIVERY_POLICY = JSON.stringify({
  http: {
    defaultHealthyRetryPolicy: {
      minDelayTarget: 20,
      maxDelayTarget: 20,
      numRetries: 3,
      numMaxDelayRetries: 0,
      numNoDelayRetries: 0,
      numMinDelayRetries: 0,
      backoffFunction: "linear",
    },
    disableSubscriptionOverrides: false,
  },
});

function defaultPolicy(arn: string, account: string): string {
  return JSON.stringify({
    Version: "2008-10-17",
    Id: "__default_policy_ID",
    Statement: [
      {
        Sid: "__default_statement_ID",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: [
          "SNS:Subscribe",
          "SNS:ListSubscriptionsByTopic",
          "SNS:DeleteTopic",
          "SNS:GetTopicAttributes",
          "SNS:Publish",
          "SNS:RemovePermission",
          "SNS:AddPermission",
          "SNS:Receive",
          "SNS:SetTopicAttributes",
        ],
        Resource: arn,
        Condition: { StringEquals: { "AWS:SourceOwner": account } },
      },
    ],
  });
}

function checkAttribute(name: string, creating: boolean): void {
  if (SETTABLE.has(name) || FEEDBACK.test(name) || (creating && name === "FifoTopic")) return;
  throw invalidParameter(`AttributeName Reason: ${name} is not a settable topic attribute`);
}

export class Topics {
  constructor(
    private readonly store: SnsStore,
    private readonly account: string,
  ) {}

  find(arn: unknown): Topic | undefined {
    return typeof arn === "string" ? this.store.topics.get(arn) : undefined;
  }

  create(input: Input, req: SandboxRequest) {
    const name = requiredString(input, "Name");
    const attributes = stringMap(input, "Attributes");
    const tags = tagList(input);
    for (const key of Object.keys(attributes)) checkAttribute(key, true);
    const fifo = attributes.FifoTopic === "true";
    if (fifo ? !FIFO_NAME.test(name) : !NAME.test(name)) {
      throw invalidParameter(
        fifo || name.endsWith(".fifo")
          ? "Fifo Topic names must end with .fifo and must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long."
          : "Topic Name",
      );
    }
    if (tags.length > MAX_TAGS) throw tagLimit();
    const arn = `arn:aws:sns:${req.region}:${this.account}:${name}`;
    const existing = this.store.topics.get(arn);
    if (existing) {
      for (const [k, v] of Object.entries(attributes)) {
        if (existing.attributes[k] !== v)
          throw invalidParameter("Attributes Reason: Topic already exists with different attributes");
      }
      for (const tag of tags) {
        if (existing.tags.get(tag.Key) !== tag.Value)
          throw invalidParameter("Tags Reason: Topic already exists with different tags");
      }
      return { TopicArn: arn };
    }
    const topic: Topic = {
      arn,
      name,
      attributes: {
        Policy: defaultPolicy(arn, this.account),
        Owner: this.account,
        TopicArn: arn,
        EffectiveDeliveryPolicy: DEFAULT_DELIVERY_POLICY,
        DisplayName: "",
        ...(fifo ? { FifoTopic: "true", ContentBasedDeduplication: "false" } : {}),
        ...attributes,
      },
      tags: new Map(tags.map((t) => [t.Key, t.Value])),
      subscriptions: [],
    };
    this.store.topics.set(arn, topic);
    return { TopicArn: arn };
  }

  delete(input: Input) {
    // DeleteTopic is idempotent: deleting a topic that does not exist is not an error.
    this.store.topics.delete(requiredString(input, "TopicArn"));
    return {};
  }

  list(input: Input, req: SandboxRequest) {
    const prefix = `arn:aws:sns:${req.region}:${this.account}:`;
    const arns = [...this.store.topics.keys()].filter((arn) => arn.startsWith(prefix));
    const { items, nextToken } = page(arns, input.NextToken);
    return {
      Topics: items.map((TopicArn) => ({ TopicArn })),
      ...(nextToken ? { NextToken: nextToken } : {}),
    };
  }

  getAttributes(input: Input) {
    const topic = this.require(input);
    const confirmed = topic.subscriptions.filter((s) => !s.pending).length;
    const pending = topic.subscriptions.length - confirmed;
    return {
      Attributes: {
        ...topic.attributes,
        SubscriptionsConfirmed: String(confirmed),
        SubscriptionsPending: String(pending),
        SubscriptionsDeleted: topic.attributes.SubscriptionsDeleted ?? "0",
      },
    };
  }

  setAttributes(input: Input) {
    const topic = this.require(input);
    const name = requiredString(input, "AttributeName");
    checkAttribute(name, false);
    const value = optionalString(input, "AttributeValue") ?? "";
    if (name === "DeliveryPolicy")
      topic.attributes.EffectiveDeliveryPolicy = value || DEFAULT_DELIVERY_POLICY;
    topic.attributes[name] = value;
    return {};
  }

  tag(input: Input) {
    const topic = this.find(requiredString(input, "ResourceArn"));
    if (!topic) throw resourceNotFound();
    const tags = tagList(input);
    const merged = new Map(topic.tags);
    for (const t of tags) merged.set(t.Key, t.Value);
    if (merged.size > MAX_TAGS) throw tagLimit();
    topic.tags = merged;
    return {};
  }

  listTags(input: Input) {
    const topic = this.find(requiredString(input, "ResourceArn"));
    if (!topic) throw resourceNotFound();
    return { Tags: [...topic.tags].map(([Key, Value]) => ({ Key, Value })) };
  }

  private require(input: Input): Topic {
    const arn = requiredString(input, "TopicArn");
    const topic = this.find(arn);
    if (!topic) throw notFound("Topic does not exist");
    return topic;
  }
}
