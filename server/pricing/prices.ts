/**
 * Bedrock on-demand token prices, USD per 1M tokens, per region, with cache-read/write rates
 * where the model has prompt caching. Cross-region inference profiles (us./eu./apac.) are
 * billed at the source region's price of the base model, so they resolve to the same entry.
 *
 * Source: https://aws.amazon.com/bedrock/pricing/ (on-demand tables for Amazon Nova, Anthropic
 * and Meta), as of 2026-11-01. Override any of them with config.pricing.overrides, keyed by model
 * ID (base or profile) or by family key (e.g. "nova-lite").
 */
import type { Config } from "../config.ts";
import { baseModelId, familyFromModelId } from "./usage-types.ts";

export const PRICES_AS_OF = "2026-11-01";
export const PRICES_SOURCE = "https://aws.amazon.com/bedrock/pricing/";

export interface TokenPrice {
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
}

export interface PriceEntry extends TokenPrice {
  family: string;
  region: string;
  source: string;
  asOf: string;
  /** True when the region had no entry and us-east-1's price was used. */
  regionFallback: boolean;
}

/** us-east-1 prices; US regions (us-east-2, us-west-2) are the same. */
const US: Readonly<Record<string, TokenPrice>> = {
  "nova-micro": { input: 0.035, output: 0.14, cacheRead: 0.00875 },
  "nova-lite": { input: 0.06, output: 0.24, cacheRead: 0.015 },
  "nova-pro": { input: 0.8, output: 3.2, cacheRead: 0.2 },
  "nova-premier": { input: 2.5, output: 12.5, cacheRead: 0.625 },
  "claude-3-haiku": { input: 0.25, output: 1.25 },
  "claude-3-sonnet": { input: 3, output: 15 },
  "claude-3-5-haiku": { input: 0.8, output: 4, cacheRead: 0.08, cacheWrite: 1 },
  "claude-3-5-sonnet": { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  "llama3-8b": { input: 0.3, output: 0.6 },
  "llama3-70b": { input: 2.65, output: 3.5 },
};

/** Regions with their own published table. Others fall back to us-east-1 (flagged). */
export const PRICE_TABLE: Readonly<Record<string, Readonly<Record<string, TokenPrice>>>> = {
  "us-east-1": US,
  "us-east-2": US,
  "us-west-2": US,
};

export class PriceBook {
  constructor(private readonly overrides: Readonly<Record<string, TokenPrice>> = {}) {}

  static fromConfig(config: Config): PriceBook {
    return new PriceBook(config.pricing.overrides);
  }

  /** The price of a model (any ID form) in a region, or null when the model is unpriced. */
  price(modelId: string, region: string): PriceEntry | null {
    const family = familyFromModelId(modelId);
    const override =
      this.overrides[modelId] ?? this.overrides[baseModelId(modelId)] ?? this.overrides[family];
    if (override)
      return {
        ...override,
        family,
        region,
        source: "config.pricing.overrides",
        asOf: "config",
        regionFallback: false,
      };
    const table = PRICE_TABLE[region];
    const listed = table?.[family] ?? US[family];
    if (!listed) return null;
    return {
      ...listed,
      family,
      region,
      source: PRICES_SOURCE,
      asOf: PRICES_AS_OF,
      regionFallback: !table?.[family],
    };
  }
}

export interface TokenCounts {
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
}

/** Cost of token counts at a price (per 1M tokens). Cache rates default to the input rate when absent. */
export function costOf(tokens: TokenCounts, price: TokenPrice): number {
  const perToken = (rate: number, count = 0) => (rate * count) / 1_000_000;
  return (
    perToken(price.input, tokens.input) +
    perToken(price.output, tokens.output) +
    perToken(price.cacheRead ?? price.input, tokens.cacheRead) +
    perToken(price.cacheWrite ?? price.input, tokens.cacheWrite)
  );
}
