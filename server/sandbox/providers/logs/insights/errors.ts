/** A Logs Insights compile error with the character range AWS reports in queryCompileError.location. */
export class QueryCompileError extends Error {
  override readonly name = "QueryCompileError";
  constructor(
    message: string,
    /** Offset of the first character of the offending text. */
    readonly start: number,
    /** Offset of the last character of the offending text (inclusive, as AWS reports it). */
    readonly end: number,
  ) {
    super(message);
  }
}
