/**
 * A subset of CloudWatch metric math: + - * / ^ and unary minus on query ids, constants and
 * arrays, the functions SUM, AVG, MIN, MAX, METRICS([filter]), FILL(m, value), ABS, CEIL, FLOOR.
 * Semantics follow "Metric math syntax and functions" (CloudWatch User Guide): an operation on
 * two time series keeps the timestamps both have; SUM/AVG/MIN/MAX of an array of series give a
 * series across them, of a single series a scalar over its datapoints.
 */
export interface Series {
  label: string;
  /** Timestamp (epoch ms) -> value. */
  points: Map<number, number>;
}

export type MathValue = number | Series | Series[];

export interface MathScope {
  /** The value of another query by Id, or undefined when no query has that Id. */
  lookup(id: string): MathValue | undefined;
  /** The MetricStat queries' series, for METRICS(). */
  metrics(): Array<{ id: string; series: Series }>;
  /** Period start times of the query window, for FILL and scalar results. */
  grid(): number[];
}

export class MathError extends Error {}

type Token =
  | { kind: "num"; value: number }
  | { kind: "id"; value: string }
  | { kind: "str"; value: string }
  | { kind: "op"; value: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const num = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(text.slice(i));
    if (num) {
      tokens.push({ kind: "num", value: Number(num[0]) });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
    if (id) {
      tokens.push({ kind: "id", value: id[0] });
      i += id[0].length;
      continue;
    }
    if (c === '"' || c === "'") {
      const end = text.indexOf(c, i + 1);
      if (end < 0) throw new MathError(`unterminated string at position ${i + 1}`);
      tokens.push({ kind: "str", value: text.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    if ("+-*/^(),[]".includes(c)) {
      tokens.push({ kind: "op", value: c });
      i++;
      continue;
    }
    throw new MathError(`unexpected character '${c}' at position ${i + 1}`);
  }
  return tokens;
}

/** Ids an expression references (identifiers not followed by '('), for dependency ordering. */
export function referencedIds(expression: string): string[] {
  const tokens = tokenize(expression);
  return tokens
    .filter((t, i) => t.kind === "id" && !(tokens[i + 1]?.kind === "op" && tokens[i + 1]?.value === "("))
    .map((t) => String(t.value));
}

export function evaluate(expression: string, scope: MathScope): MathValue {
  const tokens = tokenize(expression);
  let pos = 0;
  const peek = () => tokens[pos];
  const isOp = (v: string) => peek()?.kind === "op" && peek()?.value === v;
  const expect = (v: string) => {
    if (!isOp(v)) throw new MathError(`expected '${v}'`);
    pos++;
  };

  const additive = (): MathValue => {
    let left = multiplicative();
    while (isOp("+") || isOp("-")) {
      const op = String(tokens[pos++]!.value);
      left = binary(op, left, multiplicative());
    }
    return left;
  };
  const multiplicative = (): MathValue => {
    let left = power();
    while (isOp("*") || isOp("/")) {
      const op = String(tokens[pos++]!.value);
      left = binary(op, left, power());
    }
    return left;
  };
  const power = (): MathValue => {
    const base = unary();
    if (isOp("^")) {
      pos++;
      return binary("^", base, power());
    }
    return base;
  };
  const unary = (): MathValue => {
    if (isOp("-")) {
      pos++;
      return binary("*", -1, unary());
    }
    if (isOp("+")) pos++;
    return primary();
  };
  const primary = (): MathValue => {
    const t = tokens[pos++];
    if (!t) throw new MathError("unexpected end of expression");
    if (t.kind === "num") return t.value;
    if (t.kind === "op" && t.value === "(") {
      const inner = additive();
      expect(")");
      return inner;
    }
    if (t.kind === "op" && t.value === "[") {
      const items: Series[] = [];
      while (!isOp("]")) {
        const v = additive();
        if (typeof v === "number") throw new MathError("an array can only hold time series");
        items.push(...(Array.isArray(v) ? v : [v]));
        if (!isOp("]")) expect(",");
      }
      pos++;
      return items;
    }
    if (t.kind === "id" && isOp("(")) {
      pos++;
      const args: Array<MathValue | string> = [];
      while (!isOp(")")) {
        const next = peek();
        if (next?.kind === "str") {
          pos++;
          args.push(next.value);
        } else args.push(additive());
        if (!isOp(")")) expect(",");
      }
      pos++;
      return call(t.value.toUpperCase(), args, scope);
    }
    if (t.kind === "id") {
      const value = scope.lookup(t.value);
      if (value === undefined) throw new MathError(`Unrecognized metric id ${t.value}`);
      return value;
    }
    throw new MathError(`unexpected '${String(t.value)}'`);
  };

  const result = additive();
  if (pos < tokens.length) throw new MathError(`unexpected '${String(tokens[pos]!.value)}'`);
  return result;
}

function arith(op: string, a: number, b: number): number {
  switch (op) {
    case "+":
      return a + b;
    case "-":
      return a - b;
    case "*":
      return a * b;
    case "/":
      return a / b;
    default:
      return a ** b;
  }
}

function mapSeries(s: Series, f: (v: number) => number): Series {
  const points = new Map<number, number>();
  for (const [t, v] of s.points) points.set(t, f(v));
  return { label: s.label, points };
}

function binary(op: string, left: MathValue, right: MathValue): MathValue {
  if (Array.isArray(left)) return left.map((s) => binary(op, s, right) as Series);
  if (Array.isArray(right)) return right.map((s) => binary(op, left, s) as Series);
  if (typeof left === "number" && typeof right === "number") return arith(op, left, right);
  if (typeof left === "number") return mapSeries(right as Series, (v) => arith(op, left, v));
  if (typeof right === "number") return mapSeries(left, (v) => arith(op, v, right));
  const points = new Map<number, number>();
  for (const [t, v] of left.points) {
    const w = right.points.get(t);
    if (w !== undefined) points.set(t, arith(op, v, w));
  }
  return { label: left.label, points };
}

function reduce(name: string, values: number[]): number {
  if (name === "SUM") return values.reduce((a, b) => a + b, 0);
  if (name === "AVG") return values.reduce((a, b) => a + b, 0) / values.length;
  if (name === "MIN") return Math.min(...values);
  return Math.max(...values);
}

function call(name: string, args: Array<MathValue | string>, scope: MathScope): MathValue {
  if (name === "METRICS") {
    const filter = typeof args[0] === "string" ? args[0] : undefined;
    return scope
      .metrics()
      .filter((m) => !filter || m.id.includes(filter) || m.series.label.includes(filter))
      .map((m) => m.series);
  }
  const first = args[0];
  if (first === undefined || typeof first === "string")
    throw new MathError(`${name} needs a time series argument`);
  if (name === "SUM" || name === "AVG" || name === "MIN" || name === "MAX") {
    if (typeof first === "number") return first;
    if (!Array.isArray(first)) {
      const values = [...first.points.values()];
      return values.length === 0 ? Number.NaN : reduce(name, values);
    }
    const byTime = new Map<number, number[]>();
    for (const s of first) for (const [t, v] of s.points) byTime.set(t, [...(byTime.get(t) ?? []), v]);
    const points = new Map<number, number>();
    for (const t of [...byTime.keys()].sort((a, b) => a - b)) points.set(t, reduce(name, byTime.get(t)!));
    return { label: name, points };
  }
  if (name === "FILL") {
    const value = args[1];
    if (typeof value !== "number")
      throw new MathError("FILL needs a number as its second argument, e.g. FILL(m1, 0)");
    const fill = (s: Series): Series => {
      const points = new Map<number, number>();
      for (const t of scope.grid()) points.set(t, s.points.get(t) ?? value);
      return { label: s.label, points };
    };
    if (typeof first === "number") return first;
    return Array.isArray(first) ? first.map(fill) : fill(first);
  }
  const unaryFns: Record<string, (v: number) => number> = {
    ABS: Math.abs,
    CEIL: Math.ceil,
    FLOOR: Math.floor,
  };
  const f = unaryFns[name];
  if (f) {
    if (typeof first === "number") return f(first);
    return Array.isArray(first) ? first.map((s) => mapSeries(s, f)) : mapSeries(first, f);
  }
  throw new MathError(
    `Unsupported function ${name}: the sandbox supports SUM, AVG, MIN, MAX, METRICS, FILL, ABS, CEIL, FLOOR`,
  );
}
