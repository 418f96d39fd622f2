/**
 * Every command the documentation tells people to run works as written: each shell line of the
 * ```sh/```bash/```shell/```console blocks of README.md and docs/*.md, and the `Examples:` of
 * every command's --help, run from a fresh copy of the repository through npx, against a sandbox
 * this test starts (the copy's config.json points at it). Conventions: docs/contributing.md.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { COMMANDS, commandHelp, mainHelp } from "../../server/cli.ts";
import { type DocBlock, extractBlocks, helpExamples } from "../docs/extract.ts";
import { type Lane, openLane } from "../docs/lane.ts";
import { type Outcome, runBlock } from "../docs/runner.ts";

const root = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
/** DOCS_TEST_PROGRESS=1 prints each command as it finishes (on stderr). */
const progress = process.env.DOCS_TEST_PROGRESS === "1";
const line = (o: Outcome) =>
  `docs-test ${o.failure ? "✗" : o.skipped ? "-" : "✓"} ${o.where} ${o.line.split("\n")[0]} (${(o.ms / 1000).toFixed(1)} s)${o.skipped ? ` skipped: ${o.skipped}` : ""}`;
/** Lanes run side by side (each with its own copy and sandbox); most of a command's time is waiting. */
const LANES = 3;

/** A command as a key for "already ran": without its trailing comment and extra spaces. */
const normalize = (line: string) =>
  line
    .replace(/\s+#[^'"]*$/, "")
    .replace(/\s+/g, " ")
    .trim();

function docFiles(): string[] {
  const docs = readdirSync(join(root, "docs"))
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f) => `docs/${f}`);
  return ["README.md", ...docs];
}

/** The Examples: of `bedrock-ops --help` and of each command's --help, as one-command blocks. */
async function helpBlocks(seen: Map<string, string>): Promise<{ blocks: DocBlock[]; skipped: Outcome[] }> {
  const helps: Array<{ name: string; text: string }> = [{ name: "bedrock-ops --help", text: mainHelp() }];
  for (const [name, entry] of Object.entries(COMMANDS)) {
    helps.push({ name: `bedrock-ops ${name} --help`, text: commandHelp(await entry.load()) });
  }
  const blocks: DocBlock[] = [];
  const skipped: Outcome[] = [];
  for (const help of helps) {
    for (const example of helpExamples(help.text)) {
      const line = `npx ${example}`;
      const skip = (reason: string) =>
        skipped.push({ where: help.name, line: example, skipped: reason, failure: null, ms: 0 });
      if (!example.startsWith("bedrock-ops "))
        skip("not a bedrock-ops command (an AWS CLI call on a real account)");
      else if (seen.has(normalize(line))) skip(`the same command as ${seen.get(normalize(line))}, run there`);
      else {
        seen.set(normalize(line), help.name);
        blocks.push({
          where: help.name,
          lang: "sh",
          commands: [{ where: help.name, line, expect: [] }],
          skip: null,
          needs: [],
        });
      }
    }
  }
  return { blocks, skipped };
}

function failures(outcomes: Outcome[]): string {
  return outcomes
    .filter((o) => o.failure)
    .map((o) => `\n✗ ${o.where}  ${o.line}\n    ${(o.failure ?? "").replace(/\n/g, "\n    ")}`)
    .join("\n");
}

describe("documented commands run as written (README.md, docs/*.md, --help Examples)", () => {
  const lanes: Lane[] = [];
  const outcomes = new Map<DocBlock, Outcome[]>();
  let order: DocBlock[] = [];
  let extra: Outcome[] = [];

  before(async () => {
    const seen = new Map<string, string>();
    for (const file of docFiles()) {
      for (const block of extractBlocks(file, readFileSync(join(root, file), "utf8"))) {
        order.push(block);
        for (const c of block.commands)
          if (!seen.has(normalize(c.line))) seen.set(normalize(c.line), c.where);
      }
    }
    const help = await helpBlocks(seen);
    order = [...order, ...help.blocks];
    extra = help.skipped;
    for (let i = 0; i < LANES; i++) lanes.push(await openLane(root));
    const queue = [...order];
    await Promise.all(
      lanes.map(async (lane) => {
        for (let block = queue.shift(); block; block = queue.shift()) {
          const done = await runBlock(block, lane.ctx);
          outcomes.set(block, done);
          if (progress) for (const o of done) process.stderr.write(`${line(o)}\n`);
        }
      }),
    );
  });

  after(async () => {
    for (const lane of lanes) await lane.close();
  });

  it("every command of README.md and docs/*.md, and every --help example, works as written", () => {
    const all = order.flatMap((b) => outcomes.get(b) ?? []);
    assert.ok(all.length > 0, "no documented command found");
    const bad = failures(all);
    if (bad) assert.fail(`documented commands that do not work as written:${bad}`);
  });

  it("says how many documented commands ran and were skipped, and why", (t) => {
    const all = [...order.flatMap((b) => outcomes.get(b) ?? []), ...extra];
    const ran = all.filter((o) => o.skipped === null);
    const reasons = new Map<string, number>();
    for (const o of all) {
      const reason = o.skipped?.startsWith("the same command as")
        ? "the same command ran elsewhere in the docs"
        : o.skipped;
      if (reason) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
    const slowest = [...ran].sort((a, b) => b.ms - a.ms).slice(0, 3);
    const lines = [
      `documented commands: ${all.length}; ran ${ran.length} (${ran.filter((o) => o.failure).length} failed), skipped ${all.length - ran.length}`,
      ...[...reasons].map(([reason, n]) => `  skipped ${n}: ${reason}`),
      `  slowest: ${slowest.map((o) => `${o.line.split("\n")[0]} (${(o.ms / 1000).toFixed(1)} s)`).join("; ")}`,
    ];
    for (const l of lines) t.diagnostic(l);
    assert.ok(ran.length > 0, "no documented command ran");
  });
});
