/**
 * Configuration: one schema, defaults, environment overrides, validated once and frozen.
 * This is the only module that reads `process.env` or the config file.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { describeIssues } from "./validation.ts";

const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
/** A Bedrock base model ID such as `amazon.nova-lite-v1:0` (no inference-profile prefix). */
const BASE_MODEL_ID = /^[a-z0-9-]+\.[a-zA-Z0-9._-]+(:[a-z0-9]+)*$/;
const PROFILE_PREFIXES = ["us", "eu", "apac", "us-gov", "jp", "au", "ca", "global"] as const;
export type ProfilePrefix = (typeof PROFILE_PREFIXES)[number];
const PROFILE_PREFIX_RE = /^(us|eu|apac|us-gov|jp|au|ca|global)\./;
const MODEL_ID_MESSAGE =
  "must be a Bedrock model ID such as amazon.nova-lite-v1:0; put a us./eu./apac./jp./au./ca./global. prefix in `profile`, not in `id`";

const region = z.string().regex(REGION, {
  message: "must be an AWS region code such as us-east-1 or eu-west-1",
});
const positiveInt = z.number().int().positive();
const accountIdSchema = z.string().regex(/^\d{12}$/, { message: "must be the 12-digit AWS account ID" });
const emailList = z.array(z.email({ message: "must be an e-mail address such as ops@example.com" }));

/** An application inference profile ARN, which CloudWatch reports as the ModelId (issue #12). */
const APPLICATION_PROFILE_ARN =
  /^arn:aws(-[a-z]+)*:bedrock:[a-z0-9-]+:\d{12}:application-inference-profile\/[a-z0-9]+$/;

const modelSchema = z
  .object({
    id: z
      .string()
      .refine((id) => APPLICATION_PROFILE_ARN.test(id) || BASE_MODEL_ID.test(id), {
        message: MODEL_ID_MESSAGE,
      })
      .refine((id) => !PROFILE_PREFIX_RE.test(id), { message: MODEL_ID_MESSAGE }),
    label: z.string().min(1).optional(),
    profile: z.enum(PROFILE_PREFIXES).optional(),
  })
  .strict();

const functionSchema = z
  .object({
    name: z.string().regex(/^[a-zA-Z0-9-_]{1,64}$/, {
      message: "must be a Lambda function name (letters, digits, - and _, at most 64 characters)",
    }),
    logGroup: z
      .string()
      .startsWith("/", { message: "must be a log group name such as /aws/lambda/twin-api" })
      .optional(),
    /**
     * The source account the function runs in (aws.accounts); its log group is read by ARN
     * through this monitoring account. Absent: this account.
     */
    accountId: accountIdSchema.optional(),
    /** The function's LoggingConfig.LogFormat; read with lambda:GetFunctionConfiguration when absent. */
    logFormat: z
      .enum(["Text", "JSON"], { message: 'must be "Text" or "JSON" (the function\'s log format)' })
      .optional(),
  })
  .strict();

const thresholdSchema = z
  .object({
    type: z.enum(["ACTUAL", "FORECASTED"]),
    percent: z.number().positive().max(1000, { message: "must be a percentage between 0 and 1000" }),
  })
  .strict();

const managedBudgetSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[^:\\]+$/, { message: "must not contain ':' or '\\'" }),
    limitUsd: z.number().positive({ message: "must be a positive amount in USD, such as 10" }),
    emails: emailList.max(10, { message: "AWS allows at most 10 e-mail subscribers per notification" }),
    thresholds: z.array(thresholdSchema).min(1),
    bedrockOnly: z.boolean().default(false),
  })
  .strict();

const scheduleSchema = z
  .object({
    cron: z.string().min(9, { message: "must be a cron expression such as '0 6 * * *'" }),
    suite: z.string().min(1),
    models: z.array(z.string()).optional(),
    repetitions: positiveInt.optional(),
    /** Accept runs of this schedule estimated up to this many USD (above bench.maxCostUsd). */
    maxCostUsd: z.number().nonnegative().optional(),
  })
  .strict();

const priceSchema = z
  .object({
    input: z.number().nonnegative(),
    output: z.number().nonnegative(),
    cacheRead: z.number().nonnegative().optional(),
    cacheWrite: z.number().nonnegative().optional(),
  })
  .strict();

const faultSchema = z
  .object({
    service: z.string().min(1),
    operation: z.string().min(1).optional(),
    kind: z.enum(["throttle", "internal", "unavailable", "slow", "malformed", "truncated", "drop"]),
    probability: z.number().min(0).max(1).default(1),
    delayMs: z.number().int().nonnegative().optional(),
    /** Schedule: fire on every Nth matching call, only after the first N, at most N times. */
    every: z.number().int().positive().optional(),
    after: z.number().int().nonnegative().optional(),
    times: z.number().int().positive().optional(),
  })
  .strict();

/**
 * The access token: surrounding whitespace (a trailing newline from `echo > file`) is dropped,
 * and a weak token is refused at start rather than silently never matching.
 */
const tokenSchema = z
  .string()
  .transform((t) => t.trim())
  .pipe(
    z
      .string()
      .min(16, { message: "must be at least 16 characters (after trimming spaces and newlines)" })
      .refine((t) => new Set(t).size >= 8, {
        message: "is too weak: use at least 8 different characters, e.g. `openssl rand -hex 24`",
      }),
  );

const accountListSchema = z
  .array(
    z
      .object({
        id: accountIdSchema,
        label: z.string().min(1).max(64),
        /**
         * Regions to read this account's metrics in (one GetMetricData per region carries
         * every account's series there). Absent: the Lambda and Bedrock regions.
         */
        regions: z
          .array(region)
          .min(1, { message: "list at least one region, or leave regions out" })
          .refine((list) => new Set(list).size === list.length, {
            message: "lists a region twice; give each region once",
          })
          .optional(),
      })
      .strict(),
  )
  .min(1, { message: "list at least one account, or leave aws.accounts out" })
  .refine((list) => new Set(list.map((a) => a.id)).size === list.length, {
    message: "lists an account ID twice; give each account once",
  });

const storeSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("sqlite") }).strict(),
  z
    .object({
      kind: z.literal("postgres"),
      url: z.string().regex(/^postgres(ql)?:\/\/\S+$/, {
        message:
          "must be a PostgreSQL URL such as postgres://bedrock_ops:PASSWORD@db.example.com:5432/bedrock_ops (or set BEDROCK_OPS_DATABASE_URL)",
      }),
    })
    .strict(),
]);

/** A cost-allocation tag key (AWS allows more; `$` separates key and value in Cost Explorer's group keys). */
const tagKey = z.string().regex(/^[a-zA-Z0-9 ._:/=+@-]{1,128}$/, {
  message:
    'must be a cost-allocation tag key such as "team" (letters, digits, spaces and . _ : / = + @ -, at most 128)',
});
/** A requestMetadata key: a plain name, so that `requestMetadata.<key>` is one Logs Insights field. */
const metadataKey = z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, {
  message: 'must be a requestMetadata key such as "tenant" (letters, digits, _ and -, at most 64)',
});
const unique = (keys: readonly string[]) => new Set(keys).size === keys.length;

const attributionSchema = z
  .object({
    /** Cost-allocation tag keys offered in the "by" selector (Cost Explorer GroupBy TAG; activate them first). */
    tagKeys: z
      .array(tagKey)
      .max(20, { message: "offer at most 20 tag keys" })
      .refine(unique, { message: "lists a tag key twice; give each key once" })
      .default(["team", "app"]),
    /** Converse requestMetadata keys offered (read from model invocation logs). */
    metadataKeys: z
      .array(metadataKey)
      .max(20, { message: "offer at most 20 metadata keys" })
      .refine(unique, { message: "lists a metadata key twice; give each key once" })
      .default(["tenant"]),
    /** Log group of Bedrock model invocation logs; discovered with GetModelInvocationLoggingConfiguration when absent. */
    invocationLogGroup: z
      .string()
      .regex(/^[\w#/.-]{1,512}$/, {
        message: "must be a log group name such as /aws/bedrock/invocations (letters, digits, _ - / . #)",
      })
      .optional(),
  })
  .strict();

export const configSchema = z
  .object({
    mode: z.enum(["aws", "sandbox"]).default("aws"),
    server: z
      .object({
        host: z.string().min(1).default("127.0.0.1"),
        port: z.number().int().min(0).max(65535).default(3000),
        token: tokenSchema.optional(),
        dataDir: z.string().min(1).default(".bedrock-ops"),
        /** Express `trust proxy`: set when a TLS proxy in front sets X-Forwarded-Proto (cookies get Secure). */
        trustProxy: z.union([z.boolean(), z.number().int().min(0).max(10), z.string().min(1)]).default(false),
        /** How long a page sign-in lasts. */
        sessionHours: z.number().positive().max(720).default(12),
      })
      .strict()
      .default({
        host: "127.0.0.1",
        port: 3000,
        dataDir: ".bedrock-ops",
        trustProxy: false,
        sessionHours: 12,
      }),
    aws: z
      .object({
        region: region.default("us-east-1"),
        profile: z.string().min(1).optional(),
        endpoint: z.url({ message: "must be a URL such as http://127.0.0.1:4566" }).optional(),
        maxAttempts: z.number().int().min(1).max(10).default(3),
        retryMode: z.enum(["standard", "adaptive"]).default("standard"),
        /** TCP (and TLS) connection set-up limit for every AWS call. */
        connectTimeoutMs: z.number().int().min(100).max(120_000).default(3_000),
        /** Limit for one AWS request once connected (per attempt). */
        requestTimeoutMs: z.number().int().min(500).max(600_000).default(20_000),
        accountId: z
          .string()
          .regex(/^\d{12}$/, { message: "must be the 12-digit AWS account ID" })
          .optional(),
        /**
         * Source accounts linked to this (monitoring) account through CloudWatch cross-account
         * observability: their metrics are read with AccountId per query, in the same calls, and
         * their log groups by ARN in the same Logs Insights queries. "linked": every source
         * account attached to this account's OAM sinks (oam:ListSinks, oam:ListAttachedLinks).
         */
        accounts: z
          .union([z.literal("linked"), accountListSchema], {
            error:
              'must be "linked" (every source account linked to this monitoring account) or a list of { "id", "label" }',
          })
          .optional(),
      })
      .strict()
      .default({
        region: "us-east-1",
        maxAttempts: 3,
        retryMode: "standard",
        connectTimeoutMs: 3_000,
        requestTimeoutMs: 20_000,
      }),
    lambda: z
      .object({
        region: region.optional(),
        functions: z.array(functionSchema).min(1, { message: "list at least one Lambda function" }),
      })
      .strict()
      .default({ functions: [{ name: "twin-api", logGroup: "/aws/lambda/twin-api" }] }),
    bedrock: z
      .object({
        region: region.optional(),
        models: z.array(modelSchema).min(1, { message: "list at least one Bedrock model" }),
      })
      .strict()
      .default({
        models: [
          { id: "amazon.nova-micro-v1:0", label: "Nova Micro" },
          { id: "amazon.nova-lite-v1:0", label: "Nova Lite" },
          { id: "amazon.nova-pro-v1:0", label: "Nova Pro" },
        ],
      }),
    costs: z
      .object({
        /** Cost Explorer SERVICE values to show; absent: every service whose name contains "Bedrock" (discovered daily). */
        services: z.array(z.string().min(1)).min(1).optional(),
        lookbackDays: z.number().int().min(1).max(365).default(7),
        /** Cost Explorer breakdown queries a day (AWS refreshes its data up to 3 times a day). */
        refreshesPerDay: z.number().int().min(1).max(3).default(2),
        /** Ceiling on Cost Explorer requests per hour ($0.01 each), whatever viewers ask for. */
        maxRequestsPerHour: z.number().int().min(1).max(1000).default(20),
      })
      .strict()
      .default({ lookbackDays: 7, refreshesPerDay: 2, maxRequestsPerHour: 20 }),
    attribution: attributionSchema.default({ tagKeys: ["team", "app"], metadataKeys: ["tenant"] }),
    budgets: z
      .object({
        names: z.array(z.string().min(1)).optional(),
        managed: z.array(managedBudgetSchema).default([]),
      })
      .strict()
      .default({
        managed: [
          {
            name: "twin-budget",
            limitUsd: 10,
            emails: [],
            thresholds: [
              { type: "ACTUAL", percent: 80 },
              { type: "FORECASTED", percent: 100 },
            ],
            bedrockOnly: false,
          },
        ],
      }),
    cache: z
      .object({
        ttlSeconds: z
          .object({
            metrics: positiveInt.default(60),
            /**
             * Metrics of ranges of 24 h and longer (the trend views) refresh at most this often:
             * 10 minutes = two 5-minute points of the 24 h view. 300 shows every point as it lands
             * (GetMetricData is billed per metric requested: about $0.06 a day more with the defaults).
             */
            metricsLongRange: positiveInt.default(600),
            logs: positiveInt.default(300),
            costs: positiveInt.default(21600),
            budgets: positiveInt.default(3600),
          })
          .strict()
          .default({ metrics: 60, metricsLongRange: 600, logs: 300, costs: 21600, budgets: 3600 }),
        /** Memory held by cached panels (serialised bytes); the least recently used go first. */
        maxMemoryMB: z.number().positive().max(4096).default(64),
        /** Persisted cache kept in the store (serialised bytes); the oldest are pruned while running. */
        maxStoredMB: z.number().positive().max(65_536).default(256),
        /** How long a viewer waits for AWS when a panel has nothing cached yet; then an error, not a hang. */
        waitSeconds: z.number().positive().max(300).default(10),
        /** Logs Insights bins closed longer than this are final (late delivery settled) and never re-queried. */
        logsSettleSeconds: z.number().int().min(0).max(3600).default(180),
      })
      .strict()
      .default({
        ttlSeconds: { metrics: 60, metricsLongRange: 600, logs: 300, costs: 21600, budgets: 3600 },
        maxMemoryMB: 64,
        maxStoredMB: 256,
        waitSeconds: 10,
        logsSettleSeconds: 180,
      }),
    pricing: z
      .object({ overrides: z.record(z.string(), priceSchema).default({}) })
      .strict()
      .default({ overrides: {} }),
    bench: z
      .object({
        suitesDir: z.string().min(1).optional(),
        slo: z
          .object({
            p90EndToEndMs: positiveInt.default(2000),
            minQualityPassRate: z.number().min(0).max(1).default(0.9),
          })
          .strict()
          .default({ p90EndToEndMs: 2000, minQualityPassRate: 0.9 }),
        schedules: z.array(scheduleSchema).default([]),
        publishNamespace: z.string().min(1).optional(),
        /** A run (or a scheduled run) estimated above this many USD needs --yes or --max-cost. */
        maxCostUsd: z.number().nonnegative().default(1),
        /** A running benchmark's lease: renewed every third of it; a run whose lease expired is incomplete. */
        runLeaseSeconds: z.number().int().min(2).max(3600).default(60),
      })
      .strict()
      .default({
        slo: { p90EndToEndMs: 2000, minQualityPassRate: 0.9 },
        schedules: [],
        maxCostUsd: 1,
        runLeaseSeconds: 60,
      }),
    quotas: z
      .object({
        /** Applied quotas rarely change: Service Quotas is read at most this often. */
        ttlSeconds: positiveInt.default(21_600),
        /** A minute counts as "hot" above this share of the applied quota (percent). */
        hotPercent: z.number().positive().max(100).default(80),
      })
      .strict()
      .default({ ttlSeconds: 21_600, hotPercent: 80 }),
    alarms: z
      .object({
        /** Prefix of every alarm name `alarms setup` manages (it never touches other alarms). */
        prefix: z
          .string()
          .regex(/^[A-Za-z0-9_.-]{1,64}$/, { message: "must be letters, digits, _ . - (at most 64)" })
          .default("bedrock-ops"),
        /** Alarm when a model's EstimatedTPMQuotaUsage passes this share of its applied TPM quota (percent). */
        tpmPercent: z.number().positive().max(100).default(80),
        /** Bedrock InvocationLatency p90 SLO, ms. */
        latencyP90Ms: positiveInt.default(4000),
        /** Lambda Duration p90 limit, ms. */
        durationP90Ms: positiveInt.default(10_000),
        /** SNS topic the alarms notify (created when absent), and its e-mail subscribers. */
        topicName: z
          .string()
          .regex(/^[A-Za-z0-9_-]{1,256}$/, {
            message: "must be an SNS topic name (letters, digits, - and _)",
          })
          .default("bedrock-ops-alarms"),
        emails: emailList.default([]),
        /** An existing topic (Slack via Chatbot, PagerDuty, ...) used instead of creating one. */
        topicArn: z
          .string()
          .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, {
            message: "must be an SNS topic ARN such as arn:aws:sns:us-east-1:123456789012:ops",
          })
          .optional(),
      })
      .strict()
      .default({
        prefix: "bedrock-ops",
        tpmPercent: 80,
        latencyP90Ms: 4000,
        durationP90Ms: 10_000,
        topicName: "bedrock-ops-alarms",
        emails: [],
      }),
    /** Where runs, the persisted cache and the spend ledger live: SQLite under server.dataDir, or PostgreSQL shared by replicas. */
    store: storeSchema.default({ kind: "sqlite" }),
    sandbox: z
      .object({
        seed: z.number().int().default(42),
        /** How the sandbox account bills: "realistic" (a 2026 account) or "simple" (Nova on demand only). */
        scenario: z.enum(["simple", "realistic"]).default("realistic"),
        /**
         * "management": the sandbox account is its organization's management account, its linked
         * source accounts are members, and Cost Explorer shows their costs by LINKED_ACCOUNT.
         * "standalone": its own costs only (what a member account's Cost Explorer shows).
         */
        organization: z.enum(["standalone", "management"]).default("standalone"),
        faults: z.array(faultSchema).default([]),
        workload: z
          .object({
            /** Multiplies the app's traffic and log volume (metrics, logs and bill stay in agreement). */
            scale: z
              .number()
              .positive({ message: "must be a positive number such as 1, 10 or 100" })
              .max(1000, { message: "must be at most 1000" })
              .default(1),
          })
          .strict()
          .default({ scale: 1 }),
      })
      .strict()
      .default({
        seed: 42,
        scenario: "realistic",
        organization: "standalone",
        faults: [],
        workload: { scale: 1 },
      }),
  })
  .strict();

/** Functions of the sandbox's default account (no config.json): twin-api (Text) and twin-api-json (JSON). */
export const SANDBOX_DEFAULT_FUNCTIONS = ["twin-api", "twin-api-json"] as const;

export type ConfigInput = z.input<typeof configSchema>;
type Parsed = z.output<typeof configSchema>;
export type ModelConfig = Parsed["bedrock"]["models"][number];
export type FunctionConfig = Parsed["lambda"]["functions"][number];
export type ManagedBudget = Parsed["budgets"]["managed"][number];
export type FaultConfig = Parsed["sandbox"]["faults"][number];
export type AlarmsConfig = Parsed["alarms"];
export type AttributionConfig = Parsed["attribution"];
/** One AWS account the dashboard reads (config aws.accounts, or discovered when "linked"). */
export type AccountConfig = Exclude<Parsed["aws"]["accounts"], "linked" | undefined>[number];

export interface Config extends Parsed {
  /** Where the settings came from: a file path, or "defaults" when no config file exists. */
  readonly source: string;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(
    readonly problems: readonly string[],
    readonly source: string,
  ) {
    super(`Invalid configuration in ${source}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

/** The ID a model is invoked with and reported under in AWS/Bedrock metrics. */
export function invokeModelId(model: ModelConfig): string {
  return model.profile ? `${model.profile}.${model.id}` : model.id;
}

export function logGroupOf(fn: FunctionConfig): string {
  return fn.logGroup ?? `/aws/lambda/${fn.name}`;
}

/** The accounts aws.accounts lists; [] when it is absent or "linked" (discovered at run time: sources/accounts-resolve.ts). */
export function accountList(config: Config): readonly AccountConfig[] {
  const accounts = config.aws.accounts;
  return Array.isArray(accounts) ? accounts : [];
}

export function lambdaRegion(config: Config): string {
  return config.lambda.region ?? config.aws.region;
}

export function bedrockRegion(config: Config): string {
  return config.bedrock.region ?? config.aws.region;
}

/** Validate a parsed config object; throws ConfigError naming each field, its value and the fix. */
export function parseConfig(raw: unknown, source = "config"): Config {
  const result = configSchema.safeParse(stripComments(raw));
  if (!result.success) {
    const problems = describeIssues(
      raw,
      result.error.issues,
      " or check the spelling against config.example.json",
    );
    throw new ConfigError(problems, source);
  }
  return deepFreeze({ ...result.data, source });
}

/** Keys starting with "//" are comments (config.example.json documents every field with them). */
function stripComments(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripComments);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    // defineProperty: a "__proto__" key stays an own (unknown, reported) key, never a prototype.
    for (const [k, v] of Object.entries(value))
      if (!k.startsWith("//"))
        Object.defineProperty(out, k, {
          value: stripComments(v),
          enumerable: true,
          writable: true,
          configurable: true,
        });
    return out;
  }
  return value;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

export interface LoadOptions {
  /** Explicit path (from --config); otherwise BEDROCK_OPS_CONFIG, then ./config.json. */
  path?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Overrides from command-line flags, applied after the environment. */
  overrides?: { host?: string; port?: number; mode?: "aws" | "sandbox" };
}

/**
 * Load the configuration once at start. With no config file the product runs against the
 * in-process sandbox (`mode: "sandbox"`) with the seed documents' defaults.
 */
export function loadConfig(options: LoadOptions = {}): Config {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const explicit = options.path ?? env.BEDROCK_OPS_CONFIG;
  const path = resolve(cwd, explicit ?? "config.json");
  let raw: Record<string, unknown> = {};
  let source = "defaults (no config.json)";
  if (existsSync(path)) {
    source = path;
    raw = readConfigFile(path);
  } else if (explicit) {
    throw new ConfigError([`(file): ${path} does not exist; create it from config.example.json`], path);
  } else {
    // The sandbox's default account: the seeds' text-format twin-api and one JSON-format function.
    raw = { mode: "sandbox", lambda: { functions: SANDBOX_DEFAULT_FUNCTIONS.map((name) => ({ name })) } };
  }
  return parseConfig(applyEnv(raw, env, options.overrides), source);
}

/** Nesting deeper than this is not a configuration (the schema is 4 levels deep). */
const MAX_DEPTH = 32;

function depthOf(value: unknown, depth = 0): number {
  if (depth > MAX_DEPTH || value === null || typeof value !== "object") return depth;
  let deepest = depth;
  for (const inner of Object.values(value)) deepest = Math.max(deepest, depthOf(inner, depth + 1));
  return deepest;
}

/** Keys that would reach Object.prototype if anything ever merged them naively. */
function forbiddenKey(value: unknown, path = ""): string | null {
  if (value === null || typeof value !== "object") return null;
  for (const key of Object.keys(value)) {
    const here = path ? `${path}.${key}` : key;
    if (key === "__proto__" || key === "constructor" || key === "prototype") return here;
    const found = forbiddenKey((value as Record<string, unknown>)[key], here);
    if (found) return found;
  }
  return null;
}

/** Read and parse the config file; every way it can be wrong gets its own message and fix. */
function readConfigFile(path: string): Record<string, unknown> {
  const fail = (problem: string): never => {
    throw new ConfigError([problem], path);
  };
  let text = "";
  try {
    if (statSync(path).isDirectory())
      fail(
        `(file): ${path} is a directory, not a file; point --config (or BEDROCK_OPS_CONFIG) at the JSON file inside it`,
      );
    text = readFileSync(path, "utf8");
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const code = (err as { code?: string }).code;
    fail(
      code === "EACCES" || code === "EPERM"
        ? `(file): ${path} cannot be read (permission denied); make it readable by this user (chmod 600 and the right owner)`
        : `(file): ${path} cannot be read (${code ?? (err as Error).message}); check the path and its permissions`,
    );
  }
  // Editors on Windows save UTF-8 with a byte-order mark; JSON.parse would call it a syntax error.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === "")
    fail("(file): the file is empty; it must hold a JSON object { ... } (see config.example.json)");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    fail(`(file): not valid JSON (${(err as Error).message}); fix the syntax`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
    fail("(top level): the file must hold a JSON object { ... }");
  if (depthOf(parsed) > MAX_DEPTH)
    fail(
      `(file): nested more than ${MAX_DEPTH} levels deep; this is not a bedrock-ops configuration (see config.example.json)`,
    );
  const bad = forbiddenKey(parsed);
  if (bad) fail(`${bad}: the key ${JSON.stringify(bad.split(".").at(-1))} is not allowed; remove it`);
  return parsed as Record<string, unknown>;
}

function section(raw: Record<string, unknown>, key: string): Record<string, unknown> {
  const value = raw[key];
  return value && typeof value === "object" && !Array.isArray(value)
    ? { ...(value as Record<string, unknown>) }
    : {};
}

function applyEnv(
  raw: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  overrides: LoadOptions["overrides"] = {},
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...raw };
  const server = section(raw, "server");
  const aws = section(raw, "aws");
  if (env.HOST) server.host = env.HOST;
  if (env.PORT) server.port = /^\d+$/.test(env.PORT) ? Number(env.PORT) : env.PORT;
  if (env.BEDROCK_OPS_TOKEN) server.token = env.BEDROCK_OPS_TOKEN;
  if (env.BEDROCK_OPS_DATA_DIR) server.dataDir = env.BEDROCK_OPS_DATA_DIR;
  if (env.AWS_REGION) aws.region = env.AWS_REGION;
  if (env.AWS_PROFILE) aws.profile = env.AWS_PROFILE;
  if (env.AWS_ENDPOINT_URL) aws.endpoint = env.AWS_ENDPOINT_URL;
  if (env.BEDROCK_OPS_DATABASE_URL) out.store = { kind: "postgres", url: env.BEDROCK_OPS_DATABASE_URL };
  if (overrides.host !== undefined) server.host = overrides.host;
  if (overrides.port !== undefined) server.port = overrides.port;
  if (overrides.mode !== undefined) out.mode = overrides.mode;
  if (Object.keys(server).length > 0) out.server = server;
  if (Object.keys(aws).length > 0) out.aws = aws;
  return out;
}

/** Whether the process runs as a test or CI job (for tools that print progress). */
export function isInteractive(): boolean {
  return Boolean(process.stderr.isTTY) && !process.env.CI;
}
