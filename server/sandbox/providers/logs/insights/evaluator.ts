/**
 * Runs a parsed Logs Insights query over log records. Leading streaming commands (filter, fields,
 * parse) run per record as records arrive; stats groups on the fly; sort, limit and dedup work
 * on the rows that remain. Records are expected most recent first, which is the default order of
 * Logs Insights results when the query has no sort.
 */

import { type Accumulator, createAccumulator } from "./aggregates.ts";
import { AGGREGATES, type Command, type Expr, type Query } from "./ast.ts";
import { type AggregateResults, evalExpr } from "./functions.ts";
import {
  formatValue,
  javaDouble,
  type Row,
  sortCompare,
  Timestamp,
  toText,
  truthy,
  type Value,
} from "./values.ts";

/** One log event as Logs Insights sees it. */
export interface LogRecord {
  timestamp: number;
  ingestionTime: number;
  message: string;
  logStream: string;
  /** "<account>:<log group name>" */
  log: string;
  ptr: string;
  /** Discovered fields (e.g. @type, @duration for Lambda REPORT lines). */
  fields: Readonly<Record<string, string | number>>;
}

export interface QueryStats {
  recordsMatched: number;
  recordsScanned: number;
  bytesScanned: number;
}

export interface QueryOutput extends QueryStats {
  /** Result rows as AWS returns them: arrays of {field, value}, values as strings. */
  results: Array<Array<{ field: string; value: string }>>;
}

/** AWS returns at most 10,000 rows per query. */
export const MAX_RESULT_ROWS = 10_000;

type CallExpr = Extract<Expr, { kind: "call" }>;

export function recordBytes(record: LogRecord): number {
  return Buffer.byteLength(record.message, "utf8") + 26;
}

/** A row over a log record: fields are read from the record when asked, so filters stay cheap. */
class RecordRow implements Row {
  private overrides: Map<string, Value> | undefined;

  constructor(private readonly record: LogRecord) {}

  get(field: string): Value {
    if (this.overrides?.has(field)) return this.overrides.get(field);
    switch (field) {
      case "@timestamp":
        return new Timestamp(this.record.timestamp);
      case "@message":
        return this.record.message;
      case "@logStream":
        return this.record.logStream;
      case "@log":
        return this.record.log;
      case "@ptr":
        return this.record.ptr;
      default:
        return Object.hasOwn(this.record.fields, field) ? this.record.fields[field] : undefined;
    }
  }

  set(field: string, value: Value): void {
    this.overrides ??= new Map();
    this.overrides.set(field, value);
  }

  has(field: string): boolean {
    return this.get(field) !== undefined;
  }

  keys(): string[] {
    const base = ["@timestamp", "@message", "@logStream", "@log", ...Object.keys(this.record.fields)];
    return [...new Set([...base, ...(this.overrides?.keys() ?? []), "@ptr"])];
  }
}

export function runQuery(
  query: Query,
  records: Iterable<LogRecord>,
  options: { limit?: number } = {},
): QueryOutput {
  const commands = query.commands;
  const firstBlocking = commands.findIndex(
    (c) => c.kind === "stats" || c.kind === "sort" || c.kind === "limit" || c.kind === "dedup",
  );
  const streaming = firstBlocking < 0 ? commands : commands.slice(0, firstBlocking);
  const rest = firstBlocking < 0 ? [] : commands.slice(firstBlocking);
  const firstRest = rest[0];
  const grouping = firstRest?.kind === "stats" ? new Grouping(firstRest) : undefined;
  const stats: QueryStats = { recordsMatched: 0, recordsScanned: 0, bytesScanned: 0 };
  let rows: Row[] = [];
  for (const record of records) {
    stats.recordsScanned++;
    stats.bytesScanned += recordBytes(record);
    const row = applyStreaming(streaming, new RecordRow(record));
    if (!row) continue;
    stats.recordsMatched++;
    if (grouping) grouping.add(row);
    else rows.push(row);
  }
  let columns = projectionOf(streaming, undefined);
  if (grouping && firstRest?.kind === "stats") {
    rows = grouping.rows();
    columns = [...firstRest.by.map((b) => b.name), ...firstRest.items.map((i) => i.name)];
  }
  for (const command of grouping ? rest.slice(1) : rest) {
    rows = applyBlocking(command, rows);
    columns = projectionOf([command], columns);
  }
  const cap = Math.min(options.limit ?? MAX_RESULT_ROWS, MAX_RESULT_ROWS);
  const computed = computedColumns(commands);
  return { ...stats, results: rows.slice(0, cap).map((row) => toResult(row, columns, computed)) };
}

/** Run filter / fields / parse / display on one row; undefined when a filter drops it. */
function applyStreaming(commands: Command[], row: Row): Row | undefined {
  for (const command of commands) {
    switch (command.kind) {
      case "filter":
        if (!truthy(evalExpr(command.expr, row))) return undefined;
        break;
      case "fields":
      case "display":
        for (const item of command.items) {
          if (item.expr.kind === "field" && item.expr.name === item.name) continue;
          row.set(item.name, evalExpr(item.expr, row));
        }
        break;
      case "parse": {
        const text = toText(evalExpr(command.source, row));
        const match = text === undefined ? null : command.pattern.exec(text);
        if (!match) break;
        command.names.forEach((name, k) => {
          const v = match.groups?.[name] ?? match[k + 1];
          if (v !== undefined) row.set(name, v);
        });
        break;
      }
      default:
        break;
    }
  }
  return row;
}

function applyBlocking(command: Command, rows: Row[]): Row[] {
  switch (command.kind) {
    case "sort": {
      const keyed = rows.map((row) => ({ row, keys: command.keys.map((k) => evalExpr(k.expr, row)) }));
      keyed.sort((a, b) => {
        for (let k = 0; k < command.keys.length; k++) {
          const c = sortCompare(a.keys[k], b.keys[k], command.keys[k]!.descending);
          if (c !== 0) return c;
        }
        return 0;
      });
      return keyed.map((k) => k.row);
    }
    case "limit":
      return rows.slice(0, command.count);
    case "dedup": {
      const seen = new Set<string>();
      return rows.filter((row) => {
        const values = command.fields.map((f) => formatValue(row.get(f)));
        if (values.some((v) => v === undefined)) return true;
        const key = JSON.stringify(values);
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
    }
    case "stats": {
      const grouping = new Grouping(command);
      for (const row of rows) grouping.add(row);
      return grouping.rows();
    }
    default:
      return rows.flatMap((row) => applyStreaming([command], row) ?? []);
  }
}

/** The output columns after these commands, given the columns before (undefined: all fields). */
function projectionOf(commands: Command[], before: string[] | undefined): string[] | undefined {
  let columns = before;
  for (const command of commands) {
    if (command.kind === "display") columns = command.items.map((i) => i.name);
    else if (command.kind === "stats")
      columns = [...command.by.map((b) => b.name), ...command.items.map((i) => i.name)];
    else if (command.kind === "fields") {
      const names = command.items.map((i) => i.name);
      columns = [...new Set([...(columns ?? []), ...names])];
    }
  }
  return columns;
}

/**
 * Columns whose numbers Logs Insights computes (aggregates other than counts, arithmetic): AWS
 * prints them as Java doubles ("15.0", "1.28E8"). Raw field values keep their text ("119000000").
 */
function computedColumns(commands: Command[]): Set<string> {
  const out = new Set<string>();
  for (const command of commands) {
    if (command.kind !== "stats" && command.kind !== "fields" && command.kind !== "display") continue;
    for (const item of command.items) {
      const e = item.expr;
      const counting = e.kind === "call" && (e.name === "count" || e.name === "count_distinct");
      if (e.kind === "field" || counting) out.delete(item.name);
      else out.add(item.name);
    }
  }
  return out;
}

function toResult(
  row: Row,
  columns: string[] | undefined,
  computed: ReadonlySet<string> = new Set(),
): Array<{ field: string; value: string }> {
  const names = columns ? [...columns] : [...row.keys()].filter((k) => k !== "@ptr");
  if (row.has("@ptr") && !names.includes("@ptr")) names.push("@ptr");
  const out: Array<{ field: string; value: string }> = [];
  for (const field of names) {
    const raw = row.get(field);
    const value = typeof raw === "number" && computed.has(field) ? javaDouble(raw) : formatValue(raw);
    if (value !== undefined) out.push({ field, value });
  }
  return out;
}

/** Groups rows by the `by` expressions of a stats command and accumulates its aggregates. */
class Grouping {
  private readonly calls: CallExpr[] = [];
  private readonly groups = new Map<string, { keys: Value[]; accumulators: Accumulator[] }>();

  constructor(private readonly command: Extract<Command, { kind: "stats" }>) {
    for (const item of command.items) collectAggregates(item.expr, this.calls);
  }

  add(row: Row): void {
    const keys = this.command.by.map((b) => evalExpr(b.expr, row));
    const id = JSON.stringify(keys.map(formatValue));
    let group = this.groups.get(id);
    if (!group) {
      group = { keys, accumulators: this.calls.map(createAccumulator) };
      this.groups.set(id, group);
    }
    for (const acc of group.accumulators) acc.add(row);
  }

  rows(): Row[] {
    const out: Row[] = [];
    for (const group of this.groups.values()) {
      const row: Row = new Map();
      this.command.by.forEach((b, k) => {
        row.set(b.name, group.keys[k]);
      });
      const results: AggregateResults = new Map();
      this.calls.forEach((call, k) => {
        results.set(call, group.accumulators[k]!.result());
      });
      for (const item of this.command.items) row.set(item.name, evalExpr(item.expr, row, results));
      out.push(row);
    }
    return out;
  }
}

function collectAggregates(expr: Expr, into: CallExpr[]): void {
  if (expr.kind === "call") {
    if (AGGREGATES.has(expr.name)) into.push(expr);
    else for (const a of expr.args) collectAggregates(a, into);
  } else if (expr.kind === "unary") collectAggregates(expr.operand, into);
  else if (expr.kind === "binary") {
    collectAggregates(expr.left, into);
    collectAggregates(expr.right, into);
  } else if (expr.kind === "like") collectAggregates(expr.target, into);
}
