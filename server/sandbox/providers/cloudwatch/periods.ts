/**
 * Period rules and time alignment, per the GetMetricData and MetricStat API reference:
 * - Period is 1, 5, 10, 20, 30 (high resolution) or a multiple of 60 seconds.
 * - StartTime is rounded down to the minute (under 15 days old), to 5 minutes (15-63 days),
 *   to the hour (older); with a sub-minute period, to a multiple of that period.
 * - Retention: data older than 3 h needs a period of at least 60 s, older than 15 days a multiple
 *   of 300 s, older than 63 days a multiple of 3600 s, and nothing is kept past 455 days; a
 *   datapoint whose period does not meet the rule for its age returns no data.
 */
import { invalidValue } from "./validation.ts";

const HOUR = 3_600_000;
const DAY = 86_400_000;
const HIGH_RES = new Set([1, 5, 10, 20, 30]);

export function validatePeriod(period: number, path: string): void {
  if (!Number.isInteger(period) || period < 1 || (!HIGH_RES.has(period) && period % 60 !== 0)) {
    throw invalidValue(
      `The parameter ${path} must be 1, 5, 10, 20, 30 or a multiple of 60 seconds; got ${period}.`,
    );
  }
}

/** StartTime rounded down as CloudWatch does, for the given period (seconds) and current time. */
export function alignStart(start: number, periodSeconds: number, now: number): number {
  if (periodSeconds < 60) return Math.floor(start / (periodSeconds * 1000)) * periodSeconds * 1000;
  const age = now - start;
  const unit = age < 15 * DAY ? 60_000 : age < 63 * DAY ? 300_000 : HOUR;
  return Math.floor(start / unit) * unit;
}

/** Whether CloudWatch still holds data at this period for a datapoint starting at `bucketStart`. */
export function retained(bucketStart: number, periodSeconds: number, now: number): boolean {
  const age = now - bucketStart;
  if (age > 455 * DAY) return false;
  if (age > 63 * DAY) return periodSeconds % 3600 === 0;
  if (age > 15 * DAY) return periodSeconds % 300 === 0;
  if (age > 3 * HOUR) return periodSeconds >= 60;
  return true;
}

/** Start times of the periods in [alignedStart, end). */
export function periodGrid(alignedStart: number, end: number, periodSeconds: number): number[] {
  const out: number[] = [];
  const step = periodSeconds * 1000;
  for (let t = alignedStart; t < end; t += step) out.push(t);
  return out;
}
