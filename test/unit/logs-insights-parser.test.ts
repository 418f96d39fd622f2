/** The Logs Insights parser: AWS's published queries parse; malformed ones fail at the right place. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { QueryCompileError } from "../../server/sandbox/providers/logs/insights/errors.ts";
import { tokenize } from "../../server/sandbox/providers/logs/insights/lexer.ts";
import { parseQuery } from "../../server/sandbox/providers/logs/insights/parser.ts";

/** Queries from seed 000 part 8 and AWS's Lambda sample queries (CloudWatch Logs Insights console, "Queries" > "Lambda"). */
const GOOD: Array<[string, string[]]> = [
  [
    'fields @timestamp, @duration\n| filter @type = "REPORT"\n| stats avg(@duration) as avg_duration,\n        min(@duration) as min_duration,\n        max(@duration) as max_duration\nby bin(5m)',
    ["fields", "filter", "stats"],
  ],
  [
    'filter @type = "REPORT" | stats max(@memorySize / 1000 / 1000) as provisonedMemoryMB, min(@maxMemoryUsed / 1000 / 1000) as smallestMemoryRequestMB, avg(@maxMemoryUsed / 1000 / 1000) as avgMemoryUsedMB, max(@maxMemoryUsed / 1000 / 1000) as maxMemoryUsedMB, provisonedMemoryMB - maxMemoryUsedMB as overProvisionedMB',
    ["filter", "stats"],
  ],
  ["stats count(*) by bin(5m)", ["stats"]],
  ["fields @timestamp, @message | sort @timestamp desc | limit 25", ["fields", "sort", "limit"]],
  ["filter @message like /ERROR/", ["filter"]],
  [
    'filter @type = "REPORT" | fields @requestId, @billedDuration | sort by @billedDuration desc | limit 100',
    ["filter", "fields", "sort", "limit"],
  ],
  [
    'filter @type = "REPORT" | stats sum(strcontains(@message, "Init Duration"))/count(*) * 100 as coldStartPct, avg(@duration) by bin(5m)',
    ["filter", "stats"],
  ],
  [
    'filter @type = "REPORT" | stats avg(@billedDuration) as Average, percentile(@billedDuration, 99) as NinetyNinth by bin(30m)',
    ["filter", "stats"],
  ],
  [
    'filter @type = "REPORT" and @maxMemoryUsed=@memorySize | stats count_distinct(@requestId) by bin(30m)',
    ["filter", "stats"],
  ],
  [
    "filter @initDuration > 5 | fields @timestamp, @message, @initDuration | sort @timestamp desc | limit 20",
    ["filter", "fields", "sort", "limit"],
  ],
  [
    'parse @message "modelId=* inputTokens=* " as model, tokensIn | stats sum(tokensIn) by model',
    ["parse", "stats"],
  ],
  [
    "parse @message /modelId=(?<model>\\S+)/ | filter ispresent(model) | dedup model | display model",
    ["parse", "filter", "dedup", "display"],
  ],
  ['filter @type in ["START", "END"] and not (@message =~ /x/) # a comment', ["filter"]],
];

function compileError(query: string): QueryCompileError {
  try {
    parseQuery(query);
  } catch (err) {
    if (err instanceof QueryCompileError) return err;
    throw err;
  }
  assert.fail(`expected ${JSON.stringify(query)} not to parse`);
}

describe("Logs Insights parser", () => {
  for (const [query, kinds] of GOOD) {
    it(`parses ${query.split("\n")[0]!.slice(0, 70)}`, () => {
      assert.deepEqual(
        parseQuery(query).commands.map((c) => c.kind),
        kinds,
      );
    });
  }

  it("names unaliased columns after their text and aliased ones after the alias", () => {
    const [stats] = parseQuery("stats count(*), avg(@duration) as mean by bin(5m)").commands;
    assert.equal(stats?.kind, "stats");
    if (stats?.kind !== "stats") return;
    assert.deepEqual(
      stats.items.map((i) => i.name),
      ["count(*)", "mean"],
    );
    assert.deepEqual(
      stats.by.map((b) => b.name),
      ["bin(5m)"],
    );
  });

  it("lexes duration literals in milliseconds and tells division from a regex", () => {
    const tokens = tokenize("bin(90s) | filter @message like /a\\/b/ | fields @x / 2");
    assert.equal(tokens.find((t) => t.kind === "duration")?.value, 90_000);
    assert.deepEqual(
      tokens.filter((t) => t.kind === "regex").map((t) => t.text),
      ["a\\/b"],
    );
    assert.ok(tokens.some((t) => t.kind === "op" && t.text === "/"));
  });

  it("reports an unknown command with its character range", () => {
    const error = compileError("fields @timestamp | statz count(*)");
    assert.equal(error.start, 20);
    assert.equal(error.end, 24);
    assert.match(error.message, /unexpected symbol found statz at line 1 and position 21/);
  });

  it("reports an unknown function at the function name", () => {
    const error = compileError("stats median(@duration)");
    assert.deepEqual([error.start, error.end], [6, 11]);
  });

  it("reports a missing limit count at the end of the query", () => {
    const error = compileError("fields @timestamp | limit");
    assert.match(error.message, /limit needs a whole number/);
  });

  it("reports an unterminated string from its opening quote", () => {
    const error = compileError('filter @message like "oops');
    assert.deepEqual([error.start, error.end], [21, 25]);
  });

  it("reports a glob parse whose names do not match its stars", () => {
    const error = compileError('parse @message "a=* b=*" as a');
    assert.match(error.message, /2 \* but 1 field names/);
  });

  it("rejects stats without an aggregate and an empty query", () => {
    assert.match(compileError("stats @duration by bin(5m)").message, /aggregate/);
    assert.match(compileError("   ").message, /empty/);
  });
});
