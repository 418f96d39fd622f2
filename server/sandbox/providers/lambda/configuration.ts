/**
 * FunctionConfiguration as `GetFunctionConfiguration` returns it (Lambda API reference and the AWS
 * CLI's get-function-configuration example), for the sandbox's functions: LoggingConfig carries
 * the log format (Text, or JSON with application and system log levels) and the log group.
 */
import { createHash } from "node:crypto";
import type { FunctionSpec } from "../../workload/functions.ts";

export function functionConfiguration(
  spec: FunctionSpec,
  region: string,
  accountId: string,
  createdAt: number,
): Record<string, unknown> {
  const arn = `arn:aws:lambda:${region}:${accountId}:function:${spec.name}`;
  const digest = createHash("sha256").update(`${spec.name}|${spec.runtime}`).digest();
  const logGroup = `/aws/lambda/${spec.name}`;
  const loggingConfig: Record<string, string> =
    spec.logFormat === "JSON"
      ? { LogFormat: "JSON", ApplicationLogLevel: "INFO", SystemLogLevel: "INFO", LogGroup: logGroup }
      : { LogFormat: "Text", LogGroup: logGroup };
  return {
    FunctionName: spec.name,
    FunctionArn: arn,
    Runtime: spec.runtime,
    Role: `arn:aws:iam::${accountId}:role/${spec.name}-role`,
    Handler: spec.handler,
    CodeSize: 5_797_206,
    Description: "",
    Timeout: spec.timeoutSeconds,
    MemorySize: spec.memorySizeMb,
    LastModified: new Date(createdAt).toISOString().replace("Z", "+0000"),
    CodeSha256: digest.toString("base64"),
    Version: "$LATEST",
    TracingConfig: { Mode: spec.tracing },
    RevisionId: [8, 4, 4, 4, 12]
      .reduce<string[]>((parts, n, k) => {
        const offset = [0, 8, 12, 16, 20][k]!;
        parts.push(digest.toString("hex").slice(offset, offset + n));
        return parts;
      }, [])
      .join("-"),
    State: "Active",
    LastUpdateStatus: "Successful",
    PackageType: "Zip",
    Architectures: ["x86_64"],
    EphemeralStorage: { Size: 512 },
    SnapStart: { ApplyOn: "None", OptimizationStatus: "Off" },
    RuntimeVersionConfig: {
      RuntimeVersionArn: `arn:aws:lambda:${region}::runtime:${digest.toString("hex")}`,
    },
    LoggingConfig: loggingConfig,
  };
}
