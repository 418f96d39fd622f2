/** Reading CloudWatch Logs request members, with AWS's InvalidParameterException on bad values. */
import { AwsError } from "../../core/errors.ts";

export const invalidParameter = (message: string) => new AwsError("InvalidParameterException", message, 400);

export const groupNotFound = () =>
  new AwsError("ResourceNotFoundException", "The specified log group does not exist.", 400);

export function optionalString(input: Record<string, unknown>, name: string): string | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw invalidParameter(`${name} must be a string, got ${JSON.stringify(v)}.`);
  return v;
}

export function optionalNumber(
  input: Record<string, unknown>,
  name: string,
  min: number,
  max: number,
): number | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max) {
    throw invalidParameter(`${name} must be a number from ${min} to ${max}, got ${JSON.stringify(v)}.`);
  }
  return v;
}

export function optionalStrings(input: Record<string, unknown>, name: string): string[] | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((s) => typeof s !== "string"))
    throw invalidParameter(`${name} must be a list of strings.`);
  return v as string[];
}

export function optionalBoolean(input: Record<string, unknown>, name: string): boolean | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean")
    throw invalidParameter(`${name} must be true or false, got ${JSON.stringify(v)}.`);
  return v;
}

/** Opaque pagination tokens: base64url JSON, rejected with InvalidParameterException when tampered. */
export function encodeToken(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

export function decodeToken<T>(token: string | undefined, check: (v: unknown) => v is T): T | undefined {
  if (token === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    if (check(value)) return value;
  } catch {
    // fall through
  }
  throw invalidParameter(
    `The nextToken "${token.slice(0, 40)}" is invalid: pass the nextToken of the previous response unchanged.`,
  );
}

/** Log group name from a name or an ARN (arn:aws:logs:<region>:<account>:log-group:<name>[:*]). */
export function groupNameOf(identifier: string): string {
  const m = /^arn:aws[a-z-]*:logs:[^:]*:[^:]*:log-group:(.+?)(:\*)?$/.exec(identifier);
  return m ? m[1]! : identifier;
}
