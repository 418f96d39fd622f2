/**
 * Estimated cost (CloudWatch token counts x the price table) against billed cost (Cost Explorer
 * USAGE_TYPE lines), per model family per day, with the gap and its likely cause.
 */
import type { ReconciliationRow } from "../api/contract.ts";
import { addDays } from "../sources/range.ts";
import { costOf, type PriceBook } from "./prices.ts";
import { familyFromModelId } from "./usage-types.ts";

export interface DailyTokens {
  date: string;
  /** Model ID as reported by CloudWatch (invoked ID, profile prefix included). */
  modelId: string;
  input: number;
  output: number;
}

export interface DailyEstimate extends DailyTokens {
  family: string;
  /** null when the model has no price. */
  estimatedUsd: number | null;
}

export interface BilledLine {
  date: string;
  family: string;
  amountUsd: number;
}

/** Below this absolute gap (USD) or relative gap, estimate and bill match. */
export const MATCH_ABSOLUTE_USD = 0.01;
export const MATCH_RELATIVE = 0.02;

export const CAUSES = {
  match: "match",
  lag: "Cost Explorer lag",
  unpriced: "unpriced model",
  priceChange: "price change",
  unmonitored: "not in CloudWatch metrics",
} as const;

export function estimateDaily(
  tokens: readonly DailyTokens[],
  prices: PriceBook,
  region: string,
): DailyEstimate[] {
  return tokens.map((t) => {
    const price = prices.price(t.modelId, region);
    return {
      ...t,
      family: familyFromModelId(t.modelId),
      estimatedUsd: price ? roundUsd(costOf({ input: t.input, output: t.output }, price)) : null,
    };
  });
}

/** Cause of a gap; `today` is the current UTC day (Cost Explorer finalises a day up to ~24 h later). */
export function likelyCause(
  date: string,
  today: string,
  estimated: number | null,
  billed: number | null,
): string {
  if (estimated === null) return CAUSES.unpriced;
  const recent = date >= addDays(today, -1);
  const b = billed ?? 0;
  const gap = Math.abs(b - estimated);
  if (gap <= MATCH_ABSOLUTE_USD || gap <= MATCH_RELATIVE * Math.max(b, estimated)) return CAUSES.match;
  if (recent && b < estimated) return CAUSES.lag;
  if (estimated === 0 && b > 0) return CAUSES.unmonitored;
  return CAUSES.priceChange;
}

export function reconcile(
  estimates: readonly DailyEstimate[],
  billed: readonly BilledLine[],
  today: string,
): ReconciliationRow[] {
  const rows = new Map<
    string,
    { date: string; model: string; estimated: number | null; billed: number | null }
  >();
  const keyOf = (date: string, family: string) => `${date}|${family}`;
  for (const e of estimates) {
    const key = keyOf(e.date, e.family);
    const row = rows.get(key) ?? { date: e.date, model: e.family, estimated: 0, billed: null };
    row.estimated = row.estimated === null || e.estimatedUsd === null ? null : row.estimated + e.estimatedUsd;
    rows.set(key, row);
  }
  for (const b of billed) {
    const key = keyOf(b.date, b.family);
    const row = rows.get(key) ?? { date: b.date, model: b.family, estimated: 0, billed: null };
    row.billed = (row.billed ?? 0) + b.amountUsd;
    rows.set(key, row);
  }
  return [...rows.values()]
    .filter((r) => (r.estimated ?? 1) !== 0 || (r.billed ?? 0) !== 0)
    .map((r) => {
      const estimatedUsd = r.estimated === null ? 0 : roundUsd(r.estimated);
      const billedUsd = r.billed === null ? null : roundUsd(r.billed);
      return {
        date: r.date,
        model: r.model,
        estimatedUsd,
        billedUsd,
        gapUsd: billedUsd === null ? null : roundUsd(billedUsd - estimatedUsd),
        cause: likelyCause(r.date, today, r.estimated === null ? null : estimatedUsd, billedUsd),
      };
    })
    .sort((a, b) => a.date.localeCompare(b.date) || a.model.localeCompare(b.model));
}

export function roundUsd(x: number): number {
  return Math.round(x * 1_000_000) / 1_000_000;
}
