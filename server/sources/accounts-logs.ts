/**
 * Logs Insights across accounts (CloudWatch cross-account observability): which log groups a
 * refresh reads in which account, and how results come back to them. A group of this account is
 * named as always (logGroupNames: nothing changes without aws.accounts); a linked source account's
 * group must be named by its ARN, `arn:<partition>:logs:<region>:<account>:log-group:<name>`
 * without `:*` (StartQuery logGroupIdentifiers, up to 50 per query). Result rows name their group
 * in `@log` as `<account>:<name>`, which maps back to the ARN.
 */
import type { AccountsLogs, LogsData, LogsFunction } from "../api/contract.ts";
import { type AccountConfig, accountList, type Config, type FunctionConfig, logGroupOf } from "../config.ts";
import { groupOfLog } from "./logs-bins.ts";

/** The ARN partition of a Region: aws, aws-cn or aws-us-gov. */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

/** A log group's ARN as StartQuery's logGroupIdentifiers takes it (no `:*` at the end). */
export function logGroupArn(region: string, accountId: string, name: string): string {
  return `arn:${partitionOf(region)}:logs:${region}:${accountId}:log-group:${name}`;
}

const ARN = /^arn:aws[a-z-]*:logs:[a-z0-9-]+:(\d{12}):log-group:(.+)$/;

/** The `@log` value (`<account>:<name>`) results carry for a group given by ARN, or undefined for a name. */
export function logFieldOfArn(group: string): string | undefined {
  const m = ARN.exec(group);
  return m ? `${m[1]}:${m[2]}` : undefined;
}

/** The account an `@log` value names (`123456789012:/aws/lambda/twin-api`), if it names one. */
export function accountOfLog(value: string | undefined): string | undefined {
  const m = /^(\d{12}):/.exec(value ?? "");
  return m ? m[1] : undefined;
}

/** Maps a result row's `@log` to the group as it was asked for: its ARN when asked by ARN, else its name. */
export function groupKeyOf(groups: readonly string[]): (log: string | undefined) => string | undefined {
  const byLog = new Map<string, string>();
  for (const g of groups) {
    const log = logFieldOfArn(g);
    if (log) byLog.set(log, g);
  }
  return (log) => (log && byLog.get(log)) ?? groupOfLog(log);
}

export interface LogUnit {
  fn: FunctionConfig;
  /** The source account read by ARN; undefined for this account (read by name). */
  accountId: string | undefined;
  /** Log group name. */
  name: string;
  /** What StartQuery is given: the name, or the ARN in a linked account. */
  group: string;
}

/**
 * The log groups to read: a function with `accountId` in that account; otherwise in this account,
 * and — when aws.accounts lists linked accounts — in each of them too (the same function deployed
 * in every account, as the metrics read it).
 */
export function logUnits(config: Config, functions: readonly FunctionConfig[], region: string): LogUnit[] {
  const home = config.aws.accountId;
  const linked = accountList(config).filter((a) => a.id !== home);
  const unit = (fn: FunctionConfig, accountId: string | undefined): LogUnit => {
    const name = logGroupOf(fn);
    const remote = accountId !== undefined && accountId !== home ? accountId : undefined;
    return { fn, accountId: remote, name, group: remote ? logGroupArn(region, remote, name) : name };
  };
  return functions.flatMap((fn) =>
    fn.accountId ? [unit(fn, fn.accountId)] : [unit(fn, undefined), ...linked.map((a) => unit(fn, a.id))],
  );
}

/** Per account: invocations and failures from the logs, and the recent errors found in each. */
export function accountsOfLogs(
  config: Config,
  functions: readonly LogsFunction[],
  errors: LogsData["recentErrors"],
): AccountsLogs[] | undefined {
  const listed = accountList(config);
  if (listed.length === 0) return undefined;
  const home = config.aws.accountId;
  const label = (id: string | undefined): AccountConfig =>
    listed.find((a) => a.id === (id ?? home)) ?? {
      id: id ?? home ?? "this account",
      label: id ?? "this account",
    };
  const out = new Map<string, AccountsLogs>();
  const entry = (id: string | undefined) => {
    const a = label(id);
    let e = out.get(a.id);
    if (!e) {
      e = {
        accountId: a.id,
        label: a.label,
        invocations: 0,
        timeouts: 0,
        outOfMemory: 0,
        initFailures: 0,
        recentErrors: 0,
      };
      out.set(a.id, e);
    }
    return e;
  };
  for (const a of listed) entry(a.id);
  for (const f of functions) {
    const e = entry(f.accountId);
    e.invocations += f.invocations;
    e.timeouts += f.outcomes.timeouts;
    e.outOfMemory += f.outcomes.outOfMemory;
    e.initFailures += f.outcomes.initFailures;
  }
  for (const err of errors) entry(err.accountId).recentErrors += 1;
  return [...out.values()];
}
