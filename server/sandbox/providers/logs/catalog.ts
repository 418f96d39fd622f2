/**
 * The sandbox's log groups (one `/aws/lambda/<function>` per workload function, and the model
 * invocation log group when invocation logging to CloudWatch Logs is on) and their log streams,
 * with the metadata DescribeLogGroups / DescribeLogStreams return.
 */
import type { SandboxContext } from "../../core/types.ts";
import { INVOCATION_LOG_STREAM, invocationLogGroupOf } from "../../workload/invocation-logging.ts";
import type { Workload } from "../../workload/model.ts";
import { hash32, hashString } from "../../workload/random.ts";
import { functionOfGroup, LAMBDA_PREFIX } from "./events.ts";
import { groupNotFound } from "./input.ts";
import { assignStreams } from "./streams.ts";

/** Average bytes of one invocation's five or six lines, for storedBytes (AWS's own figure lags too). */
const BYTES_PER_INVOCATION = 540;

export interface LogGroupInfo {
  logGroupName: string;
  creationTime: number;
  metricFilterCount: number;
  arn: string;
  storedBytes: number;
  logGroupClass: "STANDARD";
  logGroupArn: string;
}

export interface LogStreamInfo {
  logStreamName: string;
  creationTime: number;
  firstEventTimestamp: number;
  lastEventTimestamp: number;
  lastIngestionTime: number;
  uploadSequenceToken: string;
  arn: string;
  storedBytes: number;
}

export class LogCatalog {
  private readonly streamState = new Map<string, { until: number; byName: Map<string, LogStreamInfo> }>();

  constructor(private readonly ctx: SandboxContext) {}

  groupNames(): string[] {
    return this.groupNamesOf(this.ctx.workload);
  }

  /**
   * The log groups of an account's workload (this account's or a linked source account's): the
   * functions' groups, and the model invocation log group when logging to CloudWatch Logs is on.
   */
  groupNamesOf(workload: Workload): string[] {
    const names = workload.functions.map((fn) => `${LAMBDA_PREFIX}${fn}`);
    const invocations = invocationLogGroupOf(workload);
    if (invocations) names.push(invocations);
    return names.sort();
  }

  /** The group's name, or ResourceNotFoundException as AWS sends it. */
  requireGroup(name: string): string {
    if (!this.groupNames().includes(name)) throw groupNotFound();
    return name;
  }

  groupArn(name: string): string {
    return `arn:aws:logs:${this.ctx.defaultRegion}:${this.ctx.accountId}:log-group:${name}`;
  }

  describeGroup(name: string): LogGroupInfo {
    const fn = functionOfGroup(name);
    const w = this.ctx.workload;
    const from = w.historyStart();
    const now = w.now();
    let expected = 0;
    // The invocation log group: about one 600-byte record per Bedrock call, as many as invocations.
    for (const f of fn === undefined ? w.functions : [fn])
      for (let t = from; t < now; t += 3_600_000) expected += w.rate(f, t) * 60;
    return {
      logGroupName: name,
      creationTime: from,
      metricFilterCount: 0,
      arn: `${this.groupArn(name)}:*`,
      storedBytes: Math.round(expected * BYTES_PER_INVOCATION),
      logGroupClass: "STANDARD",
      logGroupArn: this.groupArn(name),
    };
  }

  /**
   * Every stream of a group over the workload's history. Built once, then extended as the clock
   * moves (stream assignment is a pure function of each invocation, so extending is exact).
   */
  streams(name: string): LogStreamInfo[] {
    const w = this.ctx.workload;
    const now = w.now();
    const fn = functionOfGroup(name);
    if (fn === undefined) return [this.invocationStream(name)];
    let state = this.streamState.get(name);
    if (!state) {
      state = { until: w.historyStart(), byName: new Map() };
      this.streamState.set(name, state);
    }
    if (now + 1 > state.until) {
      for (const { inv, stream } of assignStreams(w, fn, state.until, now + 1)) {
        const end = Math.round(inv.start + (inv.initMs ?? 0) + inv.durationMs);
        const existing = state.byName.get(stream);
        if (existing) {
          existing.lastEventTimestamp = Math.max(existing.lastEventTimestamp, end);
          continue;
        }
        const h = hashString(stream);
        state.byName.set(stream, {
          logStreamName: stream,
          creationTime: inv.start,
          firstEventTimestamp: inv.start,
          lastEventTimestamp: end,
          lastIngestionTime: end,
          uploadSequenceToken:
            String(hash32(h, 1)).padStart(10, "0") + String(hash32(h, 2)).padStart(10, "0"),
          arn: `${this.groupArn(name)}:log-stream:${stream}`,
          storedBytes: 0,
        });
      }
      state.until = now + 1;
    }
    return [...state.byName.values()].map((s) => {
      const last = Math.min(s.lastEventTimestamp, now);
      return { ...s, lastEventTimestamp: last, lastIngestionTime: last + 420 };
    });
  }

  /** The invocation log group's one stream, `aws/bedrock/modelinvocations`, since the history began. */
  private invocationStream(name: string): LogStreamInfo {
    const w = this.ctx.workload;
    const now = w.now();
    const h = hashString(INVOCATION_LOG_STREAM);
    return {
      logStreamName: INVOCATION_LOG_STREAM,
      creationTime: w.historyStart(),
      firstEventTimestamp: w.historyStart(),
      lastEventTimestamp: now,
      lastIngestionTime: now + 420,
      uploadSequenceToken: String(hash32(h, 1)).padStart(10, "0") + String(hash32(h, 2)).padStart(10, "0"),
      arn: `${this.groupArn(name)}:log-stream:${INVOCATION_LOG_STREAM}`,
      storedBytes: 0,
    };
  }

  /** The time span in which a stream can have events (for GetLogEvents). */
  streamSpan(name: string, stream: string): { from: number; to: number } | undefined {
    const info = this.streams(name).find((s) => s.logStreamName === stream);
    if (!info) return undefined;
    return { from: info.firstEventTimestamp, to: info.lastEventTimestamp + 1 };
  }
}
