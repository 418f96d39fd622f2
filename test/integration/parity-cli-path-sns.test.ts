/**
 * Parity with the AWS CLI first on PATH when it is not Debian's (e.g. pyenv's aws-cli 1.4x with a
 * current botocore, which speaks awsJson to CloudWatch): the SNS examples from AWS's
 * CLI reference (test/parity/cli-examples.ts). Optional: without such a CLI this says loudly that
 * it did not run.
 */
import { describe } from "node:test";
import { describeCli } from "../parity/cli-suite.ts";
import { awsClis, reportMissing } from "../parity/clients.ts";

const { found } = await awsClis();
const others = found.filter((c) => !c.label.startsWith("Debian"));
if (others.length === 0)
  reportMissing("a second AWS CLI", ["no aws on PATH other than Debian's /usr/bin/aws"]);

describe("parity: the AWS CLI first on PATH against the sandbox", () => {
  for (const cli of others) describeCli(cli, ["sns"]);
});
