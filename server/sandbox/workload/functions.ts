/**
 * How each sandbox Lambda function is configured, as GetFunctionConfiguration reports it: log
 * format (Text or JSON; AWS recommends JSON for new functions and Lambda Managed Instances only
 * support JSON), memory, timeout, runtime, X-Ray tracing. The config may state a function's format
 * (lambda.functions[].logFormat); otherwise a function whose name ends in `-json` writes JSON and
 * every other (the seeds' `twin-api`) the text format.
 */
export type LogFormat = "Text" | "JSON";

export interface FunctionSpec {
  name: string;
  logFormat: LogFormat;
  memorySizeMb: number;
  timeoutSeconds: number;
  runtime: string;
  handler: string;
  tracing: "Active" | "PassThrough";
}

/** The JSON-format function the default sandbox account runs beside `twin-api`. */
export const DEFAULT_JSON_FUNCTION = "twin-api-json";

export function defaultSpec(name: string, memorySizeMb = 512, logFormat?: LogFormat): FunctionSpec {
  const text = logFormat ? logFormat === "Text" : !name.endsWith("-json");
  return {
    name,
    logFormat: logFormat ?? (text ? "Text" : "JSON"),
    memorySizeMb,
    timeoutSeconds: 30,
    runtime: text ? "python3.12" : "python3.13",
    handler: text ? "server.handler" : "app.handler",
    tracing: text ? "Active" : "PassThrough",
  };
}
