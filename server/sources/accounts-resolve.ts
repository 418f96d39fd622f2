/**
 * The accounts a request reads, resolved once at the edge: aws.accounts as listed, or — when it
 * is "linked" — the monitoring account plus every source account attached to its OAM sinks
 * (sources/accounts-linked.ts), discovered at most every six hours through the shared cache (so
 * replicas on one store discover once). Sources then receive a Config whose aws.accounts is a
 * plain list; without aws.accounts nothing changes.
 */
import type { AwsClients } from "../aws/clients.ts";
import type { CachedError, SwrCache } from "../cache/swr-cache.ts";
import type { AccountConfig, Config } from "../config.ts";
import { discoverLinkedAccounts, type LinkedDiscovery, LOGS_RESOURCE } from "./accounts-linked.ts";

/** Links change when someone links an account: discovery is cheap but not worth more than 4 calls a day. */
export const LINKED_ACCOUNTS_TTL_MS = 6 * 3_600_000;
export const MONITORING_LABEL = "monitoring account";

export interface ResolvedAccounts {
  /** The config with aws.accounts as a list (and aws.accountId set to the monitoring account when discovered). */
  config: Config;
  /** Why the linked accounts could not be discovered (the home account is still read). */
  error: CachedError | null;
  /** Linked accounts whose link does not share log groups (their Logs Insights data is not readable). */
  logsNotShared: AccountConfig[];
}

/** A config whose aws.accounts is the discovery's accounts, the monitoring account first. */
export function withDiscovered(config: Config, found: LinkedDiscovery): Config {
  const home = config.aws.accountId ?? found.monitoringAccountId;
  const accounts: AccountConfig[] = [
    { id: home, label: MONITORING_LABEL },
    ...found.accounts.filter((a) => a.id !== home).map(({ id, label }) => ({ id, label })),
  ];
  return { ...config, aws: { ...config.aws, accountId: home, accounts } };
}

export class AccountsResolver {
  constructor(
    private readonly config: Config,
    private readonly clients: AwsClients,
    private readonly cache: SwrCache,
  ) {}

  async resolve(force = false): Promise<ResolvedAccounts> {
    if (this.config.aws.accounts !== "linked") return { config: this.config, error: null, logsNotShared: [] };
    const region = this.config.aws.region;
    const found = await this.cache.get(
      `accounts:linked:${region}`,
      LINKED_ACCOUNTS_TTL_MS,
      () => discoverLinkedAccounts(this.clients.oam({ region })),
      { force },
    );
    if (!found.value) {
      const { accounts: _linked, ...aws } = this.config.aws;
      return { config: { ...this.config, aws }, error: found.error, logsNotShared: [] };
    }
    return {
      config: withDiscovered(this.config, found.value),
      error: found.error,
      logsNotShared: found.value.accounts
        .filter((a) => !a.resourceTypes.includes(LOGS_RESOURCE))
        .map(({ id, label }) => ({ id, label })),
    };
  }
}
