/**
 * Time ranges and the CloudWatch period chosen for them. CloudWatch keeps 1-minute data for
 * 15 days, 5-minute data for 63 days and 1-hour data for 455 days; a period finer than the
 * retention of the range's start returns nothing, so the period is chosen from both the range
 * length (at most `maxPoints` points per series) and the age of its start.
 */
export const PRESETS = {
  "1h": 3_600,
  "3h": 10_800,
  "12h": 43_200,
  "24h": 86_400,
  "7d": 604_800,
  "30d": 2_592_000,
} as const;
export type Preset = keyof typeof PRESETS;

export const PERIODS = [60, 300, 900, 3_600, 21_600, 86_400] as const;
const DAY_S = 86_400;
/** GetMetricData returns at most 100,800 datapoints per call. */
export const MAX_DATAPOINTS_PER_CALL = 100_800;
export const DEFAULT_MAX_POINTS = 1_440;

export interface TimeRange {
  /** Inclusive start, aligned to the period. */
  start: Date;
  /** Exclusive end, aligned to the period. */
  end: Date;
  preset: Preset | null;
  periodSeconds: number;
}

/** The smallest period still retained for data that old (CloudWatch's retention schedule). */
export function retentionFloor(start: Date, now: Date): number {
  const ageDays = (now.getTime() - start.getTime()) / 1000 / DAY_S;
  if (ageDays > 63) return 3_600;
  if (ageDays > 15) return 300;
  return 60;
}

/** The period for a range: at most `maxPoints` points per series and no finer than retention allows. */
export function choosePeriod(start: Date, end: Date, now: Date, maxPoints = DEFAULT_MAX_POINTS): number {
  const seconds = Math.max(60, (end.getTime() - start.getTime()) / 1000);
  const floor = retentionFloor(start, now);
  const points = Math.max(1, maxPoints);
  for (const p of PERIODS) if (p >= floor && seconds / p <= points) return p;
  return 86_400;
}

/** Align a range outward to whole periods: start floored, end ceiled. */
export function alignRange(start: Date, end: Date, periodSeconds: number): { start: Date; end: Date } {
  const p = periodSeconds * 1000;
  return {
    start: new Date(Math.floor(start.getTime() / p) * p),
    end: new Date(Math.ceil(end.getTime() / p) * p),
  };
}

/** Build a range from a preset ending now, aligned to its period. */
export function presetRange(preset: Preset, now: Date, maxPoints = DEFAULT_MAX_POINTS): TimeRange {
  const start = new Date(now.getTime() - PRESETS[preset] * 1000);
  return explicitRange(start, now, now, maxPoints, preset);
}

export function explicitRange(
  start: Date,
  end: Date,
  now: Date,
  maxPoints = DEFAULT_MAX_POINTS,
  preset: Preset | null = null,
): TimeRange {
  const periodSeconds = choosePeriod(start, end, now, maxPoints);
  const aligned = alignRange(start, end, periodSeconds);
  return { ...aligned, preset, periodSeconds };
}

/** Re-derive a range's period for a different point budget (e.g. many series in one call). */
export function withMaxPoints(range: TimeRange, now: Date, maxPoints: number): TimeRange {
  const periodSeconds = Math.max(range.periodSeconds, choosePeriod(range.start, range.end, now, maxPoints));
  if (periodSeconds === range.periodSeconds) return range;
  return { ...alignRange(range.start, range.end, periodSeconds), preset: range.preset, periodSeconds };
}

/** UTC calendar day (YYYY-MM-DD) of a date. */
export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  return isoDay(new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_S * 1000));
}

/** First day of the month of `day` (YYYY-MM-DD). */
export function monthStart(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

/** First day of the month after the month of `day`. */
export function nextMonthStart(day: string): string {
  const [y, m] = [Number(day.slice(0, 4)), Number(day.slice(5, 7))];
  return isoDay(new Date(Date.UTC(y, m, 1)));
}
