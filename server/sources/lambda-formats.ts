/**
 * Each function's log format (LoggingConfig.LogFormat: Text or JSON), which decides how the logs
 * panel queries it. In order: the config (lambda.functions[].logFormat), then
 * lambda:GetFunctionConfiguration, then the log group's own recent events (FilterLogEvents, free:
 * a JSON function writes `{"time":…,"type":"platform.…"}` objects), else Text is assumed. Answers
 * are cached for hours: a function's log format changes only when someone reconfigures it.
 */
import type { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import type { LambdaClient } from "@aws-sdk/client-lambda";
import { GetFunctionConfigurationCommand } from "@aws-sdk/client-lambda";
import type { LogFormat, LogsFunction } from "../api/contract.ts";
import { awsCall } from "./errors.ts";

export const FORMAT_TTL_MS = 6 * 3_600_000;

export interface FunctionFormat {
  logFormat: LogFormat;
  source: LogsFunction["formatSource"];
}

/** Whether a log message is one of Lambda's JSON-format events (platform event or JSON app line). */
export function isJsonEvent(message: string): boolean | undefined {
  const text = message.trim();
  if (/^(START|END|REPORT|INIT_START|INIT_REPORT|XRAY) /.test(text)) return false;
  if (!text.startsWith("{")) return undefined;
  try {
    const value = JSON.parse(text) as Record<string, unknown>;
    if (typeof value.type === "string" && value.type.startsWith("platform.")) return true;
    return typeof value.level === "string" && typeof value.requestId === "string" ? true : undefined;
  } catch {
    return undefined;
  }
}

export class LambdaFormats {
  private readonly cache = new Map<string, { value: FunctionFormat; at: number }>();

  constructor(
    private readonly lambda: () => LambdaClient,
    private readonly logs: () => CloudWatchLogsClient,
    private readonly now: () => number = Date.now,
  ) {}

  async formatOf(name: string, logGroup: string, configured?: LogFormat): Promise<FunctionFormat> {
    if (configured) return { logFormat: configured, source: "config" };
    const hit = this.cache.get(name);
    if (hit && this.now() - hit.at < FORMAT_TTL_MS) return hit.value;
    const value = (await this.fromLambda(name)) ?? (await this.fromLogGroup(logGroup)) ?? assumed();
    this.cache.set(name, { value, at: this.now() });
    return value;
  }

  private async fromLambda(name: string): Promise<FunctionFormat | undefined> {
    try {
      const out = await awsCall("GetFunctionConfiguration", () =>
        this.lambda().send(new GetFunctionConfigurationCommand({ FunctionName: name })),
      );
      const format = out.LoggingConfig?.LogFormat;
      // Functions created before log formats existed report no LoggingConfig: they write Text.
      return { logFormat: format === "JSON" ? "JSON" : "Text", source: "lambda" };
    } catch {
      return undefined;
    }
  }

  private async fromLogGroup(logGroup: string): Promise<FunctionFormat | undefined> {
    try {
      const out = await awsCall("FilterLogEvents", () =>
        this.logs().send(
          new FilterLogEventsCommand({
            logGroupName: logGroup,
            startTime: this.now() - 86_400_000,
            endTime: this.now(),
            limit: 20,
          }),
        ),
      );
      for (const event of out.events ?? []) {
        const json = isJsonEvent(event.message ?? "");
        if (json !== undefined) return { logFormat: json ? "JSON" : "Text", source: "log-group" };
      }
      return undefined;
    } catch {
      return undefined;
    }
  }
}

function assumed(): FunctionFormat {
  return { logFormat: "Text", source: "assumed" };
}
