/** Turns schema issues into one line per problem: the field, the value given, and the fix. */
import type { z } from "zod";

function fieldName(path: readonly PropertyKey[]): string {
  return path
    .map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))
    .join("")
    .replace(/^\./, "");
}

function valueAt(input: unknown, path: readonly PropertyKey[]): string {
  let value: unknown = input;
  for (const key of path) {
    if (value === null || typeof value !== "object") return "nothing";
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  if (value === undefined) return "nothing";
  // A database URL may hold its password: not echoed.
  if (String(path.at(-1) ?? "") === "url") return "(a URL, not shown)";
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** `unknownHint` follows "remove them" for misspelt or unknown fields. */
export function describeIssues(
  raw: unknown,
  issues: readonly z.core.$ZodIssue[],
  unknownHint = "",
): string[] {
  return issues.map((issue) => {
    const field = fieldName(issue.path) || "(top level)";
    if (issue.code === "unrecognized_keys") {
      const where = field === "(top level)" ? "" : `${field}: `;
      return `${where}unknown field(s) ${issue.keys.join(", ")}: remove them${unknownHint}`;
    }
    return `${field}: got ${valueAt(raw, issue.path)}; ${issue.message}`;
  });
}
