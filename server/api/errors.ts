/**
 * One error type for the HTTP API and one middleware that maps every error to a JSON response
 * `{error: {code, message}}`. Never a stack trace; unexpected errors become a generic 500.
 */
import type { ErrorRequestHandler, RequestHandler } from "express";

export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** A bad query parameter: names the parameter, the value received and what to send instead. */
export function badParameter(name: string, got: unknown, expected: string): ApiError {
  const shown =
    typeof got === "string"
      ? JSON.stringify(got.length > 60 ? `${got.slice(0, 57)}...` : got)
      : JSON.stringify(got);
  const field = name === "" ? "(parameter with an empty name)" : name;
  return new ApiError(400, "InvalidParameter", `${field}: got ${shown ?? "nothing"}; ${expected}`);
}

export const notFound: RequestHandler = (req, _res, next) => {
  next(
    new ApiError(
      404,
      "NotFound",
      `No route ${req.method} ${req.path}; see /api/openapi.json for the endpoints.`,
    ),
  );
};

interface BodyParserError {
  type?: string;
  status?: number;
  expose?: boolean;
}

export function errorHandler(log: (line: string) => void): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    let api: ApiError;
    if (err instanceof ApiError) api = err;
    else {
      const e = err as BodyParserError;
      if (e?.type === "entity.too.large")
        api = new ApiError(413, "PayloadTooLarge", "The request body is too large (limit 16 KB).");
      else if (e?.type === "entity.parse.failed")
        api = new ApiError(
          400,
          "InvalidBody",
          'body: not valid JSON; send a JSON object such as {"token": "..."}.',
        );
      else if (typeof e?.status === "number" && e.status >= 400 && e.status < 500)
        api = new ApiError(e.status, "BadRequest", "The request could not be read.");
      else {
        log(`internal error: ${err instanceof Error ? err.name : "unknown"}`);
        api = new ApiError(500, "InternalError", "The server failed to answer; see the server log.");
      }
    }
    if (res.headersSent) return;
    for (const [k, v] of Object.entries(api.headers)) res.setHeader(k, v);
    res.status(api.status).json({ error: { code: api.code, message: api.message } });
  };
}
