/**
 * FilterLogEvents filter patterns for unstructured log events
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html):
 * terms that must all appear (`ERROR Bedrock`), quoted phrases (`"Billed Duration"`), optional
 * terms of which one must appear (`?ERROR ?WARNING`), excluded terms (`ERROR -KeyError`) and a
 * regular expression between % signs (`%latencyMs=[0-9]{4}%`). Matching is case-sensitive.
 * JSON (`{ $.x = 1 }`) and space-delimited (`[a, b]`) patterns are not supported here.
 */
import { invalidParameter } from "./input.ts";

export type MessageMatcher = (message: string) => boolean;

export function compileFilterPattern(pattern: string | undefined): MessageMatcher {
  const text = (pattern ?? "").trim();
  if (text === "") return () => true;
  if (text.startsWith("{") || text.startsWith("[")) {
    throw invalidParameter(
      `filterPattern ${JSON.stringify(text)}: JSON and space-delimited patterns are not supported by this sandbox; use terms, "quoted phrases", ?optional, -excluded or %regex%.`,
    );
  }
  if (text.length > 2 && text.startsWith("%") && text.endsWith("%")) {
    let regex: RegExp;
    try {
      regex = new RegExp(text.slice(1, -1));
    } catch {
      throw invalidParameter(`filterPattern ${JSON.stringify(text)} is not a valid regular expression.`);
    }
    return (message) => regex.test(message);
  }
  const required: string[] = [];
  const optional: string[] = [];
  const excluded: string[] = [];
  const re = /([?-]?)(?:"((?:[^"\\]|\\.)*)"|(\S+))/g;
  for (const m of text.matchAll(re)) {
    const term = m[2] !== undefined ? m[2].replace(/\\(.)/g, "$1") : m[3]!;
    if (m[1] === "?") optional.push(term);
    else if (m[1] === "-") excluded.push(term);
    else required.push(term);
  }
  return (message) =>
    required.every((t) => message.includes(t)) &&
    (optional.length === 0 || optional.some((t) => message.includes(t))) &&
    !excluded.some((t) => message.includes(t));
}
