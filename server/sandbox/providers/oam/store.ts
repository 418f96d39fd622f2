/**
 * The sandbox account's CloudWatch cross-account observability resources: one sink per Region in
 * the monitoring account (its default name as the console creates it) and, attached to it, one
 * link per linked source account. A link is a resource of its source account (its ARN names that
 * account); its label is the resolved `$AccountName` template. IDs are stable UUID-shaped hashes.
 */
import { createHash } from "node:crypto";
import type { SandboxContext } from "../../core/types.ts";

export const SINK_NAME = "bedrock-ops-monitoring";
export const LABEL_TEMPLATE = "$AccountName";
/** What the sandbox's links share (the console's choices for metrics, logs and traces). */
export const SHARED_RESOURCE_TYPES = ["AWS::CloudWatch::Metric", "AWS::Logs::LogGroup", "AWS::XRay::Trace"];

export interface Sink {
  Arn: string;
  Id: string;
  Name: string;
}

export interface Link {
  Arn: string;
  Id: string;
  Label: string;
  LabelTemplate: string;
  ResourceTypes: string[];
  SinkArn: string;
  accountId: string;
}

function uuidOf(seed: string): string {
  const hex = createHash("sha256").update(seed).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export function sinkOf(ctx: SandboxContext, region: string): Sink {
  const id = uuidOf(`sink:${ctx.accountId}:${region}`);
  return { Arn: `arn:aws:oam:${region}:${ctx.accountId}:sink/${id}`, Id: id, Name: SINK_NAME };
}

export function linksOf(ctx: SandboxContext, region: string): Link[] {
  const sink = sinkOf(ctx, region);
  return ctx.linkedAccounts.map((account) => {
    const id = uuidOf(`link:${account.id}:${region}:${sink.Id}`);
    return {
      Arn: `arn:aws:oam:${region}:${account.id}:link/${id}`,
      Id: id,
      Label: account.label,
      LabelTemplate: LABEL_TEMPLATE,
      ResourceTypes: [...SHARED_RESOURCE_TYPES],
      SinkArn: sink.Arn,
      accountId: account.id,
    };
  });
}
