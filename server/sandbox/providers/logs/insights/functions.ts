/** Scalar (per-row) functions of the Logs Insights subset, and expression evaluation. */
import { AGGREGATES, type Expr } from "./ast.ts";
import { compareValues, type Row, Timestamp, toNumber, toText, truthy, type Value } from "./values.ts";

type Scalar = (args: Value[], row: Row) => Value;

const num = (v: Value) => toNumber(v);
const math =
  (f: (x: number) => number): Scalar =>
  ([a]) => {
    const x = num(a);
    return x === undefined ? undefined : f(x);
  };

/** Function name (lower-case) -> implementation. bin() and datefloor() floor a timestamp to a period. */
export const SCALARS: Record<string, Scalar> = {
  abs: math(Math.abs),
  ceil: math(Math.ceil),
  floor: math(Math.floor),
  sqrt: math(Math.sqrt),
  log: math(Math.log),
  greatest: (args) => pick(args, 1),
  least: (args) => pick(args, -1),
  strlen: ([s]) => toText(s)?.length,
  tolower: ([s]) => toText(s)?.toLowerCase(),
  toupper: ([s]) => toText(s)?.toUpperCase(),
  trim: ([s]) => toText(s)?.trim(),
  ltrim: ([s]) => toText(s)?.trimStart(),
  rtrim: ([s]) => toText(s)?.trimEnd(),
  strcontains: ([s, t]) => {
    const text = toText(s);
    const part = toText(t);
    return text === undefined || part === undefined ? undefined : text.includes(part) ? 1 : 0;
  },
  substr: ([s, start, length]) => {
    const text = toText(s);
    const from = num(start) ?? 0;
    if (text === undefined) return undefined;
    const len = num(length);
    return len === undefined ? text.slice(from) : text.slice(from, from + len);
  },
  replace: ([s, a, b]) => {
    const text = toText(s);
    const from = toText(a);
    return text === undefined || from === undefined ? text : text.split(from).join(toText(b) ?? "");
  },
  concat: (args) => args.map((a) => toText(a) ?? "").join(""),
  isempty: ([v]) => v === undefined || toText(v) === "",
  isblank: ([v]) => v === undefined || (toText(v) ?? "").trim() === "",
  ispresent: ([v]) => v !== undefined,
  coalesce: (args) => args.find((a) => a !== undefined),
  tonumber: ([v]) => num(v),
  tomillis: ([v]) => num(v),
  frommillis: ([v]) => {
    const ms = num(v);
    return ms === undefined ? undefined : new Timestamp(ms);
  },
  bin: ([period], row) => floorTime(row.get("@timestamp"), period),
  datefloor: ([t, period]) => floorTime(t, period),
  dateceil: ([t, period]) => {
    const floored = floorTime(t, period);
    const p = num(period);
    const ms = num(t);
    if (!(floored instanceof Timestamp) || p === undefined || ms === undefined) return undefined;
    return floored.ms === ms ? floored : new Timestamp(floored.ms + p);
  },
};

function pick(args: Value[], sign: number): Value {
  let best: Value;
  for (const a of args)
    if (a !== undefined && (best === undefined || (compareValues(a, best) ?? 0) * sign > 0)) best = a;
  return best;
}

function floorTime(t: Value, period: Value): Value {
  const ms = toNumber(t);
  const p = toNumber(period);
  if (ms === undefined || p === undefined || p <= 0) return undefined;
  return new Timestamp(Math.floor(ms / p) * p);
}

/** The results of a stats group's aggregate calls, keyed by the call node. */
export type AggregateResults = Map<Expr, Value>;

export function evalExpr(expr: Expr, row: Row, aggregates?: AggregateResults): Value {
  switch (expr.kind) {
    case "field":
      return row.get(expr.name);
    case "number":
      return expr.value;
    case "string":
      return expr.value;
    case "duration":
      return expr.ms;
    case "regex":
      return expr.regex.source;
    case "unary": {
      const v = evalExpr(expr.operand, row, aggregates);
      if (expr.op === "not") return !truthy(v);
      const n = toNumber(v);
      return n === undefined ? undefined : -n;
    }
    case "like": {
      const text = toText(evalExpr(expr.target, row, aggregates));
      if (text === undefined) return expr.negated;
      const hit =
        expr.pattern.kind === "regex"
          ? expr.pattern.regex.test(text)
          : text.includes(toText(evalExpr(expr.pattern, row, aggregates)) ?? "");
      return hit !== expr.negated;
    }
    case "in": {
      const v = evalExpr(expr.target, row, aggregates);
      const hit =
        v !== undefined && expr.list.some((item) => compareValues(v, evalExpr(item, row, aggregates)) === 0);
      return hit !== expr.negated;
    }
    case "call": {
      if (AGGREGATES.has(expr.name)) return aggregates?.get(expr);
      const fn = SCALARS[expr.name];
      return fn
        ? fn(
            expr.args.map((a) => evalExpr(a, row, aggregates)),
            row,
          )
        : undefined;
    }
    case "binary":
      return evalBinary(expr, row, aggregates);
  }
}

function evalBinary(expr: Extract<Expr, { kind: "binary" }>, row: Row, aggregates?: AggregateResults): Value {
  if (expr.op === "and")
    return truthy(evalExpr(expr.left, row, aggregates)) && truthy(evalExpr(expr.right, row, aggregates));
  if (expr.op === "or")
    return truthy(evalExpr(expr.left, row, aggregates)) || truthy(evalExpr(expr.right, row, aggregates));
  const left = evalExpr(expr.left, row, aggregates);
  if (expr.op === "=~") {
    const text = toText(left);
    return text !== undefined && expr.right.kind === "regex" ? expr.right.regex.test(text) : false;
  }
  const right = evalExpr(expr.right, row, aggregates);
  switch (expr.op) {
    case "=":
      return compareValues(left, right) === 0;
    case "!=": {
      const c = compareValues(left, right);
      return c !== undefined && c !== 0;
    }
    case "<":
      return (compareValues(left, right) ?? 0) < 0;
    case "<=": {
      const c = compareValues(left, right);
      return c !== undefined && c <= 0;
    }
    case ">":
      return (compareValues(left, right) ?? 0) > 0;
    case ">=": {
      const c = compareValues(left, right);
      return c !== undefined && c >= 0;
    }
  }
  const x = toNumber(left);
  const y = toNumber(right);
  if (x === undefined || y === undefined) return undefined;
  switch (expr.op) {
    case "+":
      return x + y;
    case "-":
      return x - y;
    case "*":
      return x * y;
    case "/":
      return y === 0 ? undefined : x / y;
    case "%":
      return y === 0 ? undefined : x % y;
    default:
      return x ** y;
  }
}
