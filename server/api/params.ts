/**
 * Query parameters of the data endpoints: a range (`range=` preset or `start`/`end` ISO times),
 * model and function filters, `account=` / `region=` (narrow the per-account views), and
 * `format=json|csv`. Every rejection names the parameter.
 */
import type { Request } from "express";
import { accountList, type Config, invokeModelId } from "../config.ts";
import { accountRegions } from "../sources/metrics-accounts.ts";
import { PRESETS, type Preset } from "../sources/range.ts";
import { badParameter } from "./errors.ts";

/** CloudWatch keeps hourly data 455 days; the dashboard asks for at most 90 days at once. */
export const MAX_RANGE_DAYS = 90;

export type RangeQuery = { kind: "preset"; preset: Preset } | { kind: "explicit"; start: Date; end: Date };

export interface DataQuery {
  range: RangeQuery;
  functions: string[];
  models: string[];
  format: "json" | "csv";
  /** One configured account (aws.accounts) to narrow the per-account views to. */
  account?: string;
  /** One region those views are narrowed to. */
  region?: string;
}

const PRESET_LIST = Object.keys(PRESETS).join(", ");
/** Own keys only: `constructor`, `__proto__`, `toString` are not presets (Object.prototype). */
const PRESET_NAMES: ReadonlySet<string> = new Set(Object.keys(PRESETS));

export function isPreset(value: string): value is Preset {
  return PRESET_NAMES.has(value);
}

/** A query parameter by own property only (never one inherited from Object.prototype). */
function queryValue(req: Request, name: string): unknown {
  const query = req.query as Record<string, unknown>;
  return Object.hasOwn(query, name) ? query[name] : undefined;
}

function single(req: Request, name: string): string | undefined {
  const value = queryValue(req, name);
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw badParameter(name, value, "give it once, as a single value");
  return value;
}

function list(req: Request, name: string): string[] {
  const value = queryValue(req, name);
  if (value === undefined) return [];
  const raw = Array.isArray(value) ? value : [value];
  if (!raw.every((v): v is string => typeof v === "string"))
    throw badParameter(name, value, "give names separated by commas");
  return raw
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter(Boolean);
}

/** Date.parse rolls 2026-02-30 over to March 2; a day or time that does not exist is refused. */
function calendarValid(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth;
}

function parseTime(name: string, value: string): Date {
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/.test(value)) {
    throw badParameter(name, value, "give an ISO 8601 time such as 2025-06-01T12:00:00Z");
  }
  const t = Date.parse(value);
  if (Number.isNaN(t) || !calendarValid(value))
    throw badParameter(name, value, "give a valid ISO 8601 time such as 2025-06-01T12:00:00Z");
  return new Date(t);
}

export function parseRange(req: Request, now: Date, defaultPreset: Preset = "3h"): RangeQuery {
  const range = single(req, "range");
  const start = single(req, "start");
  const end = single(req, "end");
  if (range !== undefined) {
    if (start !== undefined || end !== undefined)
      throw badParameter("range", range, "give either range or start/end, not both");
    if (!isPreset(range))
      throw badParameter("range", range, `use one of ${PRESET_LIST}, or start and end as ISO 8601 times`);
    return { kind: "preset", preset: range };
  }
  if (start === undefined && end === undefined) return { kind: "preset", preset: defaultPreset };
  if (start === undefined)
    throw badParameter("start", start, "give start together with end, as ISO 8601 times");
  const s = parseTime("start", start);
  const e = end === undefined ? now : parseTime("end", end);
  if (s.getTime() > now.getTime()) throw badParameter("start", start, "must not be in the future");
  if (e.getTime() <= s.getTime()) throw badParameter("end", end, `must be after start (${s.toISOString()})`);
  if (e.getTime() - s.getTime() > MAX_RANGE_DAYS * 86_400_000)
    throw badParameter("start", start, `the range may span at most ${MAX_RANGE_DAYS} days`);
  return { kind: "explicit", start: s, end: e.getTime() > now.getTime() ? now : e };
}

export function parseFunctions(req: Request, config: Config): string[] {
  const wanted = list(req, "function");
  const known = config.lambda.functions.map((f) => f.name);
  for (const fn of wanted)
    if (!known.includes(fn))
      throw badParameter("function", fn, `use one of the configured functions: ${known.join(", ")}`);
  return wanted;
}

export function parseModels(req: Request, config: Config): string[] {
  const wanted = list(req, "model");
  const known = config.bedrock.models.flatMap((m) => [m.id, invokeModelId(m)]);
  for (const m of wanted) {
    if (!known.includes(m))
      throw badParameter("model", m, `use one of the configured models: ${[...new Set(known)].join(", ")}`);
  }
  return wanted;
}

export function parseFormat(req: Request, csv: boolean): "json" | "csv" {
  const format = single(req, "format") ?? "json";
  if (format === "json" || (csv && format === "csv")) return format;
  throw badParameter("format", format, csv ? "use json or csv" : "this endpoint answers json only");
}

/** Reject parameters the endpoint does not know (a typo would otherwise be silently ignored). */
export function onlyParams(req: Request, allowed: readonly string[]): void {
  for (const name of Object.keys(req.query as Record<string, unknown>)) {
    if (!allowed.includes(name) || !Object.hasOwn(req.query, name))
      throw badParameter(
        name,
        (req.query as Record<string, unknown>)[name],
        `unknown parameter; this endpoint takes ${allowed.join(", ") || "no parameters"}`,
      );
  }
}

export const DATA_PARAMS = [
  "range",
  "start",
  "end",
  "model",
  "function",
  "format",
  "account",
  "region",
] as const;

/** `account=`: one of config aws.accounts' IDs. */
export function parseAccount(req: Request, config: Config): string | undefined {
  const account = single(req, "account");
  if (account === undefined) return undefined;
  if (config.aws.accounts === "linked") {
    // Discovered at run time, so every 12-digit ID is accepted; one not linked narrows to nothing.
    if (!/^\d{12}$/.test(account))
      throw badParameter("account", account, "use a 12-digit account ID of a linked account");
    return account;
  }
  const known = accountList(config).map((a) => a.id);
  if (known.length === 0)
    throw badParameter(
      "account",
      account,
      "no accounts are configured (config aws.accounts); leave account out",
    );
  if (!known.includes(account))
    throw badParameter("account", account, `use one of the configured account IDs: ${known.join(", ")}`);
  return account;
}

/** `region=`: one of the regions the configured accounts are read in. */
export function parseRegion(req: Request, config: Config): string | undefined {
  const region = single(req, "region");
  if (region === undefined) return undefined;
  const known = accountRegions(config);
  if (known.length === 0)
    throw badParameter(
      "region",
      region,
      "no accounts are configured (config aws.accounts); leave region out",
    );
  if (!known.includes(region))
    throw badParameter(
      "region",
      region,
      `use one of the regions the accounts are read in: ${known.join(", ")}`,
    );
  return region;
}

export function parseDataQuery(req: Request, config: Config, now: Date, csv: boolean): DataQuery {
  onlyParams(req, DATA_PARAMS);
  const account = parseAccount(req, config);
  const region = parseRegion(req, config);
  return {
    range: parseRange(req, now),
    functions: parseFunctions(req, config),
    models: parseModels(req, config),
    format: parseFormat(req, csv),
    ...(account ? { account } : {}),
    ...(region ? { region } : {}),
  };
}

/**
 * Parsed data queries by their raw URL, for preset ranges: the same query string parses to the
 * same query while the server runs (the config is read once), so a cached panel is not parsed
 * again on every request. Explicit ranges depend on the clock (`end` defaults to now, `start`
 * must not be in the future) and are parsed each time. Bounded; the result is frozen and shared.
 */
export class QueryMemo {
  private readonly parsed = new Map<string, DataQuery>();

  constructor(
    private readonly config: Config,
    private readonly csv: boolean,
    private readonly max = 256,
  ) {}

  parse(req: Request, now: Date): DataQuery {
    const hit = this.parsed.get(req.url);
    if (hit) return hit;
    const q = parseDataQuery(req, this.config, now, this.csv);
    if (q.range.kind !== "preset") return q;
    Object.freeze(q.functions);
    Object.freeze(q.models);
    Object.freeze(q.range);
    const frozen = Object.freeze(q);
    if (this.parsed.size >= this.max) this.parsed.clear();
    this.parsed.set(req.url, frozen);
    return frozen;
  }
}
