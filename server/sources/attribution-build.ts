/**
 * Turns per-day cells (a group, a day, billed and/or estimated dollars, tokens) into the
 * Attribution panel's groups: totals over the window, share of the total, and the unattributed
 * remainder always last and always present — groups + remainder = the Bedrock total per day.
 */
import type { AttributionDay, AttributionGroup } from "../api/contract.ts";
import type { DailyTokens } from "../pricing/reconcile.ts";
import { round } from "./costs.ts";

/** The remainder's key. */
export const UNATTRIBUTED = "";

export interface Cell {
  date: string;
  group: string;
  billedUsd?: number;
  estimatedUsd?: number;
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
  calls?: number;
}

export interface GroupLabel {
  label: string;
  detail: string | null;
}

export interface BuildInput {
  /** Every day of the window (YYYY-MM-DD), so a day without spend shows 0, not a gap. */
  days: readonly string[];
  cells: readonly Cell[];
  /** Whether the view has billed / estimated figures at all (null everywhere otherwise). */
  billed: boolean;
  estimated: boolean;
  counted: boolean;
  labels: ReadonlyMap<string, GroupLabel>;
  unattributedLabel: string;
  unattributedDetail: string;
  shareOf: "billed" | "estimated";
}

interface Acc {
  billed: number;
  estimated: number;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  calls: number;
}

const zero = (): Acc => ({
  billed: 0,
  estimated: 0,
  input: 0,
  output: 0,
  cacheRead: 0,
  cacheWrite: 0,
  calls: 0,
});

function add(a: Acc, c: Cell): void {
  a.billed += c.billedUsd ?? 0;
  a.estimated += c.estimatedUsd ?? 0;
  a.input += c.input ?? 0;
  a.output += c.output ?? 0;
  a.cacheRead += c.cacheRead ?? 0;
  a.cacheWrite += c.cacheWrite ?? 0;
  a.calls += c.calls ?? 0;
}

export function buildGroups(input: BuildInput): {
  groups: AttributionGroup[];
  total: { billedUsd: number | null; estimatedUsd: number | null; days: AttributionDay[] };
} {
  const perGroup = new Map<string, Map<string, Acc>>();
  const keys = new Set<string>([...input.labels.keys(), UNATTRIBUTED]);
  for (const c of input.cells) keys.add(c.group);
  for (const key of keys) perGroup.set(key, new Map(input.days.map((d) => [d, zero()])));
  const inWindow = new Set(input.days);
  for (const c of input.cells) {
    if (!inWindow.has(c.date)) continue;
    const acc = perGroup.get(c.group)?.get(c.date);
    if (acc) add(acc, c);
  }
  const day = (date: string, a: Acc): AttributionDay => ({
    date,
    billedUsd: input.billed ? round(a.billed) : null,
    estimatedUsd: input.estimated ? round(a.estimated) : null,
    inputTokens: a.input,
    outputTokens: a.output,
  });
  const totals = new Map(input.days.map((d) => [d, zero()]));
  const groups: AttributionGroup[] = [];
  for (const [key, byDay] of perGroup) {
    const sum = zero();
    for (const [date, a] of byDay) {
      const t = totals.get(date);
      if (t) {
        add(t, { date, group: key, billedUsd: a.billed, estimatedUsd: a.estimated, ...a });
      }
      add(sum, { date, group: key, billedUsd: a.billed, estimatedUsd: a.estimated, ...a });
    }
    const label = input.labels.get(key);
    groups.push({
      key,
      label: key === UNATTRIBUTED ? input.unattributedLabel : (label?.label ?? key),
      unattributed: key === UNATTRIBUTED,
      detail: key === UNATTRIBUTED ? input.unattributedDetail : (label?.detail ?? null),
      billedUsd: input.billed ? round(sum.billed) : null,
      estimatedUsd: input.estimated ? round(sum.estimated) : null,
      inputTokens: sum.input,
      outputTokens: sum.output,
      cacheReadTokens: sum.cacheRead,
      cacheWriteTokens: sum.cacheWrite,
      calls: input.counted ? sum.calls : null,
      sharePercent: null,
      days: input.days.map((d) => day(d, byDay.get(d) ?? zero())),
    });
  }
  const grand = zero();
  for (const t of totals.values())
    add(grand, { date: "", group: "", billedUsd: t.billed, estimatedUsd: t.estimated });
  const denominator = input.shareOf === "billed" ? grand.billed : grand.estimated;
  for (const g of groups) {
    const value = input.shareOf === "billed" ? g.billedUsd : g.estimatedUsd;
    g.sharePercent =
      value === null || denominator === 0 ? null : Math.round((value / denominator) * 10_000) / 100;
  }
  const value = (g: AttributionGroup) => (input.shareOf === "billed" ? g.billedUsd : g.estimatedUsd) ?? 0;
  groups.sort((a, b) =>
    a.unattributed !== b.unattributed
      ? a.unattributed
        ? 1
        : -1
      : value(b) - value(a) || a.label.localeCompare(b.label),
  );
  return {
    groups,
    total: {
      billedUsd: input.billed ? round(grand.billed) : null,
      estimatedUsd: input.estimated ? round(grand.estimated) : null,
      days: input.days.map((d) => day(d, totals.get(d) ?? zero())),
    },
  };
}

/** Tokens of a cell from a CloudWatch day row. */
export function tokenCell(row: DailyTokens, group: string, estimatedUsd: number | null): Cell {
  return {
    date: row.date,
    group,
    estimatedUsd: estimatedUsd ?? 0,
    input: row.input,
    output: row.output,
    cacheRead: row.cacheRead,
    cacheWrite: row.cacheWrite,
  };
}

/** Every day from start (inclusive) to end (exclusive), YYYY-MM-DD. */
export function daysOf(start: string, end: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${start}T00:00:00Z`); t < Date.parse(`${end}T00:00:00Z`); t += 86_400_000)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}
