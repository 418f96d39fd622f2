/**
 * Lexer of the Logs Insights query language subset: identifiers (plain, `@`-prefixed, back-quoted),
 * numbers, duration literals (5m, 1h), strings ('..' or ".."), regex literals (/../flags), operators
 * and `#` comments. A `/` starts a regex unless it follows an operand (then it divides).
 */
import { QueryCompileError } from "./errors.ts";

export type TokenKind = "ident" | "number" | "duration" | "string" | "regex" | "op" | "eof";

export interface Token {
  kind: TokenKind;
  /** Identifier name, string contents, regex source, operator text or number text. */
  text: string;
  /** Regex flags, or the duration unit. */
  extra?: string;
  /** Numeric value of a number, or milliseconds of a duration. */
  value?: number;
  start: number;
  end: number;
}

const OPERATORS = [
  "=~",
  "==",
  "!=",
  "<=",
  ">=",
  "&&",
  "||",
  "|",
  ",",
  "(",
  ")",
  "[",
  "]",
  "=",
  "<",
  ">",
  "+",
  "-",
  "*",
  "/",
  "%",
  "^",
  "!",
];
/** Duration units accepted by bin() and friends, in milliseconds. */
export const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  sec: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};
/** Keywords after which a `/` starts a regex even though they lex as identifiers. */
const REGEX_AFTER = new Set(["like", "and", "or", "not", "filter", "in", "parse"]);

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const operandEnded = (): boolean => {
    const last = tokens[tokens.length - 1];
    if (!last) return false;
    if (last.kind === "ident") {
      const before = tokens[tokens.length - 2];
      if (before?.kind === "ident" && before.text.toLowerCase() === "parse") return false;
      return !REGEX_AFTER.has(last.text.toLowerCase());
    }
    if (last.kind === "op") return last.text === ")" || last.text === "]";
    return (
      last.kind === "number" || last.kind === "duration" || last.kind === "string" || last.kind === "regex"
    );
  };
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "#") {
      while (i < source.length && source[i] !== "\n") i++;
      continue;
    }
    const start = i;
    if (c === '"' || c === "'") {
      let text = "";
      i++;
      while (i < source.length && source[i] !== c) {
        if (source[i] === "\\" && i + 1 < source.length) {
          const next = source[i + 1]!;
          text += next === "n" ? "\n" : next === "t" ? "\t" : next;
          i += 2;
          continue;
        }
        text += source[i];
        i++;
      }
      if (i >= source.length)
        throw new QueryCompileError(`unterminated string starting at ${start}`, start, source.length - 1);
      i++;
      tokens.push({ kind: "string", text, start, end: i - 1 });
      continue;
    }
    if (c === "`") {
      const close = source.indexOf("`", i + 1);
      if (close < 0)
        throw new QueryCompileError(
          `unterminated quoted field name starting at ${start}`,
          start,
          source.length - 1,
        );
      tokens.push({ kind: "ident", text: source.slice(i + 1, close), start, end: close });
      i = close + 1;
      continue;
    }
    if (c === "/" && !operandEnded()) {
      i++;
      let body = "";
      let inClass = false;
      while (i < source.length && (source[i] !== "/" || inClass)) {
        if (source[i] === "\\" && i + 1 < source.length) {
          body += source.slice(i, i + 2);
          i += 2;
          continue;
        }
        if (source[i] === "[") inClass = true;
        else if (source[i] === "]") inClass = false;
        body += source[i];
        i++;
      }
      if (i >= source.length)
        throw new QueryCompileError(
          `unterminated regular expression starting at ${start}`,
          start,
          source.length - 1,
        );
      i++;
      let flags = "";
      while (i < source.length && /[a-z]/.test(source[i]!)) flags += source[i++];
      tokens.push({ kind: "regex", text: body, extra: flags, start, end: i - 1 });
      continue;
    }
    if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(source[i + 1] ?? ""))) {
      while (i < source.length && /[0-9.]/.test(source[i]!)) i++;
      if (/[eE]/.test(source[i] ?? "") && /[-+0-9]/.test(source[i + 1] ?? "")) {
        i += 2;
        while (i < source.length && /[0-9]/.test(source[i]!)) i++;
      }
      const numText = source.slice(start, i);
      let unitEnd = i;
      while (unitEnd < source.length && /[a-zA-Z]/.test(source[unitEnd]!)) unitEnd++;
      const unit = source.slice(i, unitEnd);
      const value = Number(numText);
      if (Number.isNaN(value)) throw new QueryCompileError(`invalid number ${numText}`, start, i - 1);
      if (unit) {
        const scale = DURATION_UNITS[unit.toLowerCase()];
        if (scale === undefined)
          throw new QueryCompileError(
            `unknown time unit ${unit} in ${source.slice(start, unitEnd)}`,
            start,
            unitEnd - 1,
          );
        tokens.push({
          kind: "duration",
          text: source.slice(start, unitEnd),
          extra: unit.toLowerCase(),
          value: value * scale,
          start,
          end: unitEnd - 1,
        });
        i = unitEnd;
        continue;
      }
      tokens.push({ kind: "number", text: numText, value, start, end: i - 1 });
      continue;
    }
    if (/[A-Za-z_@$]/.test(c)) {
      while (i < source.length && /[A-Za-z0-9_@$.]/.test(source[i]!)) i++;
      tokens.push({ kind: "ident", text: source.slice(start, i), start, end: i - 1 });
      continue;
    }
    const op = OPERATORS.find((o) => source.startsWith(o, i));
    if (!op) throw new QueryCompileError(`unexpected character '${c}' at ${start}`, start, start);
    i += op.length;
    tokens.push({ kind: "op", text: op, start, end: i - 1 });
  }
  tokens.push({ kind: "eof", text: "", start: source.length, end: source.length });
  return tokens;
}
