/**
 * Benchmark suites: JSON files validated with zod. A suite is prompts (single or multi-turn),
 * an optional system prompt, the inference config (default: the seeds' maxTokens 2000,
 * temperature 0.7, topP 0.9), repetitions, warm-up count and cheap deterministic quality checks.
 */

import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { describeIssues } from "../validation.ts";

/** The suites shipped with bedrock-ops. */
export const BUILTIN_SUITES_DIR = fileURLToPath(new URL("./suites/", import.meta.url));

const checkSchema = z.discriminatedUnion("type", [
  z
    .object({
      type: z.literal("contains"),
      value: z.string().min(1),
      caseSensitive: z.boolean().default(false),
    })
    .strict(),
  z
    .object({
      type: z.literal("regex"),
      pattern: z.string().min(1),
      flags: z
        .string()
        .regex(/^[imsu]*$/)
        .default(""),
    })
    .strict(),
  z.object({ type: z.literal("json") }).strict(),
  z.object({ type: z.literal("maxLength"), chars: z.number().int().positive() }).strict(),
  z.object({ type: z.literal("minLength"), chars: z.number().int().positive() }).strict(),
]);
export type QualityCheck = z.output<typeof checkSchema>;

const turnSchema = z.object({ role: z.enum(["user", "assistant"]), text: z.string().min(1) }).strict();

const promptSchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, { message: "must be lowercase letters, digits, - or _" }),
    /** A single user message, or ... */
    text: z.string().min(1).optional(),
    /** ... a conversation (user / assistant alternating, ending with the user). */
    messages: z.array(turnSchema).min(1).optional(),
    checks: z.array(checkSchema).default([]),
  })
  .strict()
  .superRefine((p, ctx) => {
    if ((p.text === undefined) === (p.messages === undefined)) {
      ctx.addIssue({ code: "custom", path: ["text"], message: "give exactly one of `text` or `messages`" });
    }
    p.messages?.forEach((m, i) => {
      const expected = i % 2 === 0 ? "user" : "assistant";
      if (m.role !== expected) {
        ctx.addIssue({
          code: "custom",
          path: ["messages", i, "role"],
          message: `must be "${expected}": Converse needs turns alternating user/assistant, starting with user`,
        });
      }
    });
    if (p.messages && p.messages.at(-1)?.role !== "user") {
      ctx.addIssue({ code: "custom", path: ["messages"], message: "the last turn must be a user message" });
    }
    p.checks.forEach((c, i) => {
      if (c.type !== "regex") return;
      try {
        new RegExp(c.pattern, c.flags);
      } catch (err) {
        ctx.addIssue({
          code: "custom",
          path: ["checks", i, "pattern"],
          message: `is not a valid regular expression (${(err as Error).message})`,
        });
      }
    });
  });

export const suiteSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, { message: "must be lowercase letters, digits, - or _" }),
    description: z.string().default(""),
    system: z.string().min(1).optional(),
    inferenceConfig: z
      .object({
        maxTokens: z.number().int().positive().max(10000).default(2000),
        temperature: z.number().min(0).max(1).default(0.7),
        topP: z.number().min(0).max(1).default(0.9),
      })
      .strict()
      .default({ maxTokens: 2000, temperature: 0.7, topP: 0.9 }),
    repetitions: z.number().int().positive().max(1000).default(3),
    /** Warm-up requests per model, recorded but excluded from statistics. */
    warmup: z.number().int().nonnegative().max(20).default(1),
    prompts: z.array(promptSchema).min(1, { message: "list at least one prompt" }),
  })
  .strict()
  .superRefine((s, ctx) => {
    const seen = new Set<string>();
    s.prompts.forEach((p, i) => {
      if (seen.has(p.id))
        ctx.addIssue({
          code: "custom",
          path: ["prompts", i, "id"],
          message: `duplicate prompt id "${p.id}"`,
        });
      seen.add(p.id);
    });
  });

export type Suite = z.output<typeof suiteSchema>;
export type SuitePrompt = Suite["prompts"][number];

export interface LoadedSuite {
  suite: Suite;
  /** sha256 of the file's bytes (first 16 hex digits), for the run manifest. */
  hash: string;
  path: string;
}

export class SuiteError extends Error {
  override readonly name = "SuiteError";
  constructor(
    readonly problems: readonly string[],
    readonly source: string,
  ) {
    super(`Invalid benchmark suite ${source}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

/** Validate a parsed suite; throws SuiteError naming each bad field, its value and the fix. */
export function parseSuite(raw: unknown, source = "suite"): Suite {
  const result = suiteSchema.safeParse(raw);
  if (result.success) return result.data;
  const problems = describeIssues(raw, result.error.issues);
  throw new SuiteError(problems, source);
}

/** Suite names available in the given directories (later directories do not shadow earlier ones). */
export function listSuites(dirs: readonly string[]): string[] {
  const names = new Set<string>();
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir)) if (file.endsWith(".json")) names.add(basename(file, ".json"));
  }
  return [...names].sort();
}

/** The directories searched for suites: the configured one first, then the built-in suites. */
export function suiteDirs(configured: string | undefined, cwd = process.cwd()): string[] {
  return configured ? [resolve(cwd, configured), BUILTIN_SUITES_DIR] : [BUILTIN_SUITES_DIR];
}

/** Load a suite by name (searched in `dirs`) or by path to a .json file. */
export function loadSuite(nameOrPath: string, dirs: readonly string[]): LoadedSuite {
  const candidates = nameOrPath.endsWith(".json")
    ? [isAbsolute(nameOrPath) ? nameOrPath : resolve(nameOrPath)]
    : dirs.map((d) => join(d, `${nameOrPath}.json`));
  const path = candidates.find((p) => existsSync(p));
  if (!path) {
    const known = listSuites(dirs);
    throw new SuiteError(
      [
        `--suite: no suite "${nameOrPath}"; available: ${known.join(", ") || "(none)"}, or give a path to a .json file`,
      ],
      nameOrPath,
    );
  }
  const bytes = readFileSync(path);
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString("utf8"));
  } catch (err) {
    throw new SuiteError([`(file): not valid JSON (${(err as Error).message}); fix the syntax`], path);
  }
  const suite = parseSuite(raw, path);
  return { suite, hash: createHash("sha256").update(bytes).digest("hex").slice(0, 16), path };
}

/** A rough input-token estimate (about 4 characters per token) for cost and quota arithmetic. */
export function estimateInputTokens(suite: Suite, prompt: SuitePrompt): number {
  const chars =
    (suite.system?.length ?? 0) +
    (prompt.text?.length ?? 0) +
    (prompt.messages ?? []).reduce((n, m) => n + m.text.length, 0);
  return Math.ceil(chars / 4);
}
