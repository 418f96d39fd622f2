/** The sandbox's SNS state: topics per ARN with attributes, tags and subscriptions; published messages. */

export interface Subscription {
  arn: string;
  topicArn: string;
  protocol: string;
  endpoint: string;
  owner: string;
  /** Email and HTTP(S) endpoints stay pending until confirmed; the sandbox never confirms them. */
  pending: boolean;
  attributes: Record<string, string>;
}

export interface Topic {
  arn: string;
  name: string;
  attributes: Record<string, string>;
  tags: Map<string, string>;
  subscriptions: Subscription[];
}

export interface PublishedMessage {
  messageId: string;
  topicArn: string;
  subject?: string;
  message: string;
  messageStructure?: string;
  time: string;
}

export class SnsStore {
  readonly topics = new Map<string, Topic>();
  readonly published: PublishedMessage[] = [];

  subscription(arn: string): Subscription | undefined {
    for (const topic of this.topics.values()) {
      const found = topic.subscriptions.find((s) => s.arn === arn);
      if (found) return found;
    }
    return undefined;
  }

  clear(): void {
    this.topics.clear();
    this.published.length = 0;
  }
}
