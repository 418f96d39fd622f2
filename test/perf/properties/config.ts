/**
 * Properties of configuration loading: any JSON value, any mutation of a valid config, any
 * file text and environment give a Config or a ConfigError (never another exception), and each
 * problem line names a field. Shared by `npm run fuzz` and test/unit/fuzz-config.test.ts.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { ConfigError, loadConfig, parseConfig } from "../../../server/config.ts";

const ROOT = new URL("../../..", import.meta.url).pathname;
export const EXAMPLE_TEXT = readFileSync(join(ROOT, "config.example.json"), "utf8");
export const EXAMPLE: unknown = JSON.parse(EXAMPLE_TEXT);

/** "field: ...", "(top level): ...", "(file): ..." or "unknown field(s) ...". */
const NAMES_A_FIELD = /^(\(top level\)|\(file\)|[^\s].*?): |^unknown field\(s\) /;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = Array<string | number>;

/** Every path inside a JSON value (objects and arrays included), the root excluded. */
export function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (value === null || typeof value !== "object") return [];
  const entries: Array<[string | number, unknown]> = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.entries(value as Record<string, unknown>);
  return entries.flatMap(([k, v]) => [[...prefix, k], ...pathsOf(v, [...prefix, k])]);
}

export function fieldName(path: Path): string {
  return path
    .map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`))
    .join("")
    .replace(/^\./, "");
}

type Edit = { kind: "set"; value: Json } | { kind: "delete" } | { kind: "add"; key: string; value: Json };

export interface Mutated {
  raw: unknown;
  path: Path;
}

function apply(base: unknown, path: Path, edit: Edit): unknown {
  const copy = structuredClone(base) as Record<string | number, unknown>;
  const parent = path
    .slice(0, -1)
    .reduce<Record<string | number, unknown>>((o, k) => o[k] as Record<string | number, unknown>, copy);
  const last = path[path.length - 1]!;
  if (edit.kind === "set") parent[last] = edit.value;
  else if (edit.kind === "delete") {
    if (Array.isArray(parent) && typeof last === "number") parent.splice(last, 1);
    else delete parent[last];
  } else {
    const target = parent[last];
    if (target && typeof target === "object" && !Array.isArray(target))
      (target as Record<string, unknown>)[edit.key] = edit.value;
    else parent[last] = { [edit.key]: edit.value };
  }
  return copy;
}

const EXAMPLE_PATHS = pathsOf(EXAMPLE).filter(
  (p) => !p.some((k) => typeof k === "string" && k.startsWith("//")),
);

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({
    kind: fc.constant("set" as const),
    value: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
  }),
  fc.record({ kind: fc.constant("delete" as const) }),
  fc.record({
    kind: fc.constant("add" as const),
    key: fc.string({ minLength: 1, maxLength: 10 }).filter((k) => !k.startsWith("//") && k !== "__proto__"),
    value: fc.jsonValue({ maxDepth: 1 }) as fc.Arbitrary<Json>,
  }),
);

/** config.example.json (made a sandbox config) with 1-3 edits at random places. */
export const mutatedConfig: fc.Arbitrary<Mutated> = fc
  .array(fc.tuple(fc.constantFrom(...EXAMPLE_PATHS), edit), { minLength: 1, maxLength: 3 })
  .map((edits) => {
    let raw: unknown = EXAMPLE;
    for (const [path, e] of edits) {
      try {
        raw = apply(raw, path, e);
      } catch {
        // An earlier edit removed the parent: this edit no longer applies.
      }
    }
    return { raw, path: edits[0]![0] };
  });

export type Outcome = "valid" | "invalid";

/** parseConfig must return a Config or throw a ConfigError whose every line names a field. */
export function checkParseConfig(raw: unknown): Outcome {
  try {
    const config = parseConfig(raw, "fuzz");
    assert.equal(typeof config.mode, "string");
    return "valid";
  } catch (err) {
    checkConfigError(err, raw);
    return "invalid";
  }
}

export function checkConfigError(err: unknown, input: unknown): asserts err is ConfigError {
  if (!(err instanceof ConfigError)) {
    assert.fail(
      `${JSON.stringify(input)?.slice(0, 200)} threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}, not ConfigError`,
    );
  }
  assert.ok(err.problems.length > 0, "a ConfigError lists at least one problem");
  for (const line of err.problems) assert.match(line, NAMES_A_FIELD, `problem line names a field: ${line}`);
  assert.doesNotMatch(err.message, /\[object Object\]/, "problems read clearly");
}

export function configProperty() {
  return fc.property(fc.jsonValue({ maxDepth: 4 }), (raw) => void checkParseConfig(raw));
}

/** A mutation that makes the config invalid is reported at the mutated field or one of its parents. */
export function mutatedConfigProperty() {
  return fc.property(mutatedConfig, ({ raw }) => {
    try {
      parseConfig(raw, "fuzz");
    } catch (err) {
      checkConfigError(err, raw);
    }
  });
}

/** The first edit alone: when it breaks the config, a problem line starts with its field or a parent's. */
export function singleEditProperty() {
  return fc.property(fc.constantFrom(...EXAMPLE_PATHS), edit, (path, e) => {
    const raw = apply(EXAMPLE, path, e);
    try {
      parseConfig(raw, "fuzz");
      return;
    } catch (err) {
      checkConfigError(err, raw);
      const prefixes = path.map((_, i) => fieldName(path.slice(0, i + 1)));
      const named = err.problems.some(
        (line) =>
          line.startsWith("unknown field(s)") ||
          line.startsWith("(top level)") ||
          prefixes.some(
            (p) => line.startsWith(`${p}:`) || line.startsWith(`${p}[`) || line.startsWith(`${p}.`),
          ),
      );
      assert.ok(
        named,
        `editing ${fieldName(path)} (${JSON.stringify(e)}) gave problems that do not name it: ${err.problems.join(" | ")}`,
      );
    }
  });
}

const envValue = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom("0", "3000", "65536", "-1", "us-east-1", "0.0.0.0", "short", "a-token-of-enough-length"),
);
export const envArbitrary = fc.record(
  {
    HOST: envValue,
    PORT: envValue,
    BEDROCK_OPS_TOKEN: envValue,
    AWS_REGION: envValue,
    BEDROCK_OPS_DATA_DIR: envValue,
  },
  { requiredKeys: [] },
);

export const fileText: fc.Arbitrary<string> = fc.oneof(
  fc.json({ maxDepth: 3 }),
  fc.string({ maxLength: 60 }),
  fc.tuple(fc.nat(), fc.nat({ max: 20 }), fc.string({ maxLength: 5 })).map(([at, n, s]) => {
    const i = at % (EXAMPLE_TEXT.length + 1);
    return EXAMPLE_TEXT.slice(0, i) + s + EXAMPLE_TEXT.slice(i + n);
  }),
  mutatedConfig.map((m) => JSON.stringify(m.raw)),
);

/** loadConfig over a real file: any text and environment give a Config or a ConfigError. */
export function loadConfigProperty(dir: string) {
  const path = join(dir, "config.json");
  return fc.property(fileText, envArbitrary, (text, env) => {
    writeFileSync(path, text);
    try {
      loadConfig({ path, env: env as NodeJS.ProcessEnv, cwd: dir });
    } catch (err) {
      checkConfigError(err, { text, env });
    }
  });
}

export function tempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), "bedrock-ops-fuzz-"));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
