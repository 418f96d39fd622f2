/**
 * Bedrock token prices, USD per 1M tokens, per Region, for the four token types, with the service
 * tier and the routing (in-Region / geographic profile vs global cross-Region) applied.
 *
 * Sources (as of PRICES_AS_OF): https://aws.amazon.com/bedrock/pricing/ on-demand tables (Amazon
 * Nova, Anthropic); tier factors from the same page and the AWS Price List (AmazonBedrock offer:
 * Nova Pro ap-northeast-1 standard $0.96 / flex $0.48 / priority $1.68 / batch $0.48 per 1M input,
 * i.e. batch and flex 50 %, priority 175 %); latency-optimized Nova Pro $1.00 / $4.00 against
 * $0.80 / $3.20 (125 %). Claude 4.5 models: the global cross-Region price is the list price and
 * in-Region / geographic profiles cost 10 % more (Claude Haiku 4.5: $1.00 / $5.00 global,
 * $1.10 / $5.50 regional). eu-west-1 Nova prices are the us-east-1 ones +15 %, the difference a
 * real eu-west-1 bill shows (issue #12); verify them against the pricing page before relying on
 * them. A model or Region missing here is reported as unpriced, never priced at US rates or $0.
 * Override any entry with config.pricing.overrides (model ID, base ID or family key).
 */
import type { Config } from "../config.ts";
import {
  baseModelId,
  familyFromModelId,
  type Routing,
  type ServiceTier,
  type TokenKind,
} from "./usage-types.ts";

export const PRICES_AS_OF = "2026-11-01";
export const PRICES_SOURCE = "https://aws.amazon.com/bedrock/pricing/";

export interface TokenPrice {
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
}

interface ListedPrice extends TokenPrice {
  /** Multiplier for in-Region and geographic-profile calls against the listed (global) price. */
  regionalPremium?: number;
  /** Tiers this model is sold in (standard always). */
  tiers?: readonly ServiceTier[];
}

export interface PriceEntry extends TokenPrice {
  family: string;
  region: string;
  tier: ServiceTier;
  routing: Routing;
  source: string;
  asOf: string;
}

export type PriceResult = { ok: true; price: PriceEntry } | { ok: false; reason: string };

const NOVA_TIERS: readonly ServiceTier[] = ["standard", "batch", "flex", "priority"];
const CLAUDE_TIERS: readonly ServiceTier[] = ["standard", "batch"];

/** us-east-1 prices; us-east-2 and us-west-2 are the same. */
const US: Readonly<Record<string, ListedPrice>> = {
  "nova-micro": { input: 0.035, output: 0.14, cacheRead: 0.00875, cacheWrite: 0, tiers: NOVA_TIERS },
  "nova-lite": { input: 0.06, output: 0.24, cacheRead: 0.015, cacheWrite: 0, tiers: NOVA_TIERS },
  "nova-pro": {
    input: 0.8,
    output: 3.2,
    cacheRead: 0.2,
    cacheWrite: 0,
    tiers: [...NOVA_TIERS, "latency-optimized"],
  },
  "nova-premier": { input: 2.5, output: 12.5, cacheRead: 0.625, cacheWrite: 0, tiers: ["standard", "batch"] },
  "nova-2-lite": { input: 0.3, output: 2.5, cacheRead: 0.075, cacheWrite: 0, tiers: NOVA_TIERS },
  "claude-haiku-3": { input: 0.25, output: 1.25, tiers: CLAUDE_TIERS },
  "claude-sonnet-3": { input: 3, output: 15, tiers: CLAUDE_TIERS },
  "claude-haiku-3-5": {
    input: 0.8,
    output: 4,
    cacheRead: 0.08,
    cacheWrite: 1,
    tiers: [...CLAUDE_TIERS, "latency-optimized"],
  },
  "claude-sonnet-3-5": { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75, tiers: CLAUDE_TIERS },
  "claude-sonnet-4": { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75, tiers: CLAUDE_TIERS },
  "claude-haiku-4-5": {
    input: 1,
    output: 5,
    cacheRead: 0.1,
    cacheWrite: 1.25,
    regionalPremium: 1.1,
    tiers: CLAUDE_TIERS,
  },
  "claude-sonnet-4-5": {
    input: 3,
    output: 15,
    cacheRead: 0.3,
    cacheWrite: 3.75,
    regionalPremium: 1.1,
    tiers: CLAUDE_TIERS,
  },
  "llama3-8b": { input: 0.3, output: 0.6 },
  "llama3-70b": { input: 2.65, output: 3.5 },
};

const EU_FACTOR = 1.15;
function scaled(table: Readonly<Record<string, ListedPrice>>, keys: string[], f: number) {
  const round = (x: number) => Math.round(x * f * 1e6) / 1e6;
  const out: Record<string, ListedPrice> = {};
  for (const k of keys) {
    const p = table[k]!;
    out[k] = {
      ...p,
      input: round(p.input),
      output: round(p.output),
      ...(p.cacheRead !== undefined ? { cacheRead: round(p.cacheRead) } : {}),
      ...(p.cacheWrite !== undefined ? { cacheWrite: round(p.cacheWrite) } : {}),
    };
  }
  return out;
}

/** eu-west-1: Nova (incl. Nova 2 Lite) +15 %; Claude Haiku 4.5 and Sonnet 4.5 at the US list price. */
const EU: Readonly<Record<string, ListedPrice>> = {
  ...scaled(US, ["nova-micro", "nova-lite", "nova-pro", "nova-2-lite"], EU_FACTOR),
  "claude-haiku-4-5": US["claude-haiku-4-5"]!,
  "claude-sonnet-4-5": US["claude-sonnet-4-5"]!,
};

/** Regions with a table. Every other Region is unpriced (and named so on the page). */
export const PRICE_TABLE: Readonly<Record<string, Readonly<Record<string, ListedPrice>>>> = {
  "us-east-1": US,
  "us-east-2": US,
  "us-west-2": US,
  "eu-west-1": EU,
};

/** Price factor of each tier against standard. */
export const TIER_FACTORS: Readonly<Record<ServiceTier, number>> = {
  standard: 1,
  batch: 0.5,
  flex: 0.5,
  priority: 1.75,
  "latency-optimized": 1.25,
};

export interface PriceQuery {
  tier?: ServiceTier;
  routing?: Routing;
}

export class PriceBook {
  constructor(private readonly overrides: Readonly<Record<string, TokenPrice>> = {}) {}

  static fromConfig(config: Config): PriceBook {
    return new PriceBook(config.pricing.overrides);
  }

  /** Regions with a price table, and the table's date (shown on the page). */
  coverage(): { regions: string[]; asOf: string; source: string } {
    return { regions: Object.keys(PRICE_TABLE), asOf: PRICES_AS_OF, source: PRICES_SOURCE };
  }

  /** The price of a model (any ID form, or a family key) in a Region for a tier and routing. */
  lookup(model: string, region: string, query: PriceQuery = {}): PriceResult {
    const tier = query.tier ?? "standard";
    const routing = query.routing ?? "in-region";
    const family = model.includes(".") || model.includes(":") ? familyFromModelId(model) : model;
    const override = this.overrides[model] ?? this.overrides[baseModelId(model)] ?? this.overrides[family];
    if (override) {
      return {
        ok: true,
        price: {
          ...override,
          family,
          region,
          tier,
          routing,
          source: "config.pricing.overrides",
          asOf: "config",
        },
      };
    }
    const table = PRICE_TABLE[region];
    if (!table) return { ok: false, reason: `no price table for Region ${region}` };
    const listed = table[family];
    if (!listed) return { ok: false, reason: `${family} has no price in ${region}` };
    if (!(listed.tiers ?? ["standard"]).includes(tier))
      return { ok: false, reason: `${family} has no ${tier} price in ${region}` };
    const f = TIER_FACTORS[tier] * (routing === "in-region" ? (listed.regionalPremium ?? 1) : 1);
    const r = (x: number) => Math.round(x * f * 1e9) / 1e9;
    return {
      ok: true,
      price: {
        input: r(listed.input),
        output: r(listed.output),
        ...(listed.cacheRead !== undefined ? { cacheRead: r(listed.cacheRead) } : {}),
        ...(listed.cacheWrite !== undefined ? { cacheWrite: r(listed.cacheWrite) } : {}),
        family,
        region,
        tier,
        routing,
        source: PRICES_SOURCE,
        asOf: PRICES_AS_OF,
      },
    };
  }

  /** The price, or null when the model, Region or tier is unpriced (see lookup for the reason). */
  price(model: string, region: string, query: PriceQuery = {}): PriceEntry | null {
    const r = this.lookup(model, region, query);
    return r.ok ? r.price : null;
  }
}

export interface TokenCounts {
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
}

/** USD per 1M tokens of one token type; a cache rate the table lacks falls back to the input rate. */
export function rateOf(price: TokenPrice, kind: TokenKind): number {
  if (kind === "cacheRead") return price.cacheRead ?? price.input;
  if (kind === "cacheWrite") return price.cacheWrite ?? price.input;
  return price[kind];
}

/** Cost of token counts at a price (per 1M tokens). */
export function costOf(tokens: TokenCounts, price: TokenPrice): number {
  const perToken = (kind: TokenKind, count = 0) => (rateOf(price, kind) * count) / 1_000_000;
  return (
    perToken("input", tokens.input) +
    perToken("output", tokens.output) +
    perToken("cacheRead", tokens.cacheRead) +
    perToken("cacheWrite", tokens.cacheWrite)
  );
}
