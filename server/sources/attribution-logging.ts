/**
 * Where Bedrock model invocation logs go (bedrock:GetModelInvocationLoggingConfiguration): a
 * CloudWatch Logs group, an S3 bucket, both, or nowhere (AWS answers without `loggingConfig` when
 * logging was never turned on). The per-request attribution (requestMetadata, identity.arn) needs
 * the CloudWatch Logs destination; S3-only delivery is reported, not read.
 */
import { type BedrockClient, GetModelInvocationLoggingConfigurationCommand } from "@aws-sdk/client-bedrock";
import { awsCall } from "./errors.ts";

export interface InvocationLogging {
  /** CloudWatch Logs group receiving the records, or null. */
  logGroup: string | null;
  /** S3 destination as s3://bucket/prefix, or null. */
  s3: string | null;
  /** Whether text (Converse/InvokeModel) records are delivered; token counts come with them. */
  text: boolean;
}

export async function invocationLogging(client: BedrockClient): Promise<InvocationLogging> {
  const out = await awsCall("GetModelInvocationLoggingConfiguration", () =>
    client.send(new GetModelInvocationLoggingConfigurationCommand({})),
  );
  const cfg = out.loggingConfig;
  const s3 = cfg?.s3Config?.bucketName
    ? `s3://${cfg.s3Config.bucketName}/${cfg.s3Config.keyPrefix ?? ""}`
    : null;
  return {
    logGroup: cfg?.cloudWatchConfig?.logGroupName ?? null,
    s3,
    text: cfg?.textDataDeliveryEnabled ?? false,
  };
}
