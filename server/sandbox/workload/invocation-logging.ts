/**
 * The account's model invocation logging configuration (bedrock:GetModelInvocationLoggingConfiguration)
 * and the log group it writes to. Resolved once when the sandbox starts from the scenario and
 * `settings.bedrockControl.invocationLogging`, and attached to the workload so that the control
 * plane and CloudWatch Logs (the log group, its records) read the same answer.
 *
 * Shape: the botocore/SDK `LoggingConfig` (cloudWatchConfig {logGroupName, roleArn,
 * largeDataDeliveryS3Config}, s3Config {bucketName, keyPrefix}, text/image/embedding/video/audio
 * DataDeliveryEnabled). Text delivery is off here, so records carry token counts, identity and
 * request metadata but no prompt or answer bodies (inputBodyJson / outputBodyJson).
 */
import type { BedrockControlSettings } from "../core/settings.ts";
import type { Workload } from "./model.ts";
import type { ScenarioName } from "./scenario.ts";

export const DEFAULT_INVOCATION_LOG_GROUP = "/aws/bedrock/modelinvocations";
/** The one stream Bedrock writes invocation records to in the group. */
export const INVOCATION_LOG_STREAM = "aws/bedrock/modelinvocations";

export interface LoggingConfig {
  cloudWatchConfig?: {
    logGroupName: string;
    roleArn: string;
    largeDataDeliveryS3Config?: { bucketName: string; keyPrefix?: string };
  };
  s3Config?: { bucketName: string; keyPrefix?: string };
  textDataDeliveryEnabled: boolean;
  imageDataDeliveryEnabled: boolean;
  embeddingDataDeliveryEnabled: boolean;
  videoDataDeliveryEnabled: boolean;
}

export function resolveLoggingConfig(
  scenario: ScenarioName,
  settings: BedrockControlSettings | undefined,
  accountId: string,
): LoggingConfig | undefined {
  const raw = settings?.invocationLogging ?? scenario === "realistic";
  if (raw === false) return undefined;
  const options = raw === true ? {} : raw;
  const bucket = `twin-bedrock-invocation-logs-${accountId}`;
  const config: LoggingConfig = {
    textDataDeliveryEnabled: false,
    imageDataDeliveryEnabled: false,
    embeddingDataDeliveryEnabled: false,
    videoDataDeliveryEnabled: false,
  };
  if (options.cloudWatch !== false)
    config.cloudWatchConfig = {
      logGroupName: options.logGroupName ?? DEFAULT_INVOCATION_LOG_GROUP,
      roleArn: `arn:aws:iam::${accountId}:role/service-role/BedrockInvocationLoggingRole`,
      largeDataDeliveryS3Config: { bucketName: bucket, keyPrefix: "large-data" },
    };
  if (options.s3 !== false) config.s3Config = { bucketName: bucket, keyPrefix: "invocation-logs" };
  return config;
}

const attached = new WeakMap<Workload, LoggingConfig>();

export function attachLoggingConfig(workload: Workload, config: LoggingConfig | undefined): void {
  if (config) attached.set(workload, config);
  else attached.delete(workload);
}

export function loggingConfigOf(workload: Workload): LoggingConfig | undefined {
  return attached.get(workload);
}

/** The CloudWatch Logs group invocation records go to, when logging to CloudWatch Logs is on. */
export function invocationLogGroupOf(workload: Workload): string | undefined {
  return attached.get(workload)?.cloudWatchConfig?.logGroupName;
}
