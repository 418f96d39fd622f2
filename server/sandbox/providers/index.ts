/** Every service the sandbox emulates, registered by how AWS clients address it. */
import type { Provider, SandboxContext } from "../core/types.ts";
import { createBedrockProvider } from "./bedrock/index.ts";
import { createBedrockControlProvider } from "./bedrock-control/index.ts";
import { createBudgetsProvider } from "./budgets/index.ts";
import { createCloudWatchProvider } from "./cloudwatch/index.ts";
import { createCostExplorerProvider } from "./costexplorer/index.ts";
import { createLambdaProvider } from "./lambda/index.ts";
import { createLogsProvider } from "./logs/index.ts";
import { createOamProvider } from "./oam/index.ts";
import { createServiceQuotasProvider } from "./service-quotas/index.ts";
import { createSnsProvider } from "./sns/index.ts";
import { createStsProvider } from "./sts/index.ts";

export function createProviders(ctx: SandboxContext): Provider[] {
  return [
    createCloudWatchProvider(ctx),
    createLogsProvider(ctx),
    createCostExplorerProvider(ctx),
    createBudgetsProvider(ctx),
    createBedrockProvider(ctx),
    createBedrockControlProvider(ctx),
    createStsProvider(ctx),
    createSnsProvider(ctx),
    createLambdaProvider(ctx),
    createServiceQuotasProvider(ctx),
    createOamProvider(ctx),
  ];
}
