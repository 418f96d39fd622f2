/**
 * Parsing and validation of GetMetricData's MetricDataQueries, as the API reference states:
 * Id starts with a lowercase letter, holds letters, digits and underscores, and is unique;
 * each query has exactly one of MetricStat or Expression; MetricStat has Metric, Period, Stat.
 */

import { validatePeriod } from "./periods.ts";
import type { MetricId } from "./series.ts";
import { parseStatistic, type Statistic } from "./stats.ts";
import {
  invalidCombination,
  invalidValue,
  isObject,
  missingParameter,
  optionalNumber,
  optionalString,
  optionalUnit,
  readDimensions,
  requiredString,
  validationError,
} from "./validation.ts";

interface QueryBase {
  index: number;
  id: string;
  label?: string;
  returnData: boolean;
  /** The source account to read (cross-account observability); the caller's when absent. */
  accountId?: string;
}

export interface StatQuery extends QueryBase {
  kind: "stat";
  metric: MetricId;
  period: number;
  stat: Statistic;
  unit?: string;
}

export interface ExpressionQuery extends QueryBase {
  kind: "expression";
  expression: string;
  period?: number;
}

export type MetricQuery = StatQuery | ExpressionQuery;

export const MAX_QUERIES = 500;
const ID_PATTERN = /^[a-z][a-zA-Z0-9_]*$/;

export function parseQueries(raw: unknown): MetricQuery[] {
  if (raw === undefined || raw === null || (Array.isArray(raw) && raw.length === 0))
    throw missingParameter("MetricDataQueries");
  if (!Array.isArray(raw))
    throw invalidValue("The value for parameter MetricDataQueries must be a list of MetricDataQuery.");
  // Message as CloudWatch reports it (ValidationError) when a call exceeds the 500-query limit.
  if (raw.length > MAX_QUERIES)
    throw validationError(
      `The collection MetricDataQueries must not have a size greater than ${MAX_QUERIES}.`,
    );
  const seen = new Map<string, number>();
  return raw.map((item, i) => {
    const n = i + 1;
    const path = `MetricDataQueries.member.${n}`;
    if (!isObject(item))
      throw invalidValue(`The value for parameter ${path} must be a MetricDataQuery object.`);
    const id = requiredString(item, "Id", `${path}.Id`);
    if (id.length > 255 || !ID_PATTERN.test(id)) {
      throw invalidValue(
        `The value ${id} for parameter ${path}.Id is invalid: an Id must start with a lowercase letter and contain only letters, numbers and underscores (e.g. m1, error_rate).`,
      );
    }
    const previous = seen.get(id);
    if (previous !== undefined) {
      throw invalidValue(
        `The value ${id} for parameter ${path}.Id is already used by MetricDataQueries.member.${previous}: each Id must be unique.`,
      );
    }
    seen.set(id, n);
    const label = optionalString(item, "Label", `${path}.Label`);
    const returnData = item.ReturnData !== false;
    const base: QueryBase =
      label === undefined ? { index: i, id, returnData } : { index: i, id, label, returnData };
    const accountId = optionalString(item, "AccountId", `${path}.AccountId`);
    if (accountId !== undefined) {
      if (accountId.length > 255)
        throw invalidValue(`The value for parameter ${path}.AccountId must be 1 to 255 characters long.`);
      base.accountId = accountId;
    }
    const expression = optionalString(item, "Expression", `${path}.Expression`);
    const hasStat = item.MetricStat !== undefined && item.MetricStat !== null;
    if (hasStat && expression !== undefined) {
      throw invalidCombination(
        `The parameters ${path}.MetricStat and ${path}.Expression are mutually exclusive and you have specified both.`,
      );
    }
    if (expression !== undefined) {
      if (expression.trim() === "" || expression.length > 2048)
        throw invalidValue(`The value for parameter ${path}.Expression must be 1 to 2048 characters long.`);
      const period = optionalNumber(item, "Period", `${path}.Period`);
      if (period !== undefined) validatePeriod(period, `${path}.Period`);
      return period === undefined
        ? { ...base, kind: "expression", expression }
        : { ...base, kind: "expression", expression, period };
    }
    // Moto's record of the AWS answer: ValidationError with this text and a trailing newline.
    if (!hasStat) throw validationError(`The parameter ${path}.MetricStat is required.\n`);
    return { ...base, ...parseMetricStat(item.MetricStat, `${path}.MetricStat`) };
  });
}

function parseMetricStat(raw: unknown, path: string): Omit<StatQuery, keyof QueryBase> {
  if (!isObject(raw)) throw invalidValue(`The value for parameter ${path} must be a MetricStat object.`);
  const metric = raw.Metric;
  if (!isObject(metric)) throw missingParameter(`${path}.Metric`);
  const namespace = requiredString(metric, "Namespace", `${path}.Metric.Namespace`);
  const metricName = requiredString(metric, "MetricName", `${path}.Metric.MetricName`);
  const dimensions = readDimensions(metric.Dimensions, `${path}.Metric.Dimensions`);
  const period = optionalNumber(raw, "Period", `${path}.Period`);
  if (period === undefined) throw missingParameter(`${path}.Period`);
  validatePeriod(period, `${path}.Period`);
  const statText = requiredString(raw, "Stat", `${path}.Stat`);
  const stat = parseStatistic(statText);
  if (!stat) {
    throw invalidValue(
      `The value ${statText} for parameter ${path}.Stat is invalid. Use SampleCount, Average, Sum, Minimum, Maximum, a percentile such as p90 or p99.9, or a trimmed statistic such as tm90 or TM(10%:90%).`,
    );
  }
  const unit = optionalUnit(raw, "Unit", `${path}.Unit`);
  const out: Omit<StatQuery, keyof QueryBase> = {
    kind: "stat",
    metric: { Namespace: namespace, MetricName: metricName, Dimensions: dimensions },
    period,
    stat,
  };
  if (unit !== undefined) out.unit = unit;
  return out;
}
