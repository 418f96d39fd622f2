/**
 * Issue 15, the pure parts: the cache's memory and store bounds under 1,000 distinct ranges, the
 * Cost Explorer hourly cap, the cost guard, CSV formula neutralisation, config file mistakes,
 * the process guard, SDK text kept out of errors, one failing budget, sessions and the throttle.
 */
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import type { BudgetsClient } from "@aws-sdk/client-budgets";
import type { STSClient } from "@aws-sdk/client-sts";
import { csvCell } from "../../server/api/csv.ts";
import { chooseEncoding } from "../../server/api/encode.ts";
import { describeEscaped, installProcessGuard } from "../../server/api/guard.ts";
import { LoginThrottle, SessionStore } from "../../server/api/sessions.ts";
import { costDecision, scheduleCostProblem } from "../../server/bench/cost-guard.ts";
import { exportCsv } from "../../server/bench/export.ts";
import type { RequestRow } from "../../server/bench/types.ts";
import { HourlyCap } from "../../server/cache/rate-limit.ts";
import { CacheStore } from "../../server/cache/store.ts";
import { SwrCache } from "../../server/cache/swr-cache.ts";
import { ConfigError, loadConfig, parseConfig } from "../../server/config.ts";
import { AccountId, BudgetsSource } from "../../server/sources/budgets.ts";
import { sdkInternalsRemoved, toSourceError } from "../../server/sources/errors.ts";
import { memoryStore } from "../../server/store/index.ts";

describe("the cache under 1,000 distinct ranges", () => {
  test("memory stays under its byte and entry bounds and the store under its byte bound", async () => {
    // Prepare: values of about 20 KB, like a custom-range metrics panel.
    const db = await memoryStore();
    const store = new CacheStore(db);
    let t = Date.parse("2026-11-18T00:00:00Z");
    const maxBytes = 1_000_000;
    const maxStoredBytes = 2_000_000;
    const cache = new SwrCache({
      now: () => t,
      store,
      describeError: () => ({ code: "X", message: "x" }),
      maxBytes,
      maxEntries: 200,
      maxStoredBytes,
      pruneEvery: 10,
    });
    const value = (i: number) => ({
      range: i,
      points: Array.from({ length: 1_000 }, (_, k) => [k, i * 0.5]),
    });
    // Act
    for (let i = 0; i < 1_000; i++) {
      t += 1_000;
      await cache.get(`metrics:{"start":${i}}`, 60_000, async () => value(i));
    }
    // Assess
    const stats = cache.stats();
    assert.ok(stats.bytes <= maxBytes, `held ${stats.bytes} bytes`);
    assert.ok(stats.entries < 200 && stats.entries > 10, `held ${stats.entries} entries`);
    const stored = (await db.sql.get<{ n: number; bytes: number }>(
      "SELECT COUNT(*) AS n, SUM(length(value)) AS bytes FROM cache_entries",
      [],
    ))!;
    // Pruned every 10 writes: at most 10 entries past the bound between prunes.
    assert.ok(
      stored.bytes <= maxStoredBytes + 10 * 25_000,
      `stored ${stored.bytes} bytes in ${stored.n} rows`,
    );
    assert.ok(stored.n < 1_000);
    // The newest entry is still served from memory without a fetch.
    let fetched = 0;
    const last = await cache.get('metrics:{"start":999}', 60_000, async () => {
      fetched += 1;
      return value(999);
    });
    assert.equal(fetched, 0);
    assert.equal((last.value as { range: number }).range, 999);
    await db.close();
  });

  test("a fetch that never settles answers after the wait limit with an error, and later requests join it", async () => {
    const cache = new SwrCache({
      now: () => 0,
      describeError: () => ({ code: "X", message: "x" }),
      waitMs: 20,
    });
    let release: (v: number) => void = () => undefined;
    let starts = 0;
    const hang = () => {
      starts += 1;
      return new Promise<number>((resolve) => {
        release = resolve;
      });
    };
    // The cache's wait timer does not hold the process open (a server's socket does): this does.
    const alive = setInterval(() => undefined, 1_000);
    after(() => clearInterval(alive));
    const first = await cache.get("k", 60_000, hang);
    assert.equal(first.value, null);
    assert.equal(first.error?.code, "SourceTimeout");
    const second = await cache.get("k", 60_000, hang);
    assert.equal(second.error?.code, "SourceTimeout");
    assert.equal(starts, 1);
    release(7);
    await cache.settle();
    assert.equal((await cache.get("k", 60_000, hang)).value, 7);
  });
});

describe("HourlyCap (Cost Explorer requests)", () => {
  test("allows up to the cap in a sliding hour, then says how long to wait", () => {
    let t = 0;
    const cap = new HourlyCap(10, () => t);
    assert.equal(cap.wait(), 0);
    cap.record(4);
    t = 600_000;
    cap.record(6);
    assert.equal(cap.wait(), 3_000_000);
    t = 3_600_001;
    assert.equal(cap.wait(), 0);
  });
});

describe("cost guard", () => {
  const base = { estimateUsd: 112.31, unpriced: [], ceiling: 1, yes: false, billed: true };
  test("refuses above the config ceiling without --yes; --yes or the sandbox go", () => {
    const refused = costDecision(base);
    assert.equal(refused.go, false);
    assert.match(refused.go ? "" : refused.reason, /\$112\.3100 is above bench\.maxCostUsd \(config\) \$1\b/);
    assert.equal(costDecision({ ...base, yes: true }).go, true);
    assert.equal(costDecision({ ...base, billed: false }).go, true);
    assert.equal(costDecision({ ...base, estimateUsd: 0.5 }).go, true);
  });
  test("--max-cost replaces the ceiling and holds in the sandbox too", () => {
    assert.equal(costDecision({ ...base, maxCost: 200 }).go, true);
    assert.equal(costDecision({ ...base, billed: false, maxCost: 100 }).go, false);
    const unpriced = costDecision({ ...base, estimateUsd: 0.1, maxCost: 5, unpriced: ["x.model-v1:0"] });
    assert.equal(unpriced.go, false);
  });
  test("a schedule above the ceiling is a config problem unless it carries its own maxCostUsd", () => {
    assert.match(
      scheduleCostProblem(0, 3.2, undefined, 1) ?? "",
      /^bench\.schedules\[0\]: .*"maxCostUsd": 3\.2/,
    );
    assert.equal(scheduleCostProblem(0, 3.2, 5, 1), null);
    assert.equal(scheduleCostProblem(1, 0.2, undefined, 1), null);
  });
});

describe("CSV formula injection", () => {
  test("text a spreadsheet would run is neutralised; numbers stay numbers", () => {
    assert.equal(
      csvCell('=HYPERLINK("http://evil.example","x")'),
      `"'=HYPERLINK(""http://evil.example"",""x"")"`,
    );
    for (const text of ["+1+2", "-2+3", "@SUM(A1)", "\t=1", " =1", "\uFF1D1"])
      assert.ok(csvCell(text).replace(/^"/, "").startsWith("'"), text);
    assert.equal(csvCell(-5), "-5");
    assert.equal(csvCell("plain"), "plain");
  });
  test("the benchmark export neutralises an error message", () => {
    const row = {
      runId: "r1",
      seq: 0,
      errorMessage: '=HYPERLINK("x")',
      qualityFailures: ["@x"],
    } as unknown as RequestRow;
    const csv = exportCsv([row]);
    assert.ok(csv.includes(`"'=HYPERLINK(""x"")"`));
    assert.ok(csv.includes(",'@x,"));
  });
});

describe("config file mistakes", () => {
  const dir = mkdtempSync(join(tmpdir(), "bedrock-ops-cfg-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const problems = (path: string) => {
    try {
      loadConfig({ path, env: {} });
      return [];
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      return [...err.problems];
    }
  };

  test("a directory, deep nesting, __proto__ and an empty file each get their own message", () => {
    mkdirSync(join(dir, "config.json"));
    assert.match(problems(join(dir, "config.json"))[0] ?? "", /is a directory, not a file/);
    writeFileSync(join(dir, "deep.json"), `{"aws":${"[".repeat(200)}${"]".repeat(200)}}`);
    assert.match(problems(join(dir, "deep.json"))[0] ?? "", /nested more than 32 levels/);
    writeFileSync(join(dir, "proto.json"), '{"server":{"__proto__":{"token":"x"}}}');
    assert.match(
      problems(join(dir, "proto.json"))[0] ?? "",
      /^server\.__proto__: the key "__proto__" is not allowed/,
    );
    writeFileSync(join(dir, "empty.json"), "  \n");
    assert.match(problems(join(dir, "empty.json"))[0] ?? "", /the file is empty/);
  });

  test("a UTF-8 byte-order mark is accepted", () => {
    writeFileSync(join(dir, "bom.json"), '\uFEFF{"mode":"sandbox","server":{"port":3100}}');
    assert.equal(loadConfig({ path: join(dir, "bom.json"), env: {} }).server.port, 3100);
  });

  test("an unreadable file says permission denied", {
    skip: process.getuid?.() === 0 ? "root reads every file" : false,
  }, () => {
    writeFileSync(join(dir, "locked.json"), "{}");
    chmodSync(join(dir, "locked.json"), 0);
    assert.match(problems(join(dir, "locked.json"))[0] ?? "", /permission denied/);
  });

  test("tokens are trimmed and weak ones refused at start", () => {
    assert.equal(parseConfig({ server: { token: "  abcdefgh12345678\n" } }).server.token, "abcdefgh12345678");
    assert.throws(() => parseConfig({ server: { token: "                    " } }), /at least 16 characters/);
    assert.throws(() => parseConfig({ server: { token: "aaaaaaaaaaaaaaaaaaaa" } }), /too weak/);
    assert.throws(
      () =>
        loadConfig({ env: { BEDROCK_OPS_TOKEN: "short-token\n" }, cwd: dir, path: join(dir, "bom.json") }),
      /at least 16/,
    );
  });
});

describe("process guard", () => {
  test("logs one line with no stack for what escapes, and the process goes on", () => {
    const lines: string[] = [];
    // The test runner owns the real process events; the guard is the same on any emitter.
    const target = new EventEmitter();
    const remove = installProcessGuard((l) => lines.push(l), target);
    try {
      target.emit(
        "unhandledRejection",
        new TypeError("Cannot read properties of undefined\n    at x (y.ts:1:1)"),
        Promise.resolve(),
      );
      target.emit("uncaughtException", new RangeError("bad"));
    } finally {
      remove();
    }
    assert.deepEqual(lines, [
      "unhandled rejection (still serving): TypeError: Cannot read properties of undefined",
      "uncaught exception (still serving): RangeError: bad",
    ]);
    assert.equal(describeEscaped("text"), "string");
  });
});

describe("error text", () => {
  test("SDK developer hints never reach the page", () => {
    const err = Object.assign(
      new Error(
        "Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.",
      ),
      { name: "SyntaxError" },
    );
    const source = toSourceError("GetMetricData", err);
    assert.doesNotMatch(source.message, /\$response|hidden field/);
    assert.equal(source.message, "GetMetricData failed (SyntaxError): Deserialization error.");
    assert.equal(sdkInternalsRemoved("Rate exceeded"), "Rate exceeded");
  });
});

describe("one failing budget", () => {
  test("keeps the other budgets and its own figures, and says why its thresholds are missing", async () => {
    const budget = (name: string) => ({
      BudgetName: name,
      BudgetLimit: { Amount: "10.0", Unit: "USD" },
      CalculatedSpend: { ActualSpend: { Amount: "8.5", Unit: "USD" } },
      TimeUnit: "MONTHLY",
      BudgetType: "COST",
    });
    const client = {
      send: async (command: { constructor: { name: string }; input: { BudgetName?: string } }) => {
        if (command.constructor.name === "DescribeBudgetsCommand")
          return { Budgets: [budget("a"), budget("b")] };
        if (command.input.BudgetName === "b")
          throw Object.assign(new Error("User: x is not authorized"), { name: "AccessDeniedException" });
        return {
          Notifications: [
            {
              NotificationType: "ACTUAL",
              ComparisonOperator: "GREATER_THAN",
              Threshold: 80,
              ThresholdType: "PERCENTAGE",
            },
          ],
        };
      },
    } as unknown as BudgetsClient;
    const views = await new BudgetsSource(client, new AccountId({} as STSClient, "123456789012")).fetch();
    assert.deepEqual(
      views.map((v) => [v.name, v.actual, v.thresholds.length]),
      [
        ["a", 8.5, 1],
        ["b", 8.5, 0],
      ],
    );
    assert.match(views[1]!.thresholdsError ?? "", /DescribeNotificationsForBudget was denied/);
    assert.equal(views[0]!.thresholdsError, undefined);
  });
});

describe("sessions and login throttle", () => {
  test("sessions are random, expire, and are revoked", () => {
    let t = 0;
    const sessions = new SessionStore(1_000, () => t);
    const a = sessions.create();
    const b = sessions.create();
    assert.notEqual(a.id, b.id);
    assert.match(a.id, /^[A-Za-z0-9_-]{43}$/);
    assert.ok(sessions.valid(a.id));
    assert.ok(sessions.revoke(a.id));
    assert.ok(!sessions.valid(a.id));
    t = 1_000;
    assert.ok(!sessions.valid(b.id));
  });
  test("the global ceiling holds against many addresses", () => {
    let t = 0;
    const throttle = new LoginThrottle(() => t, { perClient: 5, global: 30, windowMs: 60_000 });
    for (let i = 0; i < 30; i++) throttle.fail(`10.0.0.${i}`);
    assert.ok(throttle.wait("10.0.1.1") > 0);
    t = 60_001;
    assert.equal(throttle.wait("10.0.1.1"), 0);
  });
});

describe("content negotiation", () => {
  test("brotli before gzip; q=0 refuses", () => {
    assert.equal(chooseEncoding("gzip, deflate, br"), "br");
    assert.equal(chooseEncoding("gzip, br;q=0"), "gzip");
    assert.equal(chooseEncoding("identity"), "identity");
    assert.equal(chooseEncoding("*"), "br");
    assert.equal(chooseEncoding(undefined), "identity");
  });
});
