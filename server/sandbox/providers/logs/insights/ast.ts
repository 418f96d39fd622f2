/** The syntax tree of a Logs Insights query: a pipeline of commands over expressions. */

export type Expr =
  | { kind: "field"; name: string }
  | { kind: "number"; value: number }
  | { kind: "string"; value: string }
  | { kind: "regex"; regex: RegExp }
  | { kind: "duration"; ms: number; text: string }
  | { kind: "unary"; op: "-" | "not"; operand: Expr }
  | { kind: "binary"; op: BinaryOp; left: Expr; right: Expr }
  | { kind: "like"; negated: boolean; target: Expr; pattern: Expr }
  | { kind: "in"; negated: boolean; target: Expr; list: Expr[] }
  | { kind: "call"; name: string; args: Expr[]; star: boolean };

export type BinaryOp =
  | "+"
  | "-"
  | "*"
  | "/"
  | "%"
  | "^"
  | "="
  | "!="
  | "<"
  | "<="
  | ">"
  | ">="
  | "=~"
  | "and"
  | "or";

/** An expression with the column name it produces (its alias, or its source text). */
export interface NamedExpr {
  expr: Expr;
  name: string;
}

export interface SortKey {
  expr: Expr;
  descending: boolean;
}

export type Command =
  | { kind: "fields"; items: NamedExpr[] }
  | { kind: "display"; items: NamedExpr[] }
  | { kind: "filter"; expr: Expr }
  | { kind: "stats"; items: NamedExpr[]; by: NamedExpr[] }
  | { kind: "sort"; keys: SortKey[] }
  | { kind: "limit"; count: number }
  | { kind: "parse"; source: Expr; pattern: RegExp; names: string[] }
  | { kind: "dedup"; fields: string[] };

export interface Query {
  commands: Command[];
}

/** Aggregate functions usable in `stats` (lower-case). `percentile` is an alias of `pct`. */
export const AGGREGATES = new Set([
  "count",
  "count_distinct",
  "sum",
  "avg",
  "min",
  "max",
  "pct",
  "percentile",
  "stddev",
  "earliest",
  "latest",
]);
