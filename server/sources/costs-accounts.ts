/**
 * Month to date per account from the monthly Cost Explorer query grouped by SERVICE and
 * LINKED_ACCOUNT (no extra request), and what Cost Explorer's answer says about where it ran.
 *
 * Cost Explorer answers for every member account only at an organization's management account;
 * a member (or standalone) account gets its own costs only, under its own LINKED_ACCOUNT value.
 * So when the answer holds one account while config lists several, the others are unknown here
 * (null, with a note), never $0.
 */
import type { AccountCosts } from "../api/contract.ts";
import { type Monthly, round } from "./costs.ts";

export interface AccountCostsView {
  accounts: AccountCosts[];
  view: "organization" | "own-account";
  note: string | null;
}

export function accountCosts(
  monthly: Pick<Monthly, "accounts">,
  configured: ReadonlyArray<{ id: string; label: string }>,
  bedrockServices: readonly string[],
): AccountCostsView | null {
  const billed = monthly.accounts;
  if (!billed || configured.length === 0) return null;
  const ids = Object.keys(billed);
  const view = ids.length > 1 ? "organization" : "own-account";
  const sum = (mtd: Record<string, number>, keep: (service: string) => boolean) =>
    round(Object.entries(mtd).reduce((n, [s, v]) => (keep(s) ? n + v : n), 0));
  const row = (id: string, label: string | null, isConfigured: boolean): AccountCosts => {
    const entry = billed[id];
    return {
      accountId: id,
      label: label ?? entry?.name ?? id,
      name: entry?.name ?? null,
      configured: isConfigured,
      bedrockMonthToDate: entry ? sum(entry.monthToDate, (s) => bedrockServices.includes(s)) : null,
      totalMonthToDate: entry ? sum(entry.monthToDate, () => true) : null,
    };
  };
  const listed = new Set(configured.map((a) => a.id));
  const accounts = [
    ...configured.map((a) => row(a.id, a.label, true)),
    ...ids
      .filter((id) => !listed.has(id))
      .sort()
      .map((id) => row(id, null, false)),
  ];
  const missing = accounts
    .filter((a) => a.totalMonthToDate === null)
    .map((a) => `${a.label} (${a.accountId})`);
  let note: string | null = null;
  if (view === "own-account" && configured.length > 1) {
    const only = ids[0];
    note =
      only === undefined
        ? "Cost Explorer returned no costs for any account this month."
        : `Cost Explorer answered for account ${only} only: a member (or standalone) account sees its own costs only, and only the organization's management account sees every member's. Costs of ${missing.join(", ")} are unknown here: run bedrock-ops with the management account's credentials (if this is the management account, those accounts had no costs this month).`;
  } else if (missing.length > 0) {
    note = `Cost Explorer billed nothing to ${missing.join(", ")} this month: no costs yet, or not a member of this organization.`;
  }
  return { accounts, view, note };
}
