/** Readers for SNS request members, answering SNS's own "Invalid parameter: …" errors. */
import { invalidParameter } from "./errors.ts";

export type Input = Record<string, unknown>;

export function requiredString(input: Input, key: string): string {
  const value = input[key];
  if (typeof value !== "string" || value === "")
    throw invalidParameter(`${key} Reason: no value for required parameter`);
  return value;
}

export function optionalString(input: Input, key: string): string | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw invalidParameter(key);
  return value;
}

export function stringMap(input: Input, key: string): Record<string, string> {
  const value = input[key];
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw invalidParameter(key);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== "string") throw invalidParameter(`${key} Reason: the value of ${k} must be a string`);
    out[k] = v;
  }
  return out;
}

export function tagList(input: Input, key = "Tags"): { Key: string; Value: string }[] {
  const value = input[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidParameter(key);
  return value.map((item, i) => {
    const tag = item as { Key?: unknown; Value?: unknown };
    if (typeof tag?.Key !== "string" || tag.Key.length < 1 || tag.Key.length > 128)
      throw invalidParameter(`${key}.member.${i + 1}.Key Reason: tag keys are 1 to 128 characters`);
    const tagValue = tag.Value ?? "";
    if (typeof tagValue !== "string" || tagValue.length > 256)
      throw invalidParameter(`${key}.member.${i + 1}.Value Reason: tag values are 0 to 256 characters`);
    return { Key: tag.Key, Value: tagValue };
  });
}
