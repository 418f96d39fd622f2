/**
 * ListMetrics over the workload's AWS/Lambda and AWS/Bedrock metrics and the custom metrics
 * stored by PutMetricData: exact Namespace/MetricName filters, DimensionFilters (a metric must
 * have every named dimension, with the value when one is given), RecentlyActive=PT3H, 500
 * metrics per page with NextToken.
 */
import type { Workload } from "../../workload/model.ts";
import type { CustomMetrics } from "./custom-metrics.ts";
import { fingerprint, pageOf } from "./pagination.ts";
import { type MetricId, workloadCatalog } from "./series.ts";
import {
  type Input,
  invalidValue,
  isObject,
  optionalArray,
  optionalString,
  requiredString,
} from "./validation.ts";

export const LIST_METRICS_PAGE = 500;
const RECENT_MS = 3 * 3_600_000;

interface DimensionFilter {
  Name: string;
  Value?: string;
}

function readFilters(input: Input): DimensionFilter[] {
  const raw = optionalArray(input, "Dimensions") ?? [];
  if (raw.length > 10) throw invalidValue("The collection Dimensions must not have a size greater than 10.");
  return raw.map((item, i) => {
    const path = `Dimensions.member.${i + 1}`;
    if (!isObject(item))
      throw invalidValue(`The value for parameter ${path} must be a {Name, Value} object.`);
    const name = requiredString(item, "Name", `${path}.Name`);
    const value = optionalString(item, "Value", `${path}.Value`);
    return value === undefined ? { Name: name } : { Name: name, Value: value };
  });
}

export function listMetrics(
  input: Input,
  workload: Workload,
  custom: CustomMetrics,
  accountId: string,
  now: number,
) {
  const namespace = optionalString(input, "Namespace");
  const metricName = optionalString(input, "MetricName");
  const filters = readFilters(input);
  const recently = optionalString(input, "RecentlyActive");
  if (recently !== undefined && recently !== "PT3H") {
    throw invalidValue(
      `The value ${recently} for parameter RecentlyActive is invalid. PT3H is the only valid value.`,
    );
  }
  const all: Array<{ metric: MetricId; lastTime: number }> = [
    ...workloadCatalog(workload).map((metric) => ({ metric, lastTime: now })),
    ...custom.list(),
  ];
  const matches = all
    .filter(({ metric, lastTime }) => {
      if (namespace !== undefined && metric.Namespace !== namespace) return false;
      if (metricName !== undefined && metric.MetricName !== metricName) return false;
      if (recently !== undefined && lastTime < now - RECENT_MS) return false;
      return filters.every((f) =>
        metric.Dimensions.some((d) => d.Name === f.Name && (f.Value === undefined || d.Value === f.Value)),
      );
    })
    .map(({ metric }) => metric);
  const request = fingerprint([namespace, metricName, filters, recently]);
  const { page, next } = pageOf(
    matches,
    LIST_METRICS_PAGE,
    optionalString(input, "NextToken"),
    "lm",
    request,
  );
  const output: { Metrics: MetricId[]; NextToken?: string; OwningAccounts?: string[] } = { Metrics: page };
  if (next) output.NextToken = next;
  if (input.IncludeLinkedAccounts === true) output.OwningAccounts = page.map(() => accountId);
  return output;
}
