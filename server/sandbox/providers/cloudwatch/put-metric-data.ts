/**
 * PutMetricData into custom namespaces: Value, Values+Counts or StatisticValues per datum,
 * Timestamp (default now; at most two weeks old and two hours ahead), Dimensions, Unit and
 * StorageResolution 1 or 60. Namespaces starting with "AWS/" are reserved, as in AWS.
 * Limits from the PutMetricData API reference: 1000 metrics per call, 150 distinct values per datum.
 */
import type { CustomMetrics, StoredDatum } from "./custom-metrics.ts";
import {
  type Input,
  invalidCombination,
  invalidValue,
  isObject,
  missingParameter,
  optionalArray,
  optionalNumber,
  optionalTime,
  optionalUnit,
  readDimensions,
  requiredString,
} from "./validation.ts";

const MAX_DATA = 1000;
const MAX_VALUES = 150;
const WEEK2 = 14 * 86_400_000;
const AHEAD = 2 * 3_600_000;
const LIMIT = 2 ** 360;

function checkValue(v: unknown, path: string): number {
  if (
    typeof v !== "number" ||
    !Number.isFinite(v) ||
    Math.abs(v) > LIMIT ||
    (v !== 0 && Math.abs(v) < 2 ** -260)
  ) {
    throw invalidValue(
      `The value ${String(v)} for parameter ${path} is invalid: values must be finite numbers between -2^360 and 2^360.`,
    );
  }
  return v;
}

export function putMetricData(input: Input, store: CustomMetrics, now: number): Record<string, never> {
  const namespace = requiredString(input, "Namespace");
  if (namespace.length > 255)
    throw invalidValue("The value for parameter Namespace must be at most 255 characters long.");
  if (namespace.startsWith("AWS/")) {
    throw invalidValue(
      `The value ${namespace} for parameter Namespace is invalid. Namespaces starting with AWS/ are reserved for AWS services; use your own, e.g. BedrockOps/Benchmarks.`,
    );
  }
  const data = [...(optionalArray(input, "MetricData") ?? [])];
  for (const entity of optionalArray(input, "EntityMetricData") ?? []) {
    if (isObject(entity) && Array.isArray(entity.MetricData)) data.push(...entity.MetricData);
  }
  if (data.length === 0) throw missingParameter("MetricData");
  if (data.length > MAX_DATA)
    throw invalidValue(`The collection MetricData must not have a size greater than ${MAX_DATA}.`);
  const parsed = data.map((item, i) => parseDatum(item, `MetricData.member.${i + 1}`, now));
  for (const { name, dimensions, datum } of parsed)
    store.put({ Namespace: namespace, MetricName: name, Dimensions: dimensions }, datum);
  return {};
}

function parseDatum(item: unknown, path: string, now: number) {
  if (!isObject(item)) throw invalidValue(`The value for parameter ${path} must be a MetricDatum object.`);
  const name = requiredString(item, "MetricName", `${path}.MetricName`);
  if (name.length > 255)
    throw invalidValue(`The value for parameter ${path}.MetricName must be at most 255 characters long.`);
  const dimensions = readDimensions(item.Dimensions, `${path}.Dimensions`);
  const time = optionalTime(item, "Timestamp", `${path}.Timestamp`) ?? now;
  if (time < now - WEEK2 || time > now + AHEAD) {
    throw invalidValue(
      `The parameter ${path}.Timestamp must specify a time no more than two weeks in the past and no more than two hours in the future; got ${new Date(time).toISOString()}.`,
    );
  }
  const resolution = optionalNumber(item, "StorageResolution", `${path}.StorageResolution`) ?? 60;
  if (resolution !== 1 && resolution !== 60)
    throw invalidValue(
      `The value ${resolution} for parameter ${path}.StorageResolution is invalid. Use 1 (high resolution) or 60.`,
    );
  const unit = optionalUnit(item, "Unit", `${path}.Unit`) ?? "None";
  const value = optionalNumber(item, "Value", `${path}.Value`);
  const values = optionalArray(item, "Values", `${path}.Values`);
  const counts = optionalArray(item, "Counts", `${path}.Counts`);
  const set = item.StatisticValues;
  const given = [value !== undefined, values !== undefined, set !== undefined && set !== null].filter(
    Boolean,
  ).length;
  if (given > 1) {
    throw invalidCombination(
      `The parameters ${path}.Value, ${path}.Values and ${path}.StatisticValues are mutually exclusive and you have specified more than one.`,
    );
  }
  if (given === 0) throw missingParameter(`${path}.Value`);
  const datum: StoredDatum = {
    time: Math.floor(time / (resolution * 1000)) * resolution * 1000,
    unit,
    values: [],
    counts: [],
  };
  if (value !== undefined) {
    datum.values.push(checkValue(value, `${path}.Value`));
    datum.counts.push(1);
  } else if (values !== undefined) {
    if (values.length > MAX_VALUES)
      throw invalidValue(`The collection ${path}.Values must not have a size greater than ${MAX_VALUES}.`);
    if (counts !== undefined && counts.length !== values.length) {
      throw invalidValue(
        `The parameters ${path}.Values and ${path}.Counts must be of the same size; got ${values.length} values and ${counts.length} counts.`,
      );
    }
    values.forEach((v, k) => {
      const count = counts ? checkValue(counts[k], `${path}.Counts.member.${k + 1}`) : 1;
      if (count < 0)
        throw invalidValue(
          `The value ${count} for parameter ${path}.Counts.member.${k + 1} must not be negative.`,
        );
      datum.values.push(checkValue(v, `${path}.Values.member.${k + 1}`));
      datum.counts.push(count);
    });
  } else {
    if (!isObject(set))
      throw invalidValue(`The value for parameter ${path}.StatisticValues must be a StatisticSet object.`);
    const stat = (key: string) => {
      if (set[key] === undefined || set[key] === null)
        throw missingParameter(`${path}.StatisticValues.${key}`);
      return checkValue(set[key], `${path}.StatisticValues.${key}`);
    };
    const s = {
      SampleCount: stat("SampleCount"),
      Sum: stat("Sum"),
      Minimum: stat("Minimum"),
      Maximum: stat("Maximum"),
    };
    if (s.SampleCount <= 0)
      throw invalidValue(
        `The value ${s.SampleCount} for parameter ${path}.StatisticValues.SampleCount must be positive.`,
      );
    if (s.Minimum > s.Maximum)
      throw invalidValue(`The parameter ${path}.StatisticValues.Minimum must not be greater than Maximum.`);
    datum.set = s;
  }
  return { name, dimensions, datum };
}
