/**
 * Estimated cost (CloudWatch token counts of all four token types x the price table, per Region,
 * tier and routing) against billed cost (Cost Explorer usage-type lines), per model family per
 * day, with the real cause of each gap named; and the cache economics per model.
 */
import type { CacheEconomics, ReconciliationRow } from "../api/contract.ts";
import type { UsageRow } from "../sources/costs.ts";
import { UNRECOGNISED } from "../sources/costs.ts";
import { addDays } from "../sources/range.ts";
import { costOf, type PriceBook, rateOf } from "./prices.ts";
import { familyFromModelId, isApplicationProfile, routingOfModelId, type TokenKind } from "./usage-types.ts";

export interface DailyTokens {
  date: string;
  /** Model ID as reported by CloudWatch (invoked ID: profile prefix or application profile ARN). */
  modelId: string;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

export interface DailyEstimate extends DailyTokens {
  family: string;
  /** null when the model, Region or profile has no price (`unpriced` says why). */
  estimatedUsd: number | null;
  unpriced?: string;
  /** Cost per token type (0 for an unpriced model). */
  byKind: Record<TokenKind, number>;
}

/** Application inference profile ID/ARN -> the model it routes to (foundation model or system profile ID). */
export type ProfileResolver = (modelId: string) => string | null | undefined;

/** Below this absolute gap (USD) or relative gap, estimate and bill match. */
export const MATCH_ABSOLUTE_USD = 0.01;
export const MATCH_RELATIVE = 0.02;

export const CAUSES = {
  match: "match",
  lag: "Cost Explorer lag",
  notYet: "not yet in Cost Explorer",
  unpriced: "unpriced model or Region",
  tier: "service tier not in the estimate",
  cache: "cache tokens",
  unrecognised: "unrecognised usage type",
  unmonitored: "not in CloudWatch metrics",
  priceChange: "price change",
} as const;

const zero = (): Record<TokenKind, number> => ({ input: 0, output: 0, cacheRead: 0, cacheWrite: 0 });

export function estimateDaily(
  tokens: readonly DailyTokens[],
  prices: PriceBook,
  region: string,
  resolve: ProfileResolver = () => null,
): DailyEstimate[] {
  return tokens.map((t) => {
    let target = t.modelId;
    if (isApplicationProfile(t.modelId)) {
      const resolved = resolve(t.modelId);
      if (!resolved)
        return {
          ...t,
          family: t.modelId,
          estimatedUsd: null,
          unpriced: "application inference profile not resolved (bedrock:GetInferenceProfile)",
          byKind: zero(),
        };
      target = resolved;
    }
    const family = familyFromModelId(target);
    const found = prices.lookup(target, region, { routing: routingOfModelId(target) });
    if (!found.ok) return { ...t, family, estimatedUsd: null, unpriced: found.reason, byKind: zero() };
    const byKind = zero();
    for (const kind of ["input", "output", "cacheRead", "cacheWrite"] as const)
      byKind[kind] = (rateOf(found.price, kind) * t[kind]) / 1_000_000;
    return { ...t, family, estimatedUsd: roundUsd(costOf(t, found.price)), byKind };
  });
}

interface Cell {
  date: string;
  model: string;
  estimated: number;
  unpriced: string[];
  cacheEstimated: number;
  billed: number | null;
  billedByKind: Record<TokenKind, number>;
  billedByTier: Record<string, number>;
  quantityTokens: Record<TokenKind, number>;
  standardBilled: Record<TokenKind, number>;
}

const fmt = (x: number) => `$${x.toFixed(x < 1 ? 4 : 2)}`;

export function reconcile(
  estimates: readonly DailyEstimate[],
  usage: readonly UsageRow[],
  today: string,
  prices?: PriceBook,
  region?: string,
  /**
   * The first day the Cost Explorer answer does not cover (it was asked before that day began):
   * such days have no billed figure yet, not a billed $0.
   */
  coveredEnd?: string,
): ReconciliationRow[] {
  const cells = new Map<string, Cell>();
  const cell = (date: string, model: string): Cell => {
    const key = `${date}|${model}`;
    let c = cells.get(key);
    if (!c) {
      c = {
        date,
        model,
        estimated: 0,
        unpriced: [],
        cacheEstimated: 0,
        billed: null,
        billedByKind: zero(),
        billedByTier: {},
        quantityTokens: zero(),
        standardBilled: zero(),
      };
      cells.set(key, c);
    }
    return c;
  };
  for (const e of estimates) {
    const c = cell(e.date, e.family);
    if (e.estimatedUsd === null) c.unpriced.push(`${e.modelId}: ${e.unpriced ?? "no price"}`);
    else {
      c.estimated += e.estimatedUsd;
      c.cacheEstimated += e.byKind.cacheRead + e.byKind.cacheWrite;
    }
  }
  const unrecognisedByDay = new Map<string, string[]>();
  for (const u of usage) {
    const model = u.parsed?.family ?? UNRECOGNISED;
    const c = cell(u.date, model);
    c.billed = (c.billed ?? 0) + u.amountUsd;
    if (u.parsed) {
      c.billedByKind[u.parsed.kind] += u.amountUsd;
      c.billedByTier[u.parsed.tier] = (c.billedByTier[u.parsed.tier] ?? 0) + u.amountUsd;
      if (u.parsed.tier === "standard") {
        c.standardBilled[u.parsed.kind] += u.amountUsd;
        c.quantityTokens[u.parsed.kind] += u.quantity * u.parsed.tokensPerUnit;
      }
    } else if (u.amountUsd !== 0) {
      const list = unrecognisedByDay.get(u.date) ?? [];
      list.push(`${u.usageType} (${u.service}) ${fmt(u.amountUsd)}`);
      unrecognisedByDay.set(u.date, list);
    }
  }
  return [...cells.values()]
    .filter((c) => c.estimated !== 0 || (c.billed ?? 0) !== 0 || c.unpriced.length > 0)
    .map((c) => {
      const estimatedUsd = roundUsd(c.estimated);
      const billedUsd = c.billed === null ? null : roundUsd(c.billed);
      const { cause, detail } =
        coveredEnd !== undefined && c.date >= coveredEnd && c.billed === null
          ? {
              cause: CAUSES.notYet,
              detail: `the Cost Explorer answer in use was fetched before ${c.date} began; the next fetch on Cost Explorer's cadence brings it`,
            }
          : explain(c, today, unrecognisedByDay.get(c.date) ?? [], prices, region);
      return {
        date: c.date,
        model: c.model,
        estimatedUsd,
        billedUsd,
        gapUsd: billedUsd === null ? null : roundUsd(billedUsd - estimatedUsd),
        cause,
        ...(detail ? { detail } : {}),
      };
    })
    .sort((a, b) => a.date.localeCompare(b.date) || a.model.localeCompare(b.model));
}

function matches(a: number, b: number): boolean {
  const gap = Math.abs(a - b);
  return gap <= MATCH_ABSOLUTE_USD || gap <= MATCH_RELATIVE * Math.max(Math.abs(a), Math.abs(b));
}

/** The cause of one (day, model) gap, checked in the order a person would. */
function explain(
  c: Cell,
  today: string,
  unrecognisedLines: readonly string[],
  prices: PriceBook | undefined,
  region: string | undefined,
): { cause: string; detail?: string } {
  const billed = c.billed ?? 0;
  if (c.model === UNRECOGNISED)
    return { cause: CAUSES.unrecognised, detail: unrecognisedLines.join("; ") || undefined };
  if (c.unpriced.length > 0) return { cause: CAUSES.unpriced, detail: c.unpriced.join("; ") };
  if (matches(billed, c.estimated)) return { cause: CAUSES.match };
  const recent = c.date >= addDays(today, -1);
  if (recent && billed < c.estimated)
    return {
      cause: CAUSES.lag,
      detail: `Cost Explorer has billed ${fmt(billed)} of an estimated ${fmt(c.estimated)} so far for ${c.date}`,
    };
  const nonStandard = Object.entries(c.billedByTier).filter(([tier, v]) => tier !== "standard" && v !== 0);
  const nonStandardUsd = nonStandard.reduce((n, [, v]) => n + v, 0);
  if (nonStandardUsd > 0 && matches(billed - nonStandardUsd, c.estimated))
    return {
      cause: CAUSES.tier,
      detail: `${nonStandard.map(([tier, v]) => `${tier} ${fmt(v)}`).join(", ")} billed outside the runtime metrics the estimate counts (batch jobs) or at a tier price`,
    };
  const cacheBilled = c.billedByKind.cacheRead + c.billedByKind.cacheWrite;
  if (cacheBilled > 0 && c.cacheEstimated === 0 && matches(billed - cacheBilled, c.estimated))
    return {
      cause: CAUSES.cache,
      detail: `${fmt(cacheBilled)} of cache-token lines on the bill; CloudWatch reported no CacheReadInputTokenCount / CacheWriteInputTokenCount`,
    };
  if (c.estimated === 0 && billed > 0)
    return {
      cause: CAUSES.unmonitored,
      detail: "billed, but CloudWatch has no token metrics for this model in the estimate's Region",
    };
  return { cause: CAUSES.priceChange, detail: priceChangeDetail(c, prices, region) };
}

/** Billed unit price of the standard in-Region input/output lines against the table's. */
function priceChangeDetail(
  c: Cell,
  prices: PriceBook | undefined,
  region: string | undefined,
): string | undefined {
  if (!prices || !region) return undefined;
  const price = prices.price(c.model, region);
  if (!price) return undefined;
  const parts: string[] = [];
  for (const kind of ["input", "output"] as const) {
    const tokens = c.quantityTokens[kind];
    if (tokens <= 0) continue;
    const billedRate = (c.standardBilled[kind] / tokens) * 1_000_000;
    const table = rateOf(price, kind);
    if (Math.abs(billedRate - table) > table * MATCH_RELATIVE)
      parts.push(`${kind} billed at $${billedRate.toFixed(4)} per 1M tokens, table $${table}`);
  }
  return parts.length > 0 ? parts.join("; ") : undefined;
}

/** Cache economics per model family over the estimates (CloudWatch tokens x prices). */
export function cacheEconomics(
  estimates: readonly DailyEstimate[],
  prices: PriceBook,
  region: string,
  resolve: ProfileResolver = () => null,
): CacheEconomics[] {
  const out = new Map<string, CacheEconomics>();
  const dayWrites = new Map<string, { read: number; write: number }>();
  for (const e of estimates) {
    if (e.cacheRead === 0 && e.cacheWrite === 0) continue;
    const target = isApplicationProfile(e.modelId) ? (resolve(e.modelId) ?? e.modelId) : e.modelId;
    const price = prices.price(target, region, { routing: routingOfModelId(target) });
    const m = out.get(e.family) ?? {
      model: e.family,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      savedUsd: 0,
      cacheWriteUsd: 0,
      unreadWriteUsd: 0,
      writeOnlyDays: [],
    };
    m.cacheReadTokens += e.cacheRead;
    m.cacheWriteTokens += e.cacheWrite;
    if (price) {
      m.savedUsd += (e.cacheRead * (price.input - rateOf(price, "cacheRead"))) / 1_000_000;
      m.cacheWriteUsd += (e.cacheWrite * rateOf(price, "cacheWrite")) / 1_000_000;
      m.unreadWriteUsd += (Math.max(0, e.cacheWrite - e.cacheRead) * rateOf(price, "cacheWrite")) / 1_000_000;
    }
    const key = `${e.family}|${e.date}`;
    const d = dayWrites.get(key) ?? { read: 0, write: 0 };
    d.read += e.cacheRead;
    d.write += e.cacheWrite;
    dayWrites.set(key, d);
    out.set(e.family, m);
  }
  for (const [key, d] of dayWrites) {
    const [family, date] = key.split("|") as [string, string];
    if (d.write > 0 && d.read < d.write * 0.1) out.get(family)?.writeOnlyDays.push(date);
  }
  return [...out.values()]
    .map((m) => ({
      ...m,
      savedUsd: roundUsd(m.savedUsd),
      cacheWriteUsd: roundUsd(m.cacheWriteUsd),
      unreadWriteUsd: roundUsd(m.unreadWriteUsd),
      writeOnlyDays: m.writeOnlyDays.sort(),
    }))
    .sort((a, b) => a.model.localeCompare(b.model));
}

export function roundUsd(x: number): number {
  return Math.round(x * 1_000_000) / 1_000_000;
}
