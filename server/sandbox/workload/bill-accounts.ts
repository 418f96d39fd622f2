/**
 * The bill Cost Explorer and Budgets read, as the account that asks sees it. A standalone or
 * member account sees its own lines only; the management (payer) account of an organization sees
 * its members' lines too (consolidated billing), each with its LINKED_ACCOUNT. In the sandbox the
 * members are the source accounts linked to it (SANDBOX_LINKED_ACCOUNTS), each billed from its own
 * workload, so their lines agree with their CloudWatch metrics (0.5x and 0.25x the traffic).
 */
import type { SandboxContext } from "../core/types.ts";
import { type BillDay, type BillLine, billOf } from "./bill.ts";

/** Account name of the sandbox's own account (AWS: the name given when the account was created). */
export const SANDBOX_ACCOUNT_NAME = "bedrock-ops sandbox";

type BillContext = Pick<SandboxContext, "workload" | "accountId" | "linkedAccounts" | "settings">;

/** Whether the sandbox account is its organization's management account (config sandbox.organization). */
export function isPayer(ctx: BillContext): boolean {
  return ctx.settings.costExplorer?.organization === "management";
}

/** The accounts whose lines the caller sees, with their names (DimensionValueAttributes' description). */
export function billedAccounts(ctx: BillContext): Array<{ id: string; name: string }> {
  const own = { id: ctx.accountId, name: SANDBOX_ACCOUNT_NAME };
  return isPayer(ctx) ? [own, ...ctx.linkedAccounts.map((a) => ({ id: a.id, name: a.label }))] : [own];
}

/** The account a bill line belongs to: lines of the caller's own account carry none. */
export function lineAccount(line: BillLine, callerId: string): string {
  return line.account ?? callerId;
}

/** Bill days covering [from, to) (day-aligned), with the members' lines when the caller is the payer. */
export function visibleDays(ctx: BillContext, from: number, to: number): BillDay[] {
  const own = billOf(ctx.workload).days(from, to);
  if (!isPayer(ctx) || ctx.linkedAccounts.length === 0) return own;
  const members = ctx.linkedAccounts.flatMap((a) =>
    [a.workload, ...a.elsewhere].map((w) => ({ id: a.id, days: billOf(w).days(from, to) })),
  );
  return own.map((day, i) => {
    const lines = [...day.lines];
    let estimated = day.estimated;
    for (const m of members) {
      const d = m.days[i];
      if (!d || d.start !== day.start) continue;
      estimated ||= d.estimated;
      for (const l of d.lines) lines.push({ ...l, account: m.id });
    }
    return { start: day.start, estimated, lines };
  });
}
