/**
 * Recursive-descent parser of the Logs Insights subset (see the sandbox README): a `|`-separated
 * pipeline of fields, display, filter, stats, sort, limit, parse and dedup. Errors carry the
 * character range of the offending token, as AWS's MalformedQueryException.queryCompileError does.
 */
import type { Command, Expr, NamedExpr, Query, SortKey } from "./ast.ts";
import { QueryCompileError } from "./errors.ts";
import { COMMANDS, containsAggregate, ExpressionParser, toRegExp } from "./expressions.ts";

export { containsAggregate, toRegExp } from "./expressions.ts";

export function parseQuery(source: string): Query {
  return new Parser(source).query();
}

class Parser extends ExpressionParser {
  query(): Query {
    const commands: Command[] = [];
    if (this.peek().kind === "eof")
      throw new QueryCompileError(
        "the query is empty: write at least one command, e.g. fields @timestamp, @message",
        0,
        0,
      );
    for (;;) {
      commands.push(this.command());
      const next = this.peek();
      if (next.kind === "eof") break;
      if (next.kind === "op" && next.text === "|") {
        this.pos++;
        continue;
      }
      throw this.unexpected(next);
    }
    return { commands };
  }

  private command(): Command {
    const token = this.next();
    const name = token.kind === "ident" ? token.text.toLowerCase() : "";
    if (!COMMANDS.includes(name)) {
      throw new QueryCompileError(
        `unexpected symbol found ${token.text || "end of query"} at ${this.where(token)}; expected one of the commands ${COMMANDS.join(", ")}`,
        token.start,
        token.end,
      );
    }
    switch (name) {
      case "fields":
        return { kind: "fields", items: this.namedList(true) };
      case "display":
        // AWS's own parse sample: display loggingMessage, loggingType = "ERROR" as isError
        return { kind: "display", items: this.namedList(true) };
      case "filter":
        return { kind: "filter", expr: this.expr() };
      case "stats":
        return this.stats();
      case "sort":
        return this.sort();
      case "limit": {
        const n = this.next();
        if (
          n.kind !== "number" ||
          !Number.isInteger(n.value) ||
          (n.value ?? 0) < 1 ||
          (n.value ?? 0) > 10_000
        ) {
          throw new QueryCompileError(
            `limit needs a whole number from 1 to 10000, got ${n.text || "nothing"}`,
            n.start,
            n.end,
          );
        }
        return { kind: "limit", count: n.value ?? 1 };
      }
      case "parse":
        return this.parse();
      default: {
        const fields: string[] = [];
        do fields.push(this.fieldName());
        while (this.acceptOp(","));
        return { kind: "dedup", fields };
      }
    }
  }

  private stats(): Command {
    const items = this.namedList(true);
    if (!items.some((item) => containsAggregate(item.expr))) {
      const first = this.tokens[this.pos - 1]!;
      throw new QueryCompileError(
        "stats needs at least one aggregate function, e.g. stats count(*)",
        first.start,
        first.end,
      );
    }
    let by: NamedExpr[] = [];
    if (this.acceptWord("by")) by = this.namedList(true);
    return { kind: "stats", items, by };
  }

  private sort(): Command {
    this.acceptWord("by");
    const keys: SortKey[] = [];
    do {
      const expr = this.expr();
      let descending = false;
      if (this.acceptWord("desc")) descending = true;
      else this.acceptWord("asc");
      keys.push({ expr, descending });
    } while (this.acceptOp(","));
    return { kind: "sort", keys };
  }

  private parse(): Command {
    let source: Expr = { kind: "field", name: "@message" };
    if (this.peek().kind === "ident") source = this.primary();
    const pattern = this.next();
    if (pattern.kind === "regex") {
      const regex = toRegExp(pattern.text, pattern.extra ?? "", pattern);
      const names = [...pattern.text.matchAll(/\(\?<([A-Za-z_][A-Za-z0-9_]*)>/g)].map((m) => m[1]!);
      if (names.length === 0)
        throw new QueryCompileError(
          "parse with a regular expression needs named groups, e.g. /(?<user>\\S+)/",
          pattern.start,
          pattern.end,
        );
      return { kind: "parse", source, pattern: regex, names };
    }
    if (pattern.kind !== "string")
      throw new QueryCompileError(
        `parse needs a "glob * pattern" or a /regex/, got ${pattern.text || "nothing"}`,
        pattern.start,
        pattern.end,
      );
    const parts = pattern.text.split("*");
    const stars = parts.length - 1;
    if (stars === 0)
      throw new QueryCompileError("the parse pattern has no * to capture", pattern.start, pattern.end);
    const asToken = this.next();
    if (asToken.kind !== "ident" || asToken.text.toLowerCase() !== "as") throw this.unexpected(asToken, "as");
    const names: string[] = [];
    do names.push(this.fieldName());
    while (this.acceptOp(","));
    if (names.length !== stars) {
      throw new QueryCompileError(
        `the parse pattern has ${stars} * but ${names.length} field names follow as`,
        pattern.start,
        this.tokens[this.pos - 1]!.end,
      );
    }
    const escaped = parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    let text = "";
    for (let k = 0; k < parts.length; k++) {
      text += escaped[k];
      if (k < stars) text += k === stars - 1 && parts[stars] === "" ? "(.*)" : "(.*?)";
    }
    const regex = new RegExp(text, "s");
    return { kind: "parse", source, pattern: regex, names };
  }

  private namedList(allowAlias: boolean): NamedExpr[] {
    const items: NamedExpr[] = [];
    do {
      const startToken = this.peek();
      const expr = this.expr();
      const endToken = this.tokens[this.pos - 1]!;
      let name = this.source.slice(startToken.start, endToken.end + 1).trim();
      if (allowAlias && this.acceptWord("as")) name = this.fieldName();
      items.push({ expr, name });
    } while (this.acceptOp(","));
    return items;
  }

  private fieldName(): string {
    const token = this.next();
    if (token.kind !== "ident") throw this.unexpected(token, "a field name");
    return token.text;
  }

  // Expressions, lowest precedence first.
}
