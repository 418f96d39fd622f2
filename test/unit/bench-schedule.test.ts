import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createBenchScheduler, fireTimesBetween, scheduleProblems } from "../../server/bench/schedule.ts";
import { BenchStore } from "../../server/bench/store.ts";
import { memoryStore } from "../../server/store/index.ts";

const at = (iso: string) => new Date(iso);

describe("benchmark schedules", () => {
  it("lists the fire times of a cron expression in a window (UTC)", () => {
    const times = fireTimesBetween("0 6 * * *", at("2026-11-20T05:00:00Z"), at("2026-11-22T06:00:00Z"));
    assert.deepEqual(
      times.map((t) => t.toISOString()),
      ["2026-11-20T06:00:00.000Z", "2026-11-21T06:00:00.000Z", "2026-11-22T06:00:00.000Z"],
    );
  });

  it("names a bad cron expression", () => {
    const problems = scheduleProblems([
      { cron: "0 6 * * *", suite: "twin" },
      { cron: "61 * * * *", suite: "twin" },
    ]);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /^bench\.schedules\[1\]\.cron: got "61 \* \* \* \*";/);
  });

  it("runs a due schedule, reports runs missed while the server was down, never runs a suite twice at once", async () => {
    // Prepare: one daily schedule, a run that stays in flight until we release it
    const store = new BenchStore(await memoryStore());
    let clock = at("2026-11-20T05:59:00Z");
    const started: string[] = [];
    let release: () => void = () => {};
    const schedules = [{ cron: "0 6 * * *", suite: "twin" }];
    const make = () =>
      createBenchScheduler({
        schedules,
        store,
        now: () => clock,
        tickMs: 3_600_000,
        run: (s) => {
          started.push(`${s.suite}@${clock.toISOString()}`);
          return new Promise((resolve) => {
            release = () => resolve({ runId: `run-${started.length}` });
          });
        },
      });
    const first = make();
    assert.deepEqual(await first.start(), []);

    // Act 1: 06:00 passes -> one run starts
    clock = at("2026-11-20T06:00:30Z");
    await first.tick();
    assert.deepEqual(started, ["twin@2026-11-20T06:00:30.000Z"]);

    // Act 2: the next day's fire time arrives while the first run is still going
    clock = at("2026-11-21T06:00:10Z");
    await first.tick();
    assert.equal(started.length, 1, "a second run of the same suite must not start");
    const missed = (await first.status()).missed;
    assert.deepEqual(
      missed.map((m) => [m.dueAt, m.reason]),
      [["2026-11-21T06:00:00.000Z", "the previous run of this suite was still running"]],
    );
    release();
    await first.stop();

    // Act 3: the server is down for two days, then starts again
    clock = at("2026-11-23T09:00:00Z");
    const second = make();
    const reported = await second.start();
    await second.stop();

    // Assess
    assert.deepEqual(
      reported.map((m) => [m.suite, m.dueAt, m.reason]),
      [
        ["twin", "2026-11-22T06:00:00.000Z", "the server was not running"],
        ["twin", "2026-11-23T06:00:00.000Z", "the server was not running"],
      ],
    );
    const status = await second.status();
    assert.equal(status.missed.length, 3);
    assert.equal(status.schedules[0]!.nextAt, "2026-11-24T06:00:00.000Z");
  });
});
