/**
 * SNS subscriptions: Subscribe (email, email-json, http and https stay pending until the endpoint
 * confirms, and Subscribe answers `"SubscriptionArn": "pending confirmation"` unless
 * ReturnSubscriptionArn is true — AWS CLI reference awscli/examples/sns/subscribe.rst; listings
 * show pending ones as `PendingConfirmation`), Unsubscribe, ListSubscriptionsByTopic, ListSubscriptions.
 */
import { randomUUID } from "node:crypto";
import { invalidParameter, notFound } from "./errors.ts";
import { type Input, optionalString, requiredString, stringMap } from "./input.ts";
import { page } from "./pages.ts";
import type { SnsStore, Subscription } from "./store.ts";

const PROTOCOLS = new Set([
  "http",
  "https",
  "email",
  "email-json",
  "sms",
  "sqs",
  "application",
  "lambda",
  "firehose",
]);
const NEEDS_CONFIRMATION = new Set(["http", "https", "email", "email-json"]);
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

function checkEndpoint(protocol: string, endpoint: string): void {
  const ok =
    protocol === "email" || protocol === "email-json"
      ? EMAIL.test(endpoint)
      : protocol === "http"
        ? endpoint.startsWith("http://")
        : protocol === "https"
          ? endpoint.startsWith("https://")
          : protocol === "sqs"
            ? endpoint.startsWith("arn:aws:sqs:")
            : protocol === "lambda"
              ? endpoint.startsWith("arn:aws:lambda:")
              : protocol === "firehose"
                ? endpoint.startsWith("arn:aws:firehose:")
                : protocol === "sms"
                  ? /^\+?[0-9]{6,15}$/.test(endpoint)
                  : endpoint.startsWith("arn:aws:sns:");
  if (!ok) {
    const names: Record<string, string> = {
      email: "Email address",
      "email-json": "Email address",
      http: "HTTP endpoint",
      https: "HTTPS endpoint",
      sqs: "SQS endpoint ARN",
      lambda: "Lambda endpoint ARN",
      firehose: "Firehose endpoint ARN",
      sms: "SMS endpoint",
      application: "Application endpoint ARN",
    };
    throw invalidParameter(names[protocol] ?? "Endpoint");
  }
}

function listed(s: Subscription) {
  return {
    SubscriptionArn: s.pending ? "PendingConfirmation" : s.arn,
    Owner: s.owner,
    Protocol: s.protocol,
    Endpoint: s.endpoint,
    TopicArn: s.topicArn,
  };
}

export class Subscriptions {
  constructor(
    private readonly store: SnsStore,
    private readonly account: string,
  ) {}

  subscribe(input: Input) {
    const topicArn = requiredString(input, "TopicArn");
    const topic = this.store.topics.get(topicArn);
    if (!topic) throw notFound("Topic does not exist");
    const protocol = requiredString(input, "Protocol");
    if (!PROTOCOLS.has(protocol))
      throw invalidParameter(`Amazon SNS does not support this protocol string: ${protocol}`);
    const endpoint = optionalString(input, "Endpoint") ?? "";
    checkEndpoint(protocol, endpoint);
    const attributes = stringMap(input, "Attributes");
    const returnArn = input.ReturnSubscriptionArn === true;
    let sub = topic.subscriptions.find((s) => s.protocol === protocol && s.endpoint === endpoint);
    if (!sub) {
      sub = {
        arn: `${topicArn}:${randomUUID()}`,
        topicArn,
        protocol,
        endpoint,
        owner: this.account,
        pending: NEEDS_CONFIRMATION.has(protocol),
        attributes,
      };
      topic.subscriptions.push(sub);
    }
    return { SubscriptionArn: sub.pending && !returnArn ? "pending confirmation" : sub.arn };
  }

  unsubscribe(input: Input) {
    const arn = requiredString(input, "SubscriptionArn");
    for (const topic of this.store.topics.values()) {
      const i = topic.subscriptions.findIndex((s) => s.arn === arn);
      if (i < 0) continue;
      topic.subscriptions.splice(i, 1);
      topic.attributes.SubscriptionsDeleted = String(
        Number(topic.attributes.SubscriptionsDeleted ?? "0") + 1,
      );
      return {};
    }
    throw notFound("Subscription does not exist");
  }

  listByTopic(input: Input) {
    const topicArn = requiredString(input, "TopicArn");
    const topic = this.store.topics.get(topicArn);
    if (!topic) throw notFound("Topic does not exist");
    const { items, nextToken } = page(topic.subscriptions, input.NextToken);
    return { Subscriptions: items.map(listed), ...(nextToken ? { NextToken: nextToken } : {}) };
  }

  list(input: Input) {
    const all = [...this.store.topics.values()].flatMap((t) => t.subscriptions);
    const { items, nextToken } = page(all, input.NextToken);
    return { Subscriptions: items.map(listed), ...(nextToken ? { NextToken: nextToken } : {}) };
  }
}
