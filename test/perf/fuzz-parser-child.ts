/**
 * The Logs Insights parser property in its own process, so that a hang can be detected and
 * reported: before each parse the input is written (synchronously) to argv[3]; progress and
 * the result go to the parent over IPC. Usage: fuzz-parser-child.ts <seconds> <input-file> <seed>
 */
import { closeSync, ftruncateSync, openSync, writeSync } from "node:fs";
import fc from "fast-check";
import { anyQuery, checkParse } from "./properties/logs-parser.ts";

export interface ParserProgress {
  /** "started" once loaded (the parent's stall watchdog starts then), "progress" at least once a second. */
  type: "started" | "progress" | "done";
  runs: number;
  parsed: number;
  malformed: number;
  slowestMs: number;
  slowestInput: string;
  failure?: string;
}

const seconds = Number(process.argv[2] ?? 10);
const fd = openSync(process.argv[3] ?? "/dev/null", "w");
const seed = Number(process.argv[4] ?? Date.now());
const state: ParserProgress = {
  type: "progress",
  runs: 0,
  parsed: 0,
  malformed: 0,
  slowestMs: 0,
  slowestInput: "",
};

const property = fc.property(anyQuery, (q) => {
  ftruncateSync(fd, 0);
  writeSync(fd, q, 0);
  const t0 = performance.now();
  const outcome = checkParse(q);
  const ms = performance.now() - t0;
  if (ms > state.slowestMs) {
    state.slowestMs = ms;
    state.slowestInput = q;
  }
  state.runs += 1;
  if (outcome === "parsed") state.parsed += 1;
  else state.malformed += 1;
  if (state.runs % 200 === 0 && performance.now() - lastSent > 1_000) {
    lastSent = performance.now();
    process.send?.({ ...state });
  }
});

let lastSent = performance.now();
process.send?.({ ...state, type: "started" });

const details = fc.check(property, {
  seed,
  numRuns: Number.MAX_SAFE_INTEGER,
  interruptAfterTimeLimit: seconds * 1000,
  markInterruptAsFailure: false,
});
closeSync(fd);
const failure = details.failed ? fc.defaultReportMessage(details) : undefined;
process.send?.({ ...state, type: "done", ...(failure ? { failure } : {}) }, () => process.disconnect?.());
