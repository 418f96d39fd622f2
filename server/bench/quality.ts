/** Cheap deterministic quality checks on a model's answer: contains, regex, valid JSON, length. */
import type { QualityCheck } from "./suite.ts";

export interface QualityResult {
  pass: boolean;
  /** One line per failed check, e.g. `contains "Madrid"`. */
  failures: string[];
}

function describe(check: QualityCheck): string {
  switch (check.type) {
    case "contains":
      return `contains ${JSON.stringify(check.value)}`;
    case "regex":
      return `matches /${check.pattern}/${check.flags}`;
    case "json":
      return "is valid JSON";
    case "maxLength":
      return `at most ${check.chars} characters`;
    case "minLength":
      return `at least ${check.chars} characters`;
  }
}

/** Strip a Markdown code fence around JSON, which models add even when asked not to. */
function unfenced(text: string): string {
  const match = /^\s*```(?:json)?\s*\n([\s\S]*?)\n?```\s*$/.exec(text);
  return match ? match[1]! : text;
}

function passes(check: QualityCheck, text: string): boolean {
  switch (check.type) {
    case "contains":
      return check.caseSensitive
        ? text.includes(check.value)
        : text.toLowerCase().includes(check.value.toLowerCase());
    case "regex":
      return new RegExp(check.pattern, check.flags).test(text);
    case "json":
      try {
        JSON.parse(unfenced(text));
        return true;
      } catch {
        return false;
      }
    case "maxLength":
      return text.length <= check.chars;
    case "minLength":
      return text.length >= check.chars;
  }
}

export function evaluateQuality(checks: readonly QualityCheck[], text: string): QualityResult {
  const failures = checks.filter((c) => !passes(c, text)).map(describe);
  return { pass: failures.length === 0, failures };
}
