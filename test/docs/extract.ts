/**
 * The shell commands the documentation tells people to run, read from the Markdown (and from the
 * `Examples:` of each command's --help). Conventions (docs/contributing.md, "Commands in the docs"):
 *
 * - ```sh, ```bash, ```shell blocks: every line is a command (`\` continues a line, `#` lines are
 *   comments). ```console blocks: lines starting with `$ ` are commands; the lines after one, up
 *   to the next `$ `, are its output, whose first line must appear in what it prints.
 * - A ```text block right after a run block (only blank lines between) is the output of that
 *   block's last command: its lines up to the first blank line or `...` must each appear in it.
 * - Markers on the lines just above a block (blank lines may separate them):
 *   `<!-- docs-test: skip real-aws -->` or `<!-- docs-test: skip container -->` skip it with that
 *   reason; `<!-- docs-test: needs aws jq -->` runs it only where those tools are installed.
 * - Every other block (```text, ```json, no language) is not run.
 */
export const RUN_LANGS = new Set(["sh", "bash", "shell", "console"]);
export const SKIP_REASONS: Record<string, string> = {
  "real-aws": "needs a real AWS account",
  container: "needs a container engine",
};

export interface DocCommand {
  /** Where it was found, e.g. "README.md:31". */
  where: string;
  /** The command as written (continuation lines joined with their `\`). */
  line: string;
  /** Text that must appear in its output. */
  expect: string[];
}

export interface DocBlock {
  where: string;
  lang: string;
  commands: DocCommand[];
  /** Why the block is not run (a SKIP_REASONS value), or null. */
  skip: string | null;
  /** Tools the block needs on PATH. */
  needs: string[];
}

const MARKER = /^<!--\s*docs-test:\s*(.*?)\s*-->$/;
const FENCE_OPEN = /^```([\w-]*)\s*$/;
const FENCE_CLOSE = /^```\s*$/;

function expectedLines(body: string[]): string[] {
  const out: string[] = [];
  for (const l of body) {
    const t = l.trim();
    if (t === "" || t === "..." || t === "…") break;
    out.push(t);
  }
  return out;
}

/** Split a run block's lines into commands (continuations joined), attaching console output. */
function commandsOf(file: string, firstLine: number, lang: string, body: string[]): DocCommand[] {
  const commands: DocCommand[] = [];
  let pending: { where: string; parts: string[] } | null = null;
  let outputOf: DocCommand | null = null;
  let output: string[] = [];
  const flushOutput = () => {
    if (outputOf && output.length > 0) outputOf.expect.push(...expectedLines(output).slice(0, 1));
    outputOf = null;
    output = [];
  };
  body.forEach((raw, i) => {
    const where = `${file}:${firstLine + i}`;
    if (pending) {
      pending.parts.push(raw);
      if (!raw.endsWith("\\")) {
        const cmd: DocCommand = { where: pending.where, line: pending.parts.join("\n"), expect: [] };
        commands.push(cmd);
        outputOf = lang === "console" ? cmd : null;
        pending = null;
      }
      return;
    }
    let text = raw;
    if (lang === "console") {
      if (!raw.startsWith("$ ")) {
        if (outputOf) output.push(raw);
        return;
      }
      flushOutput();
      text = raw.slice(2);
    }
    const t = text.trim();
    if (t === "" || t.startsWith("#")) return;
    if (text.endsWith("\\")) {
      pending = { where, parts: [text] };
      return;
    }
    const cmd: DocCommand = { where, line: text, expect: [] };
    commands.push(cmd);
    outputOf = lang === "console" ? cmd : null;
  });
  if (pending)
    throw new Error(
      `${(pending as { where: string }).where}: a command ends with "\\" at the end of its block`,
    );
  flushOutput();
  return commands;
}

/** Every fenced block of a Markdown file that is run, skipped or needs tools, in order. */
export function extractBlocks(file: string, markdown: string): DocBlock[] {
  const lines = markdown.split("\n");
  const blocks: DocBlock[] = [];
  let markers: Array<{ where: string; text: string }> = [];
  let lastRun: { block: DocBlock; closedAt: number } | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const marker = MARKER.exec(line.trim());
    if (marker) {
      markers.push({ where: `${file}:${i + 1}`, text: marker[1] ?? "" });
      continue;
    }
    const open = FENCE_OPEN.exec(line);
    if (!open) {
      if (line.trim() !== "") markers = [];
      continue;
    }
    const lang = (open[1] ?? "").toLowerCase();
    const start = i + 1;
    let end = start;
    while (end < lines.length && !FENCE_CLOSE.test(lines[end] ?? "")) end++;
    if (end >= lines.length) throw new Error(`${file}:${i + 1}: a code block is never closed`);
    const body = lines.slice(start, end);
    const where = `${file}:${i + 1}`;
    if (RUN_LANGS.has(lang)) {
      let skip: string | null = null;
      const needs: string[] = [];
      for (const m of markers) {
        const [verb, ...args] = m.text.split(/\s+/);
        if (verb === "skip" && args.length === 1 && SKIP_REASONS[args[0] ?? ""])
          skip = SKIP_REASONS[args[0] ?? ""] ?? null;
        else if (verb === "needs" && args.length > 0) needs.push(...args);
        else
          throw new Error(
            `${m.where}: unknown docs-test marker "${m.text}"; use "skip real-aws", "skip container" or "needs <tool>..."`,
          );
      }
      const block: DocBlock = { where, lang, commands: commandsOf(file, start + 1, lang, body), skip, needs };
      blocks.push(block);
      lastRun = { block, closedAt: end };
    } else {
      if (markers.length > 0)
        throw new Error(
          `${markers[0]?.where}: a docs-test marker above a \`\`\`${lang} block, which is never run`,
        );
      const between = lastRun ? lines.slice(lastRun.closedAt + 1, i) : [];
      if (lastRun && lang === "text" && between.every((l) => l.trim() === "")) {
        const last = lastRun.block.commands.at(-1);
        if (last) last.expect.push(...expectedLines(body));
      }
    }
    markers = [];
    lastRun = RUN_LANGS.has(lang) ? lastRun : null;
    i = end;
  }
  return blocks;
}

/** The example command lines under `Examples:` in a --help text (indented lines, as printed). */
export function helpExamples(help: string): string[] {
  const out: string[] = [];
  let inExamples = false;
  for (const line of help.split("\n")) {
    if (/^Examples:\s*$/.test(line)) {
      inExamples = true;
      continue;
    }
    if (!inExamples) continue;
    if (!/^\s+\S/.test(line)) {
      inExamples = false;
      continue;
    }
    out.push(line.trim());
  }
  return out;
}
