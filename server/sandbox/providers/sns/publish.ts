/**
 * SNS Publish to a topic: Message required and at most 256 KiB, Subject at most 100 printable
 * ASCII characters without line breaks, MessageStructure "json" needs a JSON object with a
 * "default" entry, FIFO topics need MessageGroupId. Answers a MessageId (and a SequenceNumber on
 * FIFO topics). Published messages are kept for the admin route /_sandbox/sns/messages.
 */
import { randomUUID } from "node:crypto";
import { invalidParameter, notFound } from "./errors.ts";
import { type Input, optionalString } from "./input.ts";
import type { SnsStore } from "./store.ts";

const MAX_MESSAGE_BYTES = 262_144;

export function publish(store: SnsStore, input: Input, now: number) {
  const target = optionalString(input, "TopicArn") ?? optionalString(input, "TargetArn");
  if (!target) {
    if (optionalString(input, "PhoneNumber"))
      throw invalidParameter("PhoneNumber Reason: this sandbox does not send SMS; publish to a topic");
    throw invalidParameter("TopicArn or TargetArn Reason: no value for required parameter");
  }
  const topic = store.topics.get(target);
  if (!topic) throw notFound("Topic does not exist");
  const message = optionalString(input, "Message");
  if (message === undefined || message === "") throw invalidParameter("Empty message");
  if (Buffer.byteLength(message, "utf8") > MAX_MESSAGE_BYTES) throw invalidParameter("Message too long");
  const subject = optionalString(input, "Subject");
  if (
    subject !== undefined &&
    (subject.length === 0 || subject.length > 100 || !/^[\x20-\x7e]+$/.test(subject))
  )
    throw invalidParameter("Subject");
  const structure = optionalString(input, "MessageStructure");
  if (structure !== undefined) {
    if (structure !== "json") throw invalidParameter("MessageStructure");
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch {
      throw invalidParameter("Message Structure - JSON message body failed to parse");
    }
    if (typeof parsed !== "object" || parsed === null || !("default" in parsed))
      throw invalidParameter("Message Structure - No default entry in JSON message body");
  }
  const fifo = topic.attributes.FifoTopic === "true";
  const group = optionalString(input, "MessageGroupId");
  if (fifo && !group) throw invalidParameter("The MessageGroupId parameter is required for FIFO topics");
  const messageId = randomUUID();
  store.published.push({
    messageId,
    topicArn: topic.arn,
    ...(subject !== undefined ? { subject } : {}),
    message,
    ...(structure !== undefined ? { messageStructure: structure } : {}),
    time: new Date(now).toISOString(),
  });
  if (!fifo) return { MessageId: messageId };
  const sequence = String(store.published.length).padStart(20, "1");
  return { MessageId: messageId, SequenceNumber: sequence };
}
