/**
 * Parity with the newest AWS CLI on PATH when it is not Debian's (e.g. a pyenv aws-cli 1.4x with a
 * current botocore that speaks awsJson to CloudWatch): the same CLI reference examples. Optional:
 * when there is no other CLI this says loudly that it did not run.
 */
import { describe } from "node:test";
import { describeCli } from "../parity/cli-suite.ts";
import { awsClis, reportMissing } from "../parity/clients.ts";

const { found, missing } = await awsClis();
const others = found.filter((c) => !c.label.startsWith("Debian"));
if (others.length === 0)
  reportMissing("a second AWS CLI", [
    "no aws on PATH other than Debian's /usr/bin/aws",
    ...missing.filter((m) => !m.startsWith("Debian")),
  ]);

describe("parity: the AWS CLI first on PATH against the sandbox", () => {
  for (const cli of others) describeCli(cli);
});
