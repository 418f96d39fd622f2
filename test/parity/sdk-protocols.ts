/**
 * CloudWatch clients of our own SDK pinned to each protocol CloudWatch accepts, through the
 * client's `protocol` setting (the SDK's own AwsQueryProtocol and AwsSmithyRpcV2CborProtocol with
 * the settings from the client's runtimeConfig.shared.js), so one test drives all three wires.
 */
import { CloudWatchClient, type CloudWatchClientConfig } from "@aws-sdk/client-cloudwatch";
import { AwsQueryProtocol, AwsSmithyRpcV2CborProtocol } from "@aws-sdk/core/protocols";
import { sandboxCredentials } from "../../server/sandbox/index.ts";

export type CloudWatchWire = "awsJson1_0" | "awsQuery" | "smithyRpcV2Cbor";

export function cloudWatchOver(wire: CloudWatchWire, endpoint: string): CloudWatchClient {
  const config: CloudWatchClientConfig = {
    region: "us-east-1",
    endpoint,
    credentials: sandboxCredentials(),
    maxAttempts: 1,
  };
  if (wire === "awsQuery")
    config.protocol = new AwsQueryProtocol({
      defaultNamespace: "com.amazonaws.cloudwatch",
      xmlNamespace: "http://monitoring.amazonaws.com/doc/2010-08-01/",
      version: "2010-08-01",
    });
  if (wire === "smithyRpcV2Cbor")
    config.protocol = new AwsSmithyRpcV2CborProtocol({
      defaultNamespace: "com.amazonaws.cloudwatch",
      awsQueryCompatible: true,
    });
  return new CloudWatchClient(config);
}
