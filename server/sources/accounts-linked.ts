/**
 * The source accounts linked to this CloudWatch cross-account observability monitoring account
 * (config `aws.accounts: "linked"`): every sink of this account (oam:ListSinks) and the links
 * attached to it (oam:ListAttachedLinks), both paginated. A link is a resource of its source
 * account, so the account ID is the one in its ARN (`arn:aws:oam:<region>:<source>:link/<id>`);
 * the label is the link's resolved label template ($AccountName, $AccountEmail or
 * $AccountEmailNoDomain), and the monitoring account's ID is the one in the sink's ARN.
 */
import { ListAttachedLinksCommand, ListSinksCommand, type OAMClient } from "@aws-sdk/client-oam";
import type { AccountConfig } from "../config.ts";
import { awsCall, SourceError } from "./errors.ts";

/** What a link shares with the monitoring account (ListAttachedLinksItem.ResourceTypes). */
export const METRICS_RESOURCE = "AWS::CloudWatch::Metric";
export const LOGS_RESOURCE = "AWS::Logs::LogGroup";

export interface LinkedAccount extends AccountConfig {
  /** The resource types the link shares; a source account's logs are readable only with AWS::Logs::LogGroup. */
  resourceTypes: string[];
}

export interface LinkedDiscovery {
  /** This (monitoring) account, from its sink's ARN. */
  monitoringAccountId: string;
  sinks: number;
  accounts: LinkedAccount[];
}

const OAM_ARN = /^arn:aws[a-z-]*:oam:[a-z0-9-]+:(\d{12}):(sink|link)\/[A-Za-z0-9-]+$/;

/** The account ID an OAM sink or link ARN names, or undefined when it is not one. */
export function accountOfOamArn(arn: string | undefined, kind: "sink" | "link"): string | undefined {
  const match = OAM_ARN.exec(arn ?? "");
  return match && match[2] === kind ? match[1] : undefined;
}

/** Every source account linked to this account's sinks; one page of links at most 1,000 (AWS's maximum). */
export async function discoverLinkedAccounts(client: OAMClient): Promise<LinkedDiscovery> {
  const sinks: string[] = [];
  let token: string | undefined;
  do {
    const page = await awsCall("ListSinks", () =>
      client.send(new ListSinksCommand({ MaxResults: 100, ...(token ? { NextToken: token } : {}) })),
    );
    for (const sink of page.Items ?? []) if (sink.Arn) sinks.push(sink.Arn);
    token = page.NextToken;
  } while (token);
  const monitoring = sinks.map((arn) => accountOfOamArn(arn, "sink")).find((id) => id !== undefined);
  if (!monitoring)
    throw new SourceError(
      "ListSinks",
      "NotAMonitoringAccount",
      'aws.accounts is "linked" but this account has no CloudWatch cross-account observability sink in this region (oam:ListSinks returned none): run the dashboard with the monitoring account\'s credentials, or list the accounts in aws.accounts.',
    );
  const byId = new Map<string, LinkedAccount>();
  for (const sink of sinks) {
    let next: string | undefined;
    do {
      const page = await awsCall("ListAttachedLinks", () =>
        client.send(
          new ListAttachedLinksCommand({
            SinkIdentifier: sink,
            MaxResults: 1000,
            ...(next ? { NextToken: next } : {}),
          }),
        ),
      );
      for (const link of page.Items ?? []) {
        const id = accountOfOamArn(link.LinkArn, "link");
        if (!id || id === monitoring || byId.has(id)) continue;
        const label = (link.Label ?? "").trim().slice(0, 64) || id;
        byId.set(id, { id, label, resourceTypes: [...(link.ResourceTypes ?? [])] });
      }
      next = page.NextToken;
    } while (next);
  }
  return {
    monitoringAccountId: monitoring,
    sinks: sinks.length,
    accounts: [...byId.values()].sort((a, b) => a.label.localeCompare(b.label) || a.id.localeCompare(b.id)),
  };
}
