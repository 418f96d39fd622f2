/**
 * How CloudWatch evaluates a metric alarm (CloudWatch User Guide, "Evaluating an alarm"): at each
 * period boundary T, the last EvaluationPeriods periods before T each give one datapoint (the
 * alarm's statistic over the period's samples, or missing); the alarm goes to ALARM when at least
 * DatapointsToAlarm of them breach the threshold, to OK when enough are present and fewer breach,
 * and TreatMissingData (missing | notBreaching | breaching | ignore) decides what missing ones count
 * as. Reasons are worded as AWS words them, e.g.
 * "Threshold Crossed: 1 out of the last 1 datapoints [3.0 (18/11/26 14:32:00)] was greater than or
 * equal to the threshold (1.0) (minimum 1 datapoint for OK -> ALARM transition)."
 */
import type { SeriesSource } from "./series.ts";
import { parseStatistic, Samples } from "./stats.ts";

export type AlarmState = "OK" | "ALARM" | "INSUFFICIENT_DATA";

export const OPERATORS = {
  GreaterThanOrEqualToThreshold: {
    words: "greater than or equal to",
    test: (v: number, t: number) => v >= t,
  },
  GreaterThanThreshold: { words: "greater than", test: (v: number, t: number) => v > t },
  LessThanThreshold: { words: "less than", test: (v: number, t: number) => v < t },
  LessThanOrEqualToThreshold: { words: "less than or equal to", test: (v: number, t: number) => v <= t },
} as const;
export type Operator = keyof typeof OPERATORS;

export interface AlarmRule {
  stat: string;
  periodSeconds: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  threshold: number;
  operator: Operator;
  treatMissingData: "missing" | "notBreaching" | "breaching" | "ignore";
  unit?: string;
}

export interface Verdict {
  /** undefined: keep the current state (TreatMissingData ignore with no data). */
  state: AlarmState | undefined;
  reason: string;
  reasonData: Record<string, unknown>;
}

export interface Datapoint {
  timestamp: number;
  value: number | undefined;
  sampleCount: number;
}

/** The statistic of each of the last `evaluationPeriods` periods ending at T, oldest first. */
export function datapoints(source: SeriesSource | undefined, rule: AlarmRule, at: number): Datapoint[] {
  const step = rule.periodSeconds * 1000;
  const stat = parseStatistic(rule.stat);
  const out: Datapoint[] = [];
  for (let k = rule.evaluationPeriods; k >= 1; k--) {
    const from = at - k * step;
    const samples = new Samples();
    source?.collect(from, from + step, rule.unit, () => samples);
    const value = samples.count > 0 && stat ? stat.compute(samples) : undefined;
    out.push({ timestamp: from, value, sampleCount: samples.count });
  }
  return out;
}

/** 3 -> "3.0", 0.5 -> "0.5" (Java's Double.toString, as AWS prints datapoints and thresholds). */
export function javaDouble(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e7) return `${x}.0`;
  if (Math.abs(x) >= 1e7) {
    const [m, e] = x.toExponential().split("e");
    return `${m!.includes(".") ? m : `${m}.0`}E${Number(e)}`;
  }
  return String(x);
}

/** dd/MM/yy HH:mm:ss in UTC, as StateReason prints datapoint times. */
function shortDate(t: number): string {
  const d = new Date(t);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCFullYear() % 100)} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/** ISO time as AWS writes it inside StateReasonData: 2026-11-18T14:33:20.123+0000. */
export function awsIso(t: number): string {
  return new Date(t).toISOString().replace("Z", "+0000");
}

export function evaluate(points: Datapoint[], rule: AlarmRule, current: AlarmState, at: number): Verdict {
  const op = OPERATORS[rule.operator];
  const present = points.filter((p) => p.value !== undefined);
  const missing = points.length - present.length;
  let breaching = present.filter((p) => op.test(p.value!, rule.threshold)).length;
  let counted = present.length;
  if (rule.treatMissingData === "breaching") {
    breaching += missing;
    counted += missing;
  } else if (rule.treatMissingData === "notBreaching") counted += missing;
  const reasonData: Record<string, unknown> = {
    version: "1.0",
    queryDate: awsIso(at),
    startDate: awsIso(points[0]?.timestamp ?? at),
    ...(rule.stat.startsWith("p") ? { extendedStatistic: rule.stat } : { statistic: rule.stat }),
    ...(rule.unit ? { unit: rule.unit } : {}),
    period: rule.periodSeconds,
    recentDatapoints: [...present].reverse().map((p) => p.value),
    threshold: rule.threshold,
    evaluatedDatapoints: [...points]
      .reverse()
      .map((p) =>
        p.value === undefined
          ? { timestamp: awsIso(p.timestamp) }
          : { timestamp: awsIso(p.timestamp), sampleCount: p.sampleCount, value: p.value },
      ),
  };
  if (counted === 0) {
    if (rule.treatMissingData === "ignore")
      return {
        state: undefined,
        reason: "No datapoints: state maintained (TreatMissingData ignore).",
        reasonData,
      };
    const n = points.length;
    return {
      state: "INSUFFICIENT_DATA",
      reason: `Insufficient Data: ${n} datapoint${n === 1 ? " was" : "s were"} unknown.`,
      reasonData,
    };
  }
  const alarm = breaching >= rule.datapointsToAlarm;
  const shown = [...present]
    .reverse()
    .filter((p) => op.test(p.value!, rule.threshold) === alarm)
    .map((p) => `${javaDouble(p.value!)} (${shortDate(p.timestamp)})`);
  const count = alarm ? breaching : counted - breaching;
  const verb = count === 1 ? "was" : "were";
  const min = alarm ? rule.datapointsToAlarm : rule.evaluationPeriods - rule.datapointsToAlarm + 1;
  const transition = alarm ? `${current} -> ALARM` : `${current} -> OK`;
  const reason = `Threshold Crossed: ${count} out of the last ${rule.evaluationPeriods} datapoints [${shown.join(", ")}] ${verb} ${alarm ? "" : "not "}${op.words} the threshold (${javaDouble(rule.threshold)}) (minimum ${min} datapoint${min === 1 ? "" : "s"} for ${transition} transition).`;
  return { state: alarm ? "ALARM" : "OK", reason, reasonData };
}
