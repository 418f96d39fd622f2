/**
 * Property of the sandbox's Logs Insights parser: for any text (random, token soup, or a valid
 * query mutated) parseQuery returns a query or throws the documented QueryCompileError (the
 * MalformedQueryException of the wire), with a message and an in-bounds location. Never
 * another exception. Shared by `npm run fuzz` and test/unit/fuzz-logs-parser.test.ts.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { QueryCompileError } from "../../../server/sandbox/providers/logs/insights/errors.ts";
import { parseQuery } from "../../../server/sandbox/providers/logs/insights/parser.ts";
import {
  COLD_START_QUERY,
  DURATION_QUERY,
  ERROR_QUERY,
  MEMORY_QUERY,
  PERCENTILE_QUERY,
} from "../../../server/sources/logs.ts";

/** The product's own queries plus AWS's Lambda sample queries (CloudWatch Logs Insights console, "Queries" > "Lambda"). */
export const VALID_QUERIES: readonly string[] = [
  DURATION_QUERY,
  PERCENTILE_QUERY,
  COLD_START_QUERY,
  MEMORY_QUERY,
  ERROR_QUERY,
  "stats count(*) by bin(5m)",
  "fields @timestamp, @message | sort @timestamp desc | limit 25",
  'filter @type = "REPORT" | fields @requestId, @billedDuration | sort by @billedDuration desc | limit 100',
  'filter @type = "REPORT" | stats avg(@billedDuration) as Average, percentile(@billedDuration, 99) as NinetyNinth by bin(30m)',
  'parse @message "modelId=* inputTokens=* " as model, tokensIn | stats sum(tokensIn) by model',
  "parse @message /modelId=(?<model>\\S+)/ | filter ispresent(model) | dedup model | display model",
  'filter @type in ["START", "END"] and not (@message =~ /x/) # a comment',
];

const VOCABULARY = [
  "fields",
  "display",
  "filter",
  "stats",
  "sort",
  "limit",
  "parse",
  "dedup",
  "by",
  "as",
  "and",
  "or",
  "not",
  "in",
  "like",
  "asc",
  "desc",
  "@timestamp",
  "@message",
  "@duration",
  "@type",
  "count(*)",
  "avg(",
  "pct(",
  "bin(5m)",
  "bin(",
  "ispresent(",
  "strlen(",
  "|",
  ",",
  "(",
  ")",
  "[",
  "]",
  "=",
  "!=",
  "=~",
  "<",
  ">=",
  "+",
  "-",
  "*",
  "/",
  "%",
  "^",
  '"REPORT"',
  '"',
  "'x'",
  "/ERROR/",
  "/(?i)x/",
  "/(?<n>",
  "0",
  "1",
  "10000",
  "10001",
  "-5",
  "1.5e3",
  "5m",
  "30s",
  "1h",
  "#",
  "\n",
  "`a b`",
  "*",
  "?",
];

export const tokenSoup = fc
  .array(fc.constantFrom(...VOCABULARY), { minLength: 0, maxLength: 24 })
  .map((t) => t.join(" "));

type Mutation =
  | { kind: "delete"; at: number; length: number }
  | { kind: "insert"; at: number; text: string }
  | { kind: "replace"; at: number; length: number; text: string }
  | { kind: "truncate"; at: number }
  | { kind: "duplicate"; at: number; length: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 12 }) }),
  fc.record({
    kind: fc.constant("insert" as const),
    at: fc.nat(),
    text: fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom(...VOCABULARY)),
  }),
  fc.record({
    kind: fc.constant("replace" as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 8 }),
    text: fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom(...VOCABULARY)),
  }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant("duplicate" as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 20 }),
  }),
);

export function mutate(source: string, m: Mutation): string {
  const at = source.length === 0 ? 0 : m.at % (source.length + 1);
  switch (m.kind) {
    case "delete":
      return source.slice(0, at) + source.slice(at + m.length);
    case "insert":
      return source.slice(0, at) + m.text + source.slice(at);
    case "replace":
      return source.slice(0, at) + m.text + source.slice(at + m.length);
    case "truncate":
      return source.slice(0, at);
    case "duplicate":
      return source.slice(0, at + m.length) + source.slice(at);
  }
}

export const mutatedQuery = fc
  .tuple(fc.constantFrom(...VALID_QUERIES), fc.array(mutation, { minLength: 1, maxLength: 4 }))
  .map(([base, ms]) => ms.reduce(mutate, base));

export const anyQuery: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: mutatedQuery },
  { weight: 2, arbitrary: tokenSoup },
  { weight: 1, arbitrary: fc.string({ maxLength: 80 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
);

export type ParseOutcome = "parsed" | "malformed";

/** Parse and check the outcome; throws an AssertionError naming the violation. */
export function checkParse(source: string): ParseOutcome {
  try {
    const query = parseQuery(source);
    assert.ok(Array.isArray(query.commands) && query.commands.length > 0, "a parsed query has commands");
    return "parsed";
  } catch (err) {
    if (!(err instanceof QueryCompileError)) {
      assert.fail(
        `parseQuery(${JSON.stringify(source)}) threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}, not QueryCompileError`,
      );
    }
    assert.ok(err.message.length > 0, "the compile error has a message");
    for (const junk of ["undefined", "[object Object]", "NaN"])
      assert.ok(
        !err.message.includes(junk) || source.includes(junk),
        `the message reads clearly: ${err.message}`,
      );
    assert.ok(
      err.start >= 0 && err.start <= err.end && err.end <= Math.max(source.length, 0),
      `location ${err.start}-${err.end} within ${source.length} characters`,
    );
    return "malformed";
  }
}

export const parserProperty = () => fc.property(anyQuery, (q) => void checkParse(q));
