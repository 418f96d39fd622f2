/**
 * The sandbox's Amazon SNS over awsQuery (POST / with `Action=…&Version=2010-03-31`, XML answers
 * in the http://sns.amazonaws.com/doc/2010-03-31/ namespace, XML ErrorResponse errors), the
 * protocol @aws-sdk/client-sns, the AWS CLI and boto3 speak. Topics, subscriptions, publish and
 * tags live in memory until reset(); GET /_sandbox/sns/messages lists what was published.
 */
import * as sdk from "@aws-sdk/client-sns";
import { ServiceModel } from "../../core/service-model.ts";
import type { QueryProvider, SandboxContext } from "../../core/types.ts";
import { publish } from "./publish.ts";
import { SnsStore } from "./store.ts";
import { Subscriptions } from "./subscriptions.ts";
import { Topics } from "./topics.ts";

const VERSION = "2010-03-31";
const model = new ServiceModel(sdk, "com.amazonaws.sns");

export function createSnsProvider(ctx: SandboxContext): QueryProvider {
  const store = new SnsStore();
  const topics = new Topics(store, ctx.accountId);
  const subscriptions = new Subscriptions(store, ctx.accountId);
  return {
    kind: "query",
    service: "sns",
    query: { version: VERSION, xmlNamespace: `http://sns.amazonaws.com/doc/${VERSION}/`, model },
    operations: {
      CreateTopic: (input, req) => topics.create(input, req),
      DeleteTopic: (input) => topics.delete(input),
      ListTopics: (input, req) => topics.list(input, req),
      GetTopicAttributes: (input) => topics.getAttributes(input),
      SetTopicAttributes: (input) => topics.setAttributes(input),
      Subscribe: (input) => subscriptions.subscribe(input),
      Unsubscribe: (input) => subscriptions.unsubscribe(input),
      ListSubscriptionsByTopic: (input) => subscriptions.listByTopic(input),
      ListSubscriptions: (input) => subscriptions.list(input),
      Publish: (input) => publish(store, input, ctx.now()),
      TagResource: (input) => topics.tag(input),
      ListTagsForResource: (input) => topics.listTags(input),
    },
    reset: () => store.clear(),
    admin: (req) =>
      req.method === "GET" && req.path === "/_sandbox/sns/messages"
        ? {
            status: 200,
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ messages: store.published }),
          }
        : undefined,
  };
}
