/**
 * The real AWS clients the parity tests drive: Debian's `awscli` (/usr/bin/aws, an older botocore
 * that speaks awsQuery to CloudWatch) and `python3-boto3` (/usr/bin/python3), plus whichever newer
 * `aws` / `python3` comes first on PATH (e.g. pyenv). A client that is absent is reported loudly
 * as NOT RUN; under CI the Debian ones are required (.ci/run installs them).
 */
import { execFile } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import { delimiter, join } from "node:path";

export interface RealClient {
  label: string;
  path: string;
  version: string;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a client with dummy credentials and no user config, for this child only. */
export function run(path: string, args: string[], extraEnv: Record<string, string> = {}): Promise<RunResult> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: process.env.HOME ?? "/tmp",
    AWS_ACCESS_KEY_ID: "AKIAPARITYEXAMPLE01",
    AWS_SECRET_ACCESS_KEY: "parity-secret-not-a-real-key",
    AWS_DEFAULT_REGION: "us-east-1",
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
    AWS_PAGER: "",
    AWS_EC2_METADATA_DISABLED: "true",
    ...extraEnv,
  };
  if (process.env.PYENV_ROOT) env.PYENV_ROOT = process.env.PYENV_ROOT;
  return new Promise((resolve) => {
    execFile(path, args, { env, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const full = join(dir, name);
    if (dir && existsSync(full)) return full;
  }
  return undefined;
}

function same(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return a === b;
  }
}

/** Debian's aws CLI and the first `aws` on PATH when it is another one. */
export async function awsClis(): Promise<{ found: RealClient[]; missing: string[] }> {
  const candidates: { label: string; path: string }[] = [{ label: "Debian awscli", path: "/usr/bin/aws" }];
  const first = onPath("aws");
  if (first && !same(first, "/usr/bin/aws") && first !== "/bin/aws")
    candidates.push({ label: `aws on PATH (${first})`, path: first });
  const found: RealClient[] = [];
  const missing: string[] = [];
  for (const c of candidates) {
    const v = existsSync(c.path) ? await run(c.path, ["--version"]) : undefined;
    if (v && v.code === 0) found.push({ ...c, version: (v.stdout || v.stderr).trim() });
    else missing.push(`${c.label} (${c.path})`);
  }
  return { found, missing };
}

/** Pythons that can import boto3: Debian's /usr/bin/python3 and the first python3 on PATH. */
export async function boto3Pythons(): Promise<{ found: RealClient[]; missing: string[] }> {
  const candidates: { label: string; path: string }[] = [
    { label: "Debian python3-boto3", path: "/usr/bin/python3" },
  ];
  const first = onPath("python3");
  if (first && !same(first, "/usr/bin/python3") && first !== "/bin/python3")
    candidates.push({ label: `python3 on PATH (${first})`, path: first });
  const found: RealClient[] = [];
  const missing: string[] = [];
  for (const c of candidates) {
    const v = existsSync(c.path)
      ? await run(c.path, [
          "-c",
          "import boto3, botocore; print('boto3', boto3.__version__, 'botocore', botocore.__version__)",
        ])
      : undefined;
    if (v && v.code === 0) found.push({ ...c, version: v.stdout.trim() });
    else missing.push(`${c.label} (${c.path}): no boto3`);
  }
  return { found, missing };
}

/** Says loudly on stderr that some parity tests did not run; under CI, Debian's clients are required. */
export function reportMissing(kind: string, missing: string[]): string[] {
  if (missing.length === 0) return [];
  const lines = [
    `PARITY TESTS DID NOT RUN for ${kind}: ${missing.join("; ")}.`,
    "Install Debian's clients (apt-get install awscli python3-boto3) and run npm test again.",
  ];
  const width = Math.max(...lines.map((l) => l.length)) + 4;
  const bar = "!".repeat(width);
  process.stderr.write(`${[bar, ...lines.map((l) => `! ${l.padEnd(width - 4)} !`), bar].join("\n")}\n`);
  return process.env.CI ? missing.filter((m) => m.startsWith("Debian")) : [];
}
