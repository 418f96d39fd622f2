/**
 * Cost Explorer (awsJson1_1, X-Amz-Target AWSInsightsIndexService.<Op>) over the sandbox bill:
 * GetCostAndUsage, GetCostForecast, GetDimensionValues, ListCostAllocationTags.
 */
import type { JsonProvider, SandboxContext } from "../../core/types.ts";
import { listCostAllocationTags } from "./cost-allocation-tags.ts";
import { getCostAndUsage } from "./cost-and-usage.ts";
import { getDimensionValues } from "./dimensions.ts";
import { getCostForecast } from "./forecast.ts";

export function createCostExplorerProvider(ctx: SandboxContext): JsonProvider {
  return {
    kind: "json",
    service: "ce",
    targetPrefix: "AWSInsightsIndexService",
    protocol: "1.1",
    operations: {
      GetCostAndUsage: (input, req) => {
        req.notes.pages = 1;
        return getCostAndUsage(ctx, input, req);
      },
      GetCostForecast: (input, req) => getCostForecast(ctx, input, req),
      GetDimensionValues: (input) => getDimensionValues(ctx, input),
      ListCostAllocationTags: (input) => listCostAllocationTags(ctx, input),
    },
  };
}
