/**
 * AWS-shaped errors raised by sandbox providers. The protocol layer serialises them exactly as
 * AWS does for the service's protocol, so unmodified SDK clients raise their typed exceptions.
 */
export class AwsError extends Error {
  override readonly name = "AwsError";
  constructor(
    /** The AWS error code, e.g. "InvalidParameterValueException". */
    readonly code: string,
    message: string,
    /** HTTP status code AWS uses for this error. */
    readonly status = 400,
    /** For query-compatible services (CloudWatch): the legacy query error code, e.g. "InvalidParameterValue". */
    readonly queryCode?: string,
    /** Extra members serialised next to the message (e.g. Logs' MalformedQueryException.queryCompileError). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }

  get fault(): "Sender" | "Receiver" {
    return this.status >= 500 ? "Receiver" : "Sender";
  }
}

export const validation = (message: string) => new AwsError("ValidationException", message, 400);
export const throttling = (message = "Rate exceeded") => new AwsError("ThrottlingException", message, 400);
