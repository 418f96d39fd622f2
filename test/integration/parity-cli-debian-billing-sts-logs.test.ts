/**
 * Parity with Debian's packaged AWS CLI (/usr/bin/aws, apt `awscli`; its botocore predates 1.42.7
 * and speaks awsQuery to CloudWatch): the STS, Logs, Budgets and Cost Explorer examples from AWS's CLI reference
 * (test/parity/cli-examples.ts) against the sandbox. When the CLI is absent this says so loudly,
 * and fails under CI (.ci/run installs it).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { describeCli } from "../parity/cli-suite.ts";
import { awsClis, reportMissing } from "../parity/clients.ts";

const { found, missing } = await awsClis();
const debian = found.filter((c) => c.label.startsWith("Debian"));
const required = reportMissing(
  "Debian's AWS CLI",
  missing.filter((m) => m.startsWith("Debian")),
);

describe("parity: Debian's AWS CLI against the sandbox", () => {
  it("is installed where CI requires it", () => {
    assert.deepEqual(required, [], "Debian's awscli is required under CI");
  });
  for (const cli of debian) describeCli(cli, ["sts", "logs", "budgets", "ce"]);
});
