/** Doctor probes of CloudWatch Logs: the configured log groups exist, and Logs Insights may be queried. */
import {
  DescribeLogGroupsCommand,
  GetQueryResultsCommand,
  StartQueryCommand,
  StopQueryCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import type { AwsClients } from "../aws/clients.ts";
import { type Config, lambdaRegion, logGroupOf } from "../config.ts";
import { type CheckRow, logGroupRow, type Outcome, permissionRow, skippedRow } from "./doctor-checks.ts";
import { attempt, ONCE } from "./probe.ts";

export async function logGroups(config: Config, clients: AwsClients, now: number): Promise<CheckRow[]> {
  const logs = clients.logs({ region: lambdaRegion(config), ...ONCE });
  const rows: CheckRow[] = [];
  let describe: Outcome<unknown> = { ok: true, value: undefined };
  const existing: string[] = [];
  for (const fn of config.lambda.functions) {
    const name = logGroupOf(fn);
    const found = await attempt(async () => {
      const page = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name, limit: 5 }));
      return (page.logGroups ?? []).some((g) => g.logGroupName === name);
    });
    if (!found.ok) describe = found;
    else if (found.value) existing.push(name);
    rows.push(logGroupRow(name, found));
  }
  rows.unshift(permissionRow("logs:DescribeLogGroups", describe));
  if (existing.length === 0) {
    rows.splice(
      1,
      0,
      skippedRow(
        "permission:logs:StartQuery",
        "Permission logs:StartQuery",
        "no configured log group exists",
      ),
    );
    return rows;
  }
  const start = await attempt(() =>
    logs.send(
      new StartQueryCommand({
        logGroupNames: existing.slice(0, 1),
        startTime: Math.floor((now - 300_000) / 1000),
        endTime: Math.floor(now / 1000),
        queryString: "fields @timestamp | limit 1",
      }),
    ),
  );
  const probes = [permissionRow("logs:StartQuery", start, "5-minute query on one log group")];
  if (start.ok && start.value.queryId) {
    const queryId = start.value.queryId;
    const results = await attempt(() => logs.send(new GetQueryResultsCommand({ queryId })));
    probes.push(permissionRow("logs:GetQueryResults", results));
    // Free the concurrency slot at once; the query may already have finished.
    await attempt(() => logs.send(new StopQueryCommand({ queryId })));
  }
  rows.splice(1, 0, ...probes);
  return rows;
}
