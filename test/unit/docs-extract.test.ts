import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { extractBlocks, helpExamples } from "../docs/extract.ts";
import { classify, splitAnd } from "../docs/runner.ts";

const FENCE = "```";

describe("docs test: reading commands out of Markdown", () => {
  it("runs sh/bash/shell/console blocks, joins continuations, drops comments, not text/json", () => {
    const md = [
      "# Title",
      `${FENCE}sh`,
      "# a comment",
      "npx bedrock-ops doctor --skip-bedrock",
      "AWS_DEFAULT_REGION=us-east-1 \\",
      "  aws cloudwatch list-metrics",
      FENCE,
      `${FENCE}json`,
      '{"not": "run"}',
      FENCE,
      `${FENCE}bash`,
      "npx bedrock-ops --version",
      FENCE,
    ].join("\n");
    const blocks = extractBlocks("x.md", md);
    assert.deepEqual(
      blocks.map((b) => b.commands.map((c) => [c.where, c.line])),
      [
        [
          ["x.md:4", "npx bedrock-ops doctor --skip-bedrock"],
          ["x.md:5", "AWS_DEFAULT_REGION=us-east-1 \\\n  aws cloudwatch list-metrics"],
        ],
        [["x.md:12", "npx bedrock-ops --version"]],
      ],
    );
  });

  it("a text block right after a run block is the last command's expected output, up to a blank line", () => {
    const md = [
      `${FENCE}sh`,
      "a",
      "b",
      FENCE,
      "",
      `${FENCE}text`,
      "first line",
      "second",
      "",
      "not expected",
      FENCE,
    ].join("\n");
    const [block] = extractBlocks("x.md", md);
    assert.deepEqual(block?.commands[0]?.expect, []);
    assert.deepEqual(block?.commands[1]?.expect, ["first line", "second"]);
  });

  it("a text block after prose is not an expectation", () => {
    const md = [`${FENCE}sh`, "a", FENCE, "Some prose.", `${FENCE}text`, "x", FENCE].join("\n");
    assert.deepEqual(extractBlocks("x.md", md)[0]?.commands[0]?.expect, []);
  });

  it("console blocks: $ lines are commands, the next line is their expected output", () => {
    const md = [`${FENCE}console`, "$ npx bedrock-ops --version", "0.1.0", "$ echo hi", "hi", FENCE].join(
      "\n",
    );
    const [block] = extractBlocks("x.md", md);
    assert.deepEqual(
      block?.commands.map((c) => [c.line, c.expect]),
      [
        ["npx bedrock-ops --version", ["0.1.0"]],
        ["echo hi", ["hi"]],
      ],
    );
  });

  it("skip and needs markers apply to the block under them; unknown markers are errors", () => {
    const md = [
      "<!-- docs-test: skip real-aws -->",
      `${FENCE}sh`,
      "aws iam create-policy",
      FENCE,
      "<!-- docs-test: needs jq -->",
      "",
      `${FENCE}sh`,
      "x | jq .",
      FENCE,
      `${FENCE}sh`,
      "y",
      FENCE,
    ].join("\n");
    const blocks = extractBlocks("x.md", md);
    assert.deepEqual(
      blocks.map((b) => [b.skip, b.needs]),
      [
        ["needs a real AWS account", []],
        [null, ["jq"]],
        [null, []],
      ],
    );
    assert.throws(
      () => extractBlocks("x.md", ["<!-- docs-test: skip because -->", `${FENCE}sh`, "z", FENCE].join("\n")),
      /x\.md:1: unknown docs-test marker "skip because"/,
    );
  });

  it("reads the Examples: of a --help text, up to the first unindented line", () => {
    const help = [
      "Usage: x",
      "Examples:",
      "  bedrock-ops a --b",
      "  aws c",
      "Exit codes: 0",
      "  bedrock-ops not-this",
    ].join("\n");
    assert.deepEqual(helpExamples(help), ["bedrock-ops a --b", "aws c"]);
  });

  it("splits && outside quotes and recognises npm's own commands and the servers", () => {
    assert.deepEqual(splitAnd("npm install && npm start   # x"), ["npm install", "npm start   # x"]);
    assert.deepEqual(splitAnd(`echo "a && b"`), [`echo "a && b"`]);
    assert.deepEqual(classify("npm test  # the whole suite"), {
      kind: "skip",
      reason: "is this suite (npm test)",
    });
    assert.deepEqual(classify("npm install"), { kind: "install" });
    assert.deepEqual(classify("npm install left-pad"), { kind: "refused" });
    assert.deepEqual(classify("npm start     # dashboard"), { kind: "server", what: "dashboard" });
    assert.deepEqual(classify("npx bedrock-ops sandbox --port 4566"), { kind: "server", what: "sandbox" });
    assert.deepEqual(classify("npx bedrock-ops bench --suite twin"), { kind: "run" });
  });
});
