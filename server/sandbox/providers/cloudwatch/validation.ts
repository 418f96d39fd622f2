/**
 * CloudWatch's error shapes (query-compatible codes in the x-amzn-query-error header) and the
 * readers that validate request members, naming the member path the way CloudWatch does
 * (e.g. MetricDataQueries.member.2.MetricStat.Period).
 * Error codes: node_modules/@aws-sdk/client-cloudwatch/dist-es/schemas/schemas_0.js.
 */
import { AwsError } from "../../core/errors.ts";
import type { Dimension } from "./series.ts";

export const invalidValue = (message: string) =>
  new AwsError("InvalidParameterValueException", message, 400, "InvalidParameterValue");
export const invalidCombination = (message: string) =>
  new AwsError("InvalidParameterCombinationException", message, 400, "InvalidParameterCombination");
export const missingParameter = (path: string) =>
  new AwsError(
    "MissingRequiredParameterException",
    `The parameter ${path} is required.`,
    400,
    "MissingParameter",
  );
export const validationError = (message: string) =>
  new AwsError("ValidationException", message, 400, "ValidationError");
export const invalidNextToken = (
  message = "The service cannot process the NextToken: pass the NextToken of the previous response unchanged, with the same request parameters.",
) => new AwsError("InvalidNextToken", message, 400, "InvalidNextToken");

export type Input = Record<string, unknown>;

export function isObject(value: unknown): value is Input {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function optionalString(input: Input, key: string, path = key): string | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw invalidValue(`The value for parameter ${path} must be a string.`);
  return value;
}

export function requiredString(input: Input, key: string, path = key): string {
  const value = optionalString(input, key, path);
  if (value === undefined || value === "") throw missingParameter(path);
  return value;
}

export function optionalNumber(input: Input, key: string, path = key): number | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value))
    throw invalidValue(`The value ${String(value)} for parameter ${path} is not a valid number.`);
  return value;
}

export function optionalArray(input: Input, key: string, path = key): unknown[] | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalidValue(`The value for parameter ${path} must be a list.`);
  return value;
}

/** awsJson timestamps arrive as epoch seconds; ISO strings are accepted too. Returns epoch ms. */
export function requiredTime(input: Input, key: string, path = key): number {
  const value = input[key];
  if (value === undefined || value === null) throw missingParameter(path);
  const ms =
    typeof value === "number" ? value * 1000 : typeof value === "string" ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms))
    throw invalidValue(`The value ${String(value)} for parameter ${path} is not a valid timestamp.`);
  return ms;
}

export function optionalTime(input: Input, key: string, path = key): number | undefined {
  return input[key] === undefined || input[key] === null ? undefined : requiredTime(input, key, path);
}

/** Dimensions (Name/Value pairs, at most 30, names unique), validated as PutMetricData/GetMetricData do. */
export function readDimensions(value: unknown, path: string): Dimension[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value))
    throw invalidValue(`The value for parameter ${path} must be a list of {Name, Value}.`);
  if (value.length > 30) throw invalidValue(`The collection ${path} must not have a size greater than 30.`);
  const seen = new Set<string>();
  return value.map((item, i) => {
    const at = `${path}.member.${i + 1}`;
    if (!isObject(item)) throw invalidValue(`The value for parameter ${at} must be a {Name, Value} object.`);
    const name = requiredString(item, "Name", `${at}.Name`);
    const dimValue = requiredString(item, "Value", `${at}.Value`);
    if (name.length > 255)
      throw invalidValue(`The value for parameter ${at}.Name must be at most 255 characters long.`);
    if (dimValue.length > 1024)
      throw invalidValue(`The value for parameter ${at}.Value must be at most 1024 characters long.`);
    if (seen.has(name))
      throw invalidValue(`No metric may have duplicate dimension names: ${path} names ${name} twice.`);
    seen.add(name);
    return { Name: name, Value: dimValue };
  });
}

/** CloudWatch's StandardUnit enum (client-cloudwatch models/enums.ts). */
export const STANDARD_UNITS = new Set([
  "Seconds",
  "Microseconds",
  "Milliseconds",
  "Bytes",
  "Kilobytes",
  "Megabytes",
  "Gigabytes",
  "Terabytes",
  "Bits",
  "Kilobits",
  "Megabits",
  "Gigabits",
  "Terabits",
  "Percent",
  "Count",
  "Bytes/Second",
  "Kilobytes/Second",
  "Megabytes/Second",
  "Gigabytes/Second",
  "Terabytes/Second",
  "Bits/Second",
  "Kilobits/Second",
  "Megabits/Second",
  "Gigabits/Second",
  "Terabits/Second",
  "Count/Second",
  "None",
]);

export function optionalUnit(input: Input, key: string, path = key): string | undefined {
  const unit = optionalString(input, key, path);
  if (unit !== undefined && !STANDARD_UNITS.has(unit)) {
    throw invalidValue(
      `The value ${unit} for parameter ${path} is invalid. Use one of CloudWatch's standard units, e.g. Count, Milliseconds, Seconds, Bytes, Percent or None.`,
    );
  }
  return unit;
}
