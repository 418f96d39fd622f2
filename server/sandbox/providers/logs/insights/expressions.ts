/**
 * Expressions of the Logs Insights subset, by precedence: or < and < not < comparison (=, !=, <,
 * <=, >, >=, =~, like, in) < + - < * / % < ^ < unary minus < literals, fields, calls, parentheses.
 * The command parser (parser.ts) extends this class.
 */
import { AGGREGATES, type BinaryOp, type Expr } from "./ast.ts";
import { QueryCompileError } from "./errors.ts";
import { SCALARS } from "./functions.ts";
import { type Token, tokenize } from "./lexer.ts";

export const COMMANDS = ["fields", "display", "filter", "stats", "sort", "limit", "parse", "dedup"];
const COMPARISONS: Record<string, BinaryOp> = {
  "=": "=",
  "==": "=",
  "!=": "!=",
  "<": "<",
  "<=": "<=",
  ">": ">",
  ">=": ">=",
  "=~": "=~",
};

/** Convert a regex literal's body and flags to a JavaScript RegExp (a leading `(?i)` becomes the i flag). */
export function toRegExp(body: string, flags: string, token: Pick<Token, "start" | "end">): RegExp {
  let text = body;
  let jsFlags = flags.replace(/[^imsu]/g, "");
  if (text.startsWith("(?i)")) {
    text = text.slice(4);
    if (!jsFlags.includes("i")) jsFlags += "i";
  }
  try {
    return new RegExp(text, jsFlags);
  } catch (err) {
    throw new QueryCompileError(
      `invalid regular expression /${body}/: ${(err as Error).message}`,
      token.start,
      token.end,
    );
  }
}

export class ExpressionParser {
  protected readonly tokens: Token[];
  protected pos = 0;

  constructor(protected readonly source: string) {
    this.tokens = tokenize(source);
  }

  expr(): Expr {
    let left = this.andExpr();
    while (this.acceptWord("or") || this.acceptOp("||"))
      left = { kind: "binary", op: "or", left, right: this.andExpr() };
    return left;
  }

  protected andExpr(): Expr {
    let left = this.notExpr();
    while (this.acceptWord("and") || this.acceptOp("&&"))
      left = { kind: "binary", op: "and", left, right: this.notExpr() };
    return left;
  }

  protected notExpr(): Expr {
    if (this.acceptWord("not") || this.acceptOp("!"))
      return { kind: "unary", op: "not", operand: this.notExpr() };
    return this.comparison();
  }

  protected comparison(): Expr {
    const left = this.additive();
    const token = this.peek();
    if (token.kind === "op" && COMPARISONS[token.text]) {
      this.pos++;
      return { kind: "binary", op: COMPARISONS[token.text]!, left, right: this.additive() };
    }
    const negated =
      this.isWord(token, "not") && (this.isWord(this.peek(1), "like") || this.isWord(this.peek(1), "in"));
    if (negated) this.pos++;
    if (this.acceptWord("like")) return { kind: "like", negated, target: left, pattern: this.additive() };
    if (this.acceptWord("in")) {
      const open = this.next();
      if (open.kind !== "op" || open.text !== "[") throw this.unexpected(open, "[");
      const list: Expr[] = [];
      if (!this.acceptOp("]")) {
        do list.push(this.additive());
        while (this.acceptOp(","));
        const close = this.next();
        if (close.kind !== "op" || close.text !== "]") throw this.unexpected(close, "]");
      }
      return { kind: "in", negated, target: left, list };
    }
    return left;
  }

  protected additive(): Expr {
    let left = this.multiplicative();
    for (;;) {
      const token = this.peek();
      if (token.kind !== "op" || (token.text !== "+" && token.text !== "-")) return left;
      this.pos++;
      left = { kind: "binary", op: token.text, left, right: this.multiplicative() };
    }
  }

  protected multiplicative(): Expr {
    let left = this.power();
    for (;;) {
      const token = this.peek();
      if (token.kind !== "op" || (token.text !== "*" && token.text !== "/" && token.text !== "%"))
        return left;
      this.pos++;
      left = { kind: "binary", op: token.text, left, right: this.power() };
    }
  }

  protected power(): Expr {
    const base = this.unary();
    if (this.acceptOp("^")) return { kind: "binary", op: "^", left: base, right: this.power() };
    return base;
  }

  protected unary(): Expr {
    if (this.acceptOp("-")) return { kind: "unary", op: "-", operand: this.unary() };
    return this.primary();
  }

  protected primary(): Expr {
    const token = this.next();
    switch (token.kind) {
      case "number":
        return { kind: "number", value: token.value ?? 0 };
      case "duration":
        return { kind: "duration", ms: token.value ?? 0, text: token.text };
      case "string":
        return { kind: "string", value: token.text };
      case "regex":
        return { kind: "regex", regex: toRegExp(token.text, token.extra ?? "", token) };
      case "ident": {
        if (this.acceptOp("(")) return this.call(token);
        if (
          COMMANDS.includes(token.text.toLowerCase()) ||
          ["by", "as", "and", "or", "asc", "desc"].includes(token.text.toLowerCase())
        ) {
          throw this.unexpected(token, "an expression");
        }
        return { kind: "field", name: token.text };
      }
      case "op":
        if (token.text === "(") {
          const inner = this.expr();
          const close = this.next();
          if (close.kind !== "op" || close.text !== ")") throw this.unexpected(close, ")");
          return inner;
        }
        throw this.unexpected(token, "an expression");
      default:
        throw this.unexpected(token, "an expression");
    }
  }

  protected call(nameToken: Token): Expr {
    const name = nameToken.text.toLowerCase();
    if (!AGGREGATES.has(name) && !(name in SCALARS)) {
      throw new QueryCompileError(
        `unknown function ${nameToken.text}; supported: ${[...AGGREGATES, ...Object.keys(SCALARS)].join(", ")}`,
        nameToken.start,
        nameToken.end,
      );
    }
    const args: Expr[] = [];
    let star = false;
    if (!this.acceptOp(")")) {
      if (this.peek().kind === "op" && this.peek().text === "*" && this.isOp(this.peek(1), ")")) {
        this.pos += 2;
        star = true;
      } else {
        do args.push(this.expr());
        while (this.acceptOp(","));
        const close = this.next();
        if (close.kind !== "op" || close.text !== ")") throw this.unexpected(close, ")");
      }
    }
    if (star && name !== "count")
      throw new QueryCompileError(
        `${nameToken.text}(*) is not allowed; only count(*) takes *`,
        nameToken.start,
        this.tokens[this.pos - 1]!.end,
      );
    if (AGGREGATES.has(name) && !star && args.length === 0 && name !== "count") {
      throw new QueryCompileError(
        `${nameToken.text}() needs a field or expression`,
        nameToken.start,
        this.tokens[this.pos - 1]!.end,
      );
    }
    return {
      kind: "call",
      name: name === "percentile" ? "pct" : name,
      args,
      star: star || (name === "count" && args.length === 0),
    };
  }

  protected peek(ahead = 0): Token {
    return this.tokens[Math.min(this.pos + ahead, this.tokens.length - 1)]!;
  }

  protected next(): Token {
    const token = this.peek();
    if (token.kind !== "eof") this.pos++;
    return token;
  }

  protected isWord(token: Token, word: string): boolean {
    return token.kind === "ident" && token.text.toLowerCase() === word;
  }

  protected isOp(token: Token, op: string): boolean {
    return token.kind === "op" && token.text === op;
  }

  protected acceptWord(word: string): boolean {
    if (!this.isWord(this.peek(), word)) return false;
    this.pos++;
    return true;
  }

  protected acceptOp(op: string): boolean {
    if (!this.isOp(this.peek(), op)) return false;
    this.pos++;
    return true;
  }

  protected where(token: Token): string {
    const before = this.source.slice(0, token.start);
    const line = before.split("\n").length;
    const column = token.start - before.lastIndexOf("\n");
    return `line ${line} and position ${column}`;
  }

  protected unexpected(token: Token, expected?: string): QueryCompileError {
    const found =
      token.kind === "eof" ? "end of query" : token.kind === "string" ? `"${token.text}"` : token.text;
    const hint = expected ? `; expected ${expected}` : "";
    const end = token.kind === "eof" ? Math.max(0, token.start - 1) : token.end;
    const start = token.kind === "eof" ? end : token.start;
    return new QueryCompileError(
      `unexpected symbol found ${found} at ${this.where(token)}${hint}`,
      start,
      end,
    );
  }
}

export function containsAggregate(expr: Expr): boolean {
  switch (expr.kind) {
    case "call":
      return AGGREGATES.has(expr.name) || expr.args.some(containsAggregate);
    case "unary":
      return containsAggregate(expr.operand);
    case "binary":
      return containsAggregate(expr.left) || containsAggregate(expr.right);
    default:
      return false;
  }
}
