/** Aggregate functions of `stats`: one accumulator per aggregate call per group. */
import type { Expr } from "./ast.ts";
import { evalExpr } from "./functions.ts";
import { compareValues, type Row, toNumber, toText, type Value } from "./values.ts";

export interface Accumulator {
  add(row: Row): void;
  result(): Value;
}

type CallExpr = Extract<Expr, { kind: "call" }>;

/** Create the accumulator of an aggregate call such as avg(@duration) or pct(@duration, 95). */
export function createAccumulator(call: CallExpr): Accumulator {
  const arg = call.args[0];
  const value = (row: Row): Value => (arg ? evalExpr(arg, row) : undefined);
  switch (call.name) {
    case "count": {
      let n = 0;
      return { add: (row) => void (call.star || value(row) !== undefined ? n++ : 0), result: () => n };
    }
    case "count_distinct": {
      const seen = new Set<string>();
      return {
        add: (row) => {
          const v = toText(value(row));
          if (v !== undefined) seen.add(v);
        },
        result: () => seen.size,
      };
    }
    case "sum":
    case "avg":
    case "stddev": {
      let n = 0;
      let sum = 0;
      let sumSq = 0;
      return {
        add: (row) => {
          const x = toNumber(value(row));
          if (x === undefined) return;
          n++;
          sum += x;
          sumSq += x * x;
        },
        result: () => {
          if (n === 0) return undefined;
          if (call.name === "sum") return sum;
          if (call.name === "avg") return sum / n;
          if (n < 2) return 0;
          // Sample standard deviation (n - 1 in the denominator).
          return Math.sqrt(Math.max(0, (sumSq - (sum * sum) / n) / (n - 1)));
        },
      };
    }
    case "min":
    case "max": {
      let best: Value;
      const sign = call.name === "min" ? -1 : 1;
      return {
        add: (row) => {
          const v = value(row);
          if (v === undefined) return;
          const candidate = typeof v === "string" && toNumber(v) !== undefined ? toNumber(v) : v;
          if (best === undefined || (compareValues(candidate, best) ?? 0) * sign > 0) best = candidate;
        },
        result: () => best,
      };
    }
    case "pct": {
      const values: number[] = [];
      const p = toNumber(call.args[1] ? evalExpr(call.args[1], new Map()) : undefined) ?? 50;
      return {
        add: (row) => {
          const x = toNumber(value(row));
          if (x !== undefined) values.push(x);
        },
        result: () => percentile(values, p),
      };
    }
    default: {
      // earliest / latest: the value of the field in the event with the smallest / largest @timestamp.
      let bestTime: number | undefined;
      let best: Value;
      const latest = call.name === "latest";
      return {
        add: (row) => {
          const t = toNumber(row.get("@timestamp"));
          const v = value(row);
          if (t === undefined || v === undefined) return;
          if (bestTime === undefined || (latest ? t > bestTime : t < bestTime)) {
            bestTime = t;
            best = v;
          }
        },
        result: () => best,
      };
    }
  }
}

/** Nearest-rank percentile: the smallest value with at least p % of the values at or below it. */
export function percentile(values: number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}
