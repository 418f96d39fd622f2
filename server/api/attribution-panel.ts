/**
 * The Attribution panel (issue #18): Bedrock spend per application inference profile, per
 * cost-allocation tag value, per IAM principal or per requestMetadata value, with the unattributed
 * remainder, each view adding up to the Bedrock total for the same days.
 *
 * Sources and cadence:
 * - application profiles and their tags (ListInferenceProfiles + ListTagsForResource, free but rate
 *   limited) and the invocation logging configuration: cached 6 h;
 * - CloudWatch tokens per model ID per day: the costs panel's cached daily tokens (no extra call);
 * - Cost Explorer GroupBy TAG ($0.01 a page): once per refresh slot like the costs panel's breakdown,
 *   over the same month-aligned window, under the same hourly cap; ListCostAllocationTags once a day;
 * - invocation logs: one Logs Insights query per day and grouping; a closed day (ended longer ago than
 *   cache.logsSettleSeconds) is kept for 30 days and never re-read, today is re-read per logs TTL.
 */
import type { AwsClients } from "../aws/clients.ts";
import { cacheKey } from "../cache/keys.ts";
import type { CachedError, CacheResult, SwrCache } from "../cache/swr-cache.ts";
import { bedrockRegion, type Config } from "../config.ts";
import type { PriceBook } from "../pricing/prices.ts";
import { type DailyTokens, estimateDaily } from "../pricing/reconcile.ts";
import { isApplicationProfile } from "../pricing/usage-types.ts";
import {
  buildGroups,
  type Cell,
  daysOf,
  type GroupLabel,
  UNATTRIBUTED,
} from "../sources/attribution-build.ts";
import { type InvocationLogging, invocationLogging } from "../sources/attribution-logging.ts";
import { type LogGrouping, type LogTokenRow, readAttributionDay } from "../sources/attribution-logs.ts";
import {
  type ApplicationProfile,
  listApplicationProfiles,
  profileOf,
} from "../sources/attribution-profiles.ts";
import { type TagCosts, TagCostsSource, type TagStatus } from "../sources/attribution-tags.ts";
import type { CostWindow } from "../sources/costs.ts";
import { QueryQueue } from "../sources/logs-insights.ts";
import { addDays } from "../sources/range.ts";
import type {
  AttributionData,
  AttributionDay,
  AttributionGroup,
  AttributionNote,
  Panel,
  PanelError,
} from "./contract.ts";
import { cadenceMs, windowShape } from "./costs-panel.ts";
import { Memo } from "./memo.ts";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const CONTROL_TTL_MS = 6 * HOUR_MS;
const CLOSED_DAY_TTL_MS = 30 * DAY_MS;
/** Logs Insights queries this panel runs at once (the logs panel keeps its own five). */
const LOGS_CONCURRENCY = 2;

export type AttributionBy =
  | { kind: "profile" }
  | { kind: "principal" }
  | { kind: "tag"; key: string }
  | { kind: "metadata"; key: string };

export function byName(by: AttributionBy): string {
  return by.kind === "tag" || by.kind === "metadata" ? `${by.kind}:${by.key}` : by.kind;
}

/** The views a configuration offers, in selector order. */
export function attributionOptions(config: Config): string[] {
  return [
    "profile",
    ...config.attribution.tagKeys.map((k) => `tag:${k}`),
    ...config.attribution.metadataKeys.map((k) => `metadata:${k}`),
    "principal",
  ];
}

export interface AttributionPanelDeps {
  config: Config;
  clients: AwsClients;
  cache: SwrCache;
  prices: PriceBook;
  now: () => Date;
  dailyTokens: (window: CostWindow, force: boolean) => Promise<CacheResult<DailyTokens[]>>;
  /** The Bedrock services of the costs panel's default view (its cached monthly query). */
  bedrockServices: () => Promise<{ services: string[] | null; error: CachedError | null }>;
  fetchWindow: (window: CostWindow) => CostWindow;
  capped: <T extends { requests: number }>(call: () => Promise<T>) => Promise<T>;
}

interface Parts {
  profiles: ApplicationProfile[];
  /** Every cached value (and note input) the view was built from: the data's memo key. */
  inputs: unknown[];
  errors: Array<PanelError | null>;
  stale: boolean;
  fetchedAt: number | null;
}

const label = (p: ApplicationProfile): GroupLabel => ({
  label: p.name,
  detail: [
    p.model ?? "model unknown",
    ...Object.entries(p.tags).map(([k, v]) => `${k}=${v}`),
    ...(p.error ? [`tags not read: ${p.error}`] : []),
  ].join(" · "),
});

export const COMMANDS = {
  activateTag: (key: string) =>
    `aws ce update-cost-allocation-tags-status --cost-allocation-tags-status TagKey=${key},Status=Active`,
  createProfile: (modelArn: string) =>
    `aws bedrock create-inference-profile --inference-profile-name twin-support --model-source copyFrom=${modelArn} --tags key=team,value=support key=app,value=twin-api`,
  logging: (region: string) =>
    `aws bedrock put-model-invocation-logging-configuration --region ${region} --logging-config '{"cloudWatchConfig":{"logGroupName":"/aws/bedrock/invocations","roleArn":"arn:aws:iam::ACCOUNT_ID:role/BedrockInvocationLogging"},"textDataDeliveryEnabled":true}'`,
} as const;

export class AttributionPanel {
  private readonly tags: TagCostsSource;
  private readonly queue = new QueryQueue(LOGS_CONCURRENCY);
  /**
   * Each view and the data around it once per combination of their inputs (the cached values they
   * read): an unchanged answer costs a lookup and is the same object, bytes and ETag.
   */
  private readonly views = new Memo<object | null>();
  private readonly memo = new Memo<AttributionData>();

  constructor(private readonly deps: AttributionPanelDeps) {
    this.tags = new TagCostsSource(deps.clients.costExplorer());
  }

  private region(): string {
    return bedrockRegion(this.deps.config);
  }

  private perDay(): number {
    const c = this.deps.config;
    return Math.max(1, Math.min(c.costs.refreshesPerDay, Math.floor(86_400 / c.cache.ttlSeconds.costs)));
  }

  private profiles(): Promise<CacheResult<ApplicationProfile[]>> {
    const region = this.region();
    return this.deps.cache.get(cacheKey("attribution-profiles", { region }), CONTROL_TTL_MS, () =>
      listApplicationProfiles(this.deps.clients.bedrockControl({ region })),
    );
  }

  logging(): Promise<CacheResult<InvocationLogging>> {
    const region = this.region();
    return this.deps.cache.get(cacheKey("invocation-logging", { region }), CONTROL_TTL_MS, () =>
      invocationLogging(this.deps.clients.bedrockControl({ region })),
    );
  }

  async panel(
    by: AttributionBy,
    window: CostWindow,
    preset: string | null,
    force: boolean,
  ): Promise<Panel<AttributionData>> {
    const profiles = await this.profiles();
    const parts: Parts = {
      profiles: profiles.value ?? [],
      inputs: [profiles.value],
      errors: [profiles.error],
      stale: profiles.stale,
      fetchedAt: profiles.fetchedAt,
    };
    const view =
      by.kind === "profile"
        ? await this.byProfile(window, parts, force)
        : by.kind === "tag"
          ? await this.byTag(by.key, window, parts, force)
          : await this.byLogs(by, window, parts, force);
    const error = parts.errors.find((e) => e !== null) ?? null;
    const panel: Panel<AttributionData> = {
      data: null,
      asOf: parts.fetchedAt === null ? null : new Date(parts.fetchedAt).toISOString(),
      stale: parts.stale,
      error,
    };
    if (!view) return panel;
    const key = [this.deps.config, view, byName(by), window.start, window.end, preset];
    const data = this.memo.get(key, () => ({
      ...view,
      by: byName(by),
      range: {
        start: `${window.start}T00:00:00.000Z`,
        end: `${window.end}T00:00:00.000Z`,
        preset,
        periodSeconds: 86_400,
      },
      currency: "USD",
      options: attributionOptions(this.deps.config),
    }));
    return { ...panel, data };
  }

  private track<T>(parts: Parts, result: CacheResult<T>): T | null {
    parts.errors.push(result.error);
    parts.inputs.push(result.value);
    parts.stale = parts.stale || result.stale;
    if (result.fetchedAt !== null)
      parts.fetchedAt =
        parts.fetchedAt === null ? result.fetchedAt : Math.min(parts.fetchedAt, result.fetchedAt);
    return result.value;
  }

  /** A view built once per its inputs (everything read so far, in `parts.inputs`, and `key`). */
  private built<T extends object | null>(parts: Parts, key: readonly unknown[], build: () => T): T {
    return this.views.get([this.deps.config, ...key, ...parts.inputs], build) as T;
  }

  /** Price CloudWatch/log token rows per model, application profiles at their base model's price. */
  private price(rows: readonly DailyTokens[], profiles: readonly ApplicationProfile[]) {
    return estimateDaily(
      rows,
      this.deps.prices,
      this.region(),
      (id) => profileOf(profiles, id)?.model ?? null,
    );
  }

  private unpriced(estimates: ReturnType<AttributionPanel["price"]>) {
    const map = new Map<string, string>();
    for (const e of estimates) if (e.estimatedUsd === null) map.set(e.modelId, e.unpriced ?? "no price");
    return [...map].map(([model, reason]) => ({ model, reason }));
  }

  private async byProfile(window: CostWindow, parts: Parts, force: boolean) {
    const tokens = this.track(parts, await this.deps.dailyTokens(window, force));
    if (!tokens) return null;
    return this.built(parts, ["profile", window.start, window.end], () =>
      this.profileView(window, tokens, parts.profiles),
    );
  }

  private profileView(window: CostWindow, tokens: DailyTokens[], profiles: ApplicationProfile[]) {
    const parts = { profiles };
    const days = daysOf(window.start, window.end);
    const estimates = this.price(tokens, parts.profiles);
    const cells: Cell[] = estimates.map((e) =>
      estimateCell(e, profileOf(parts.profiles, e.modelId)?.id ?? UNATTRIBUTED),
    );
    const notes: AttributionNote[] = [
      {
        level: "info",
        message:
          "Estimated from CloudWatch token counts per profile ID x the base model's price. The bill shows a profile through its cost-allocation tags: choose a tag view for billed cost.",
      },
    ];
    if (parts.profiles.length === 0)
      notes.push({
        level: "warning",
        message:
          "No application inference profile in this account and Region: every call is unattributed. Create one per application (with team/app tags) and call Bedrock through its ARN.",
        command: COMMANDS.createProfile(
          `arn:aws:bedrock:${this.region()}::foundation-model/amazon.nova-lite-v1:0`,
        ),
      });
    const unresolved = tokens.filter(
      (t) => isApplicationProfile(t.modelId) && !profileOf(parts.profiles, t.modelId),
    );
    if (unresolved.length > 0)
      notes.push({
        level: "warning",
        message: `CloudWatch reports ${new Set(unresolved.map((t) => t.modelId)).size} application profile ID(s) that ListInferenceProfiles does not list (deleted, or another Region): counted as unattributed.`,
      });
    const built = buildGroups({
      days,
      cells,
      billed: false,
      estimated: true,
      counted: false,
      labels: new Map(parts.profiles.map((p) => [p.id, label(p)])),
      unattributedLabel: "Not through an application profile",
      unattributedDetail: "calls to base model IDs and system-defined (us./eu./global.) profiles",
      shareOf: "estimated",
    });
    return {
      mechanism: "application-profile" as const,
      ...built,
      shareOf: "estimated" as const,
      unpriced: this.unpriced(estimates),
      notes,
    };
  }

  private async byTag(key: string, window: CostWindow, parts: Parts, force: boolean) {
    const { cache, capped, now } = this.deps;
    const found = await this.deps.bedrockServices();
    const services = found.services ?? [];
    if (services.length === 0) {
      parts.errors.push(found.error);
      if (!found.services) return null;
    }
    const fetched = this.deps.fetchWindow(window);
    const today = new Date(now()).toISOString().slice(0, 10);
    // On Cost Explorer's cadence, as the costs panel: measured from the last fetch, keyed by what
    // is asked (a window reaching today is "to date"), the window of the fetching day asked for.
    const asked = { start: fetched.start, end: [fetched.end, addDays(today, 1)].sort()[0]! };
    const [billedResult, statusResult, tokensResult] = await Promise.all([
      cache.get<TagCosts & { period: CostWindow }>(
        cacheKey("ce-tag", { window: windowShape(fetched, today, false), key, services }),
        cadenceMs(this.perDay()),
        async () => ({ ...(await capped(() => this.tags.byTag(asked, key, services))), period: asked }),
        { force },
      ),
      cache.get<{ tags: TagStatus[]; requests: number }>(
        cacheKey("ce-tag-status", { keys: [...this.deps.config.attribution.tagKeys] }),
        cadenceMs(1),
        () => capped(() => this.tags.status(this.deps.config.attribution.tagKeys)),
      ),
      this.deps.dailyTokens(window, force),
    ]);
    const billed = this.track(parts, billedResult);
    // Whether the tag is active is a note, not the panel's error: the bill by tag stands on its own.
    const status = statusResult.value;
    parts.inputs.push(status, statusResult.error, services.join(","));
    const tokens = this.track(parts, tokensResult) ?? [];
    if (!billed) return null;
    return this.built(parts, ["tag", key, window.start, window.end], () =>
      this.tagView(key, window, services, billed, statusResult, tokens, parts.profiles),
    );
  }

  private tagView(
    key: string,
    window: CostWindow,
    services: readonly string[],
    billed: TagCosts & { period: CostWindow },
    statusResult: CacheResult<{ tags: TagStatus[]; requests: number }>,
    tokens: DailyTokens[],
    profiles: ApplicationProfile[],
  ) {
    const parts = { profiles };
    const status = statusResult.value;
    const days = daysOf(window.start, window.end);
    const cells: Cell[] = [];
    const labels = new Map<string, GroupLabel>();
    for (const d of billed.days)
      for (const [value, amount] of Object.entries(d.byValue)) {
        cells.push({ date: d.date, group: value, billedUsd: amount });
        if (value !== UNATTRIBUTED) labels.set(value, { label: value, detail: null });
      }
    const estimates = this.price(tokens, parts.profiles);
    for (const e of estimates) {
      const value = profileOf(parts.profiles, e.modelId)?.tags[key] ?? UNATTRIBUTED;
      if (value !== UNATTRIBUTED && !labels.has(value)) labels.set(value, { label: value, detail: null });
      cells.push(estimateCell(e, value));
    }
    for (const p of parts.profiles) {
      const value = p.tags[key];
      const l = value === undefined ? undefined : labels.get(value);
      if (l) l.detail = [l.detail, p.name].filter(Boolean).join(", ");
    }
    const notes: AttributionNote[] = [
      {
        level: "info",
        message: `Billed: Cost Explorer grouped by the tag "${key}" over the Bedrock services (${services.join(", ")}); spend without the tag is the "${key}$" group. Estimated: tokens of application profiles tagged ${key} x their base model's price.`,
      },
    ];
    if (statusResult.error)
      notes.push({
        level: "warning",
        message: `Whether the tag "${key}" is active for cost allocation could not be read (${statusResult.error.code}: ${statusResult.error.message}).`,
      });
    const st = status?.tags.find((s) => s.key === key);
    if (st && st.status !== "Active")
      notes.push({
        level: "warning",
        message:
          st.status === null
            ? `The tag "${key}" is not known to Cost Explorer yet (a new tag appears up to 24 h after it is first applied): the bill shows all spend as untagged.`
            : `The tag "${key}" is not active for cost allocation: the bill shows all spend as untagged. Activate it (AWS applies it from then on; a backfill can cover up to 12 past months).`,
        command: COMMANDS.activateTag(key),
      });
    // Days the cached answer was fetched before: no billed figure yet (null, not $0), and a note.
    const pending = new Set(days.filter((d) => d < billed.period.start || d >= billed.period.end));
    if (pending.size > 0)
      notes.push({
        level: "info",
        message: `Not yet in Cost Explorer: ${[...pending].join(", ")} (the bill by tag in use was fetched before; Cost Explorer is asked again on its own cadence, costs.refreshesPerDay). Those days show the estimate only.`,
      });
    const built = withoutBilled(
      buildGroups({
        days,
        cells,
        billed: true,
        estimated: true,
        counted: false,
        labels,
        unattributedLabel: `Untagged (${key}$)`,
        unattributedDetail: `Bedrock spend without a "${key}" cost-allocation tag (base models, system profiles, untagged profiles, batch jobs, other features)`,
        shareOf: "billed",
      }),
      pending,
    );
    return {
      mechanism: "cost-allocation-tag" as const,
      ...built,
      shareOf: "billed" as const,
      unpriced: this.unpriced(estimates),
      notes,
    };
  }

  /** One day of the invocation logs for a grouping, cached for good once the day is closed. */
  private logDay(logGroup: string, day: string, grouping: LogGrouping, force: boolean) {
    const nowMs = this.deps.now().getTime();
    const dayEnd = Date.parse(`${addDays(day, 1)}T00:00:00Z`);
    const closed = dayEnd + this.deps.config.cache.logsSettleSeconds * 1000 <= nowMs;
    const region = this.region();
    return this.deps.cache.get<{ rows: LogTokenRow[]; bytesScanned: number }>(
      cacheKey("attribution-logs", { region, logGroup, day, grouping: { ...grouping }, closed }),
      closed ? CLOSED_DAY_TTL_MS : this.deps.config.cache.ttlSeconds.logs * 1000,
      () =>
        readAttributionDay({
          client: this.deps.clients.logs({ region }),
          queue: this.queue,
          logGroup,
          day,
          // Logs Insights takes whole seconds, end inclusive: the day up to the next midnight.
          end: new Date(Math.min(dayEnd, nowMs)),
          grouping,
        }),
      { force: force && !closed },
    );
  }

  private async byLogs(
    by: { kind: "principal" } | { kind: "metadata"; key: string },
    window: CostWindow,
    parts: Parts,
    force: boolean,
  ) {
    const configured = this.deps.config.attribution.invocationLogGroup;
    const logging = configured ? null : this.track(parts, await this.logging());
    const logGroup = configured ?? logging?.logGroup ?? null;
    const days = daysOf(window.start, window.end).filter(
      (d) => d <= this.deps.now().toISOString().slice(0, 10),
    );
    const allDays = daysOf(window.start, window.end);
    const grouping: LogGrouping =
      by.kind === "principal" ? { kind: "principal" } : { kind: "metadata", key: by.key };
    const what =
      by.kind === "principal" ? "the calling IAM principal (identity.arn)" : `requestMetadata.${by.key}`;
    const notes: AttributionNote[] = [];
    if (!logGroup) {
      if (!configured && !logging) return null;
      notes.push({
        level: "warning",
        message: logging?.s3
          ? `Model invocation logs go to ${logging.s3} only; this view reads them from CloudWatch Logs. Add a CloudWatch Logs destination (or set attribution.invocationLogGroup).`
          : "Model invocation logging is off in this Region: calls cannot be split by principal or request metadata. Turn it on (a CloudWatch Logs group and a role Bedrock can write with).",
        command: COMMANDS.logging(this.region()),
      });
      const tokens = this.track(parts, await this.deps.dailyTokens(window, force)) ?? [];
      return this.built(parts, ["no-logs", window.start, window.end], () => {
        const estimates = this.price(tokens, parts.profiles);
        return this.logsView(estimates, notes, {
          days: allDays,
          cells: estimates.map((e) => estimateCell(e, UNATTRIBUTED)),
          counted: false,
          unattributedLabel: "Unattributed (no invocation logs)",
          unattributedDetail:
            "every call: CloudWatch token counts x price, with no per-request record to split them",
        });
      });
    }
    const results = await Promise.all(
      days.flatMap((day) => [
        this.logDay(logGroup, day, { kind: "total" }, force),
        this.logDay(logGroup, day, grouping, force),
      ]),
    );
    const values = results.map((r) => this.track(parts, r));
    const key = [byName(by), logGroup, window.start, window.end, days.join(",")];
    return this.built(parts, key, () =>
      this.logGroupView(by, allDays, days, values, notes, logGroup, what, parts.profiles),
    );
  }

  private logGroupView(
    by: { kind: "principal" } | { kind: "metadata"; key: string },
    allDays: string[],
    days: string[],
    values: Array<{ rows: LogTokenRow[]; bytesScanned: number } | null>,
    notes: AttributionNote[],
    logGroup: string,
    what: string,
    profiles: ApplicationProfile[],
  ) {
    const rows: DailyTokens[] = [];
    const groupOfRow: string[] = [];
    const callsOfRow: number[] = [];
    let missing = false;
    days.forEach((day, i) => {
      const total = values[2 * i];
      const named = values[2 * i + 1];
      if (!total || !named) {
        missing = true;
        return;
      }
      // The remainder per model: the day's totals minus the named groups.
      const rest = new Map<string, LogTokenRow>();
      for (const r of total.rows) rest.set(r.modelId, { ...r });
      for (const r of named.rows) {
        if (r.group === "") continue;
        rows.push({
          date: day,
          modelId: r.modelId,
          input: r.input,
          output: r.output,
          cacheRead: r.cacheRead,
          cacheWrite: r.cacheWrite,
        });
        groupOfRow.push(r.group);
        callsOfRow.push(r.calls);
        const left = rest.get(r.modelId);
        if (left) {
          left.calls -= r.calls;
          left.input -= r.input;
          left.output -= r.output;
          left.cacheRead -= r.cacheRead;
          left.cacheWrite -= r.cacheWrite;
        }
      }
      for (const r of rest.values()) {
        if (r.calls <= 0 && r.input <= 0 && r.output <= 0) continue;
        rows.push({
          date: day,
          modelId: r.modelId,
          input: Math.max(0, r.input),
          output: Math.max(0, r.output),
          cacheRead: Math.max(0, r.cacheRead),
          cacheWrite: Math.max(0, r.cacheWrite),
        });
        groupOfRow.push(UNATTRIBUTED);
        callsOfRow.push(Math.max(0, r.calls));
      }
    });
    if (missing && rows.length === 0) return null;
    const estimates = this.price(rows, profiles);
    const cells: Cell[] = estimates.map((e, i) => ({
      ...estimateCell(e, groupOfRow[i] ?? UNATTRIBUTED),
      calls: callsOfRow[i] ?? 0,
    }));
    notes.push({
      level: "info",
      message: `Estimated from Bedrock model invocation logs (${logGroup}) grouped by ${what}, tokens x the base model's price. Request metadata never reaches the bill: there is no billed figure per group.`,
    });
    return this.logsView(estimates, notes, {
      days: allDays,
      cells,
      counted: true,
      unattributedLabel: by.kind === "principal" ? "No principal recorded" : `Without ${by.key}`,
      unattributedDetail:
        by.kind === "principal"
          ? "logged calls without identity.arn"
          : `logged calls that passed no requestMetadata.${by.key} (InvokeModel without the header, other callers)`,
    });
  }

  /** A view from invocation logs (or, with logging off, all of it unattributed): estimated only. */
  private logsView(
    estimates: ReturnType<AttributionPanel["price"]>,
    notes: AttributionNote[],
    groups: Pick<
      Parameters<typeof buildGroups>[0],
      "days" | "cells" | "counted" | "unattributedLabel" | "unattributedDetail"
    >,
  ) {
    const built = buildGroups({
      ...groups,
      billed: false,
      estimated: true,
      labels: new Map(),
      shareOf: "estimated",
    });
    return {
      mechanism: "invocation-logs" as const,
      ...built,
      shareOf: "estimated" as const,
      unpriced: this.unpriced(estimates),
      notes,
    };
  }
}

/** An estimate row as a cell of one group. */
function estimateCell(e: ReturnType<AttributionPanel["price"]>[number], group: string): Cell {
  return {
    date: e.date,
    group,
    estimatedUsd: e.estimatedUsd ?? 0,
    input: e.input,
    output: e.output,
    cacheRead: e.cacheRead,
    cacheWrite: e.cacheWrite,
  };
}

/** The built groups with no billed figure (null) on the days the Cost Explorer answer does not hold. */
function withoutBilled<T extends { groups: AttributionGroup[]; total: { days: AttributionDay[] } }>(
  built: T,
  pending: ReadonlySet<string>,
): T {
  if (pending.size === 0) return built;
  const blank = (days: AttributionDay[]) =>
    days.map((d) => (pending.has(d.date) ? { ...d, billedUsd: null } : d));
  return {
    ...built,
    groups: built.groups.map((g) => ({ ...g, days: blank(g.days) })),
    total: { ...built.total, days: blank(built.total.days) },
  };
}
