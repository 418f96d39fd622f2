/** Reading AWS SDK errors without `any`: the exception name, its message, its HTTP status. */

export interface ErrorFacts {
  name: string;
  message: string;
  status?: number;
}

export function errorFacts(err: unknown): ErrorFacts {
  if (err && typeof err === "object") {
    const e = err as { name?: unknown; message?: unknown; $metadata?: { httpStatusCode?: unknown } };
    const facts: ErrorFacts = {
      name: typeof e.name === "string" ? e.name : "Error",
      message: typeof e.message === "string" ? e.message : String(err),
    };
    const status = e.$metadata?.httpStatusCode;
    if (typeof status === "number") facts.status = status;
    return facts;
  }
  return { name: "Error", message: String(err) };
}

export function isAccessDenied(facts: ErrorFacts): boolean {
  return /AccessDenied|UnauthorizedOperation|NotAuthorized/i.test(facts.name);
}

export function isNotFound(facts: ErrorFacts): boolean {
  return /NotFound/i.test(facts.name);
}
