/**
 * A throwaway PostgreSQL server for tests: Debian's postgresql binaries (initdb, pg_ctl), a
 * cluster in a temporary directory, a free port and a unix socket directory inside it, started
 * as the `postgres` user when the tests run as root (PostgreSQL refuses to run as root). When it
 * cannot start, `startPostgres` says why; callers skip LOUDLY (and fail under CI=true).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestPostgres {
  /** postgres://postgres@127.0.0.1:PORT/postgres (trust auth, loopback only). */
  url: string;
  /** A fresh database on this server (each test file or test its own). */
  createDatabase(name: string): Promise<string>;
  stop(): void;
}

function findBinDir(): string | null {
  const base = "/usr/lib/postgresql";
  const fromEnv = process.env.PG_BIN_DIR;
  if (fromEnv && existsSync(join(fromEnv, "initdb"))) return fromEnv;
  if (!existsSync(base)) return null;
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(base, versions[0], "bin") : null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function uidOf(user: string): { uid: number; gid: number } | null {
  const r = spawnSync("id", ["-u", user]);
  const g = spawnSync("id", ["-g", user]);
  if (r.status !== 0 || g.status !== 0) return null;
  return { uid: Number(r.stdout.toString()), gid: Number(g.stdout.toString()) };
}

/** Start a cluster, or return the reason it cannot start. */
export async function startPostgres(): Promise<TestPostgres | { error: string }> {
  const bin = findBinDir();
  if (!bin)
    return { error: "no PostgreSQL binaries under /usr/lib/postgresql (Debian: apt-get install postgresql)" };
  const root = mkdtempSync(join(tmpdir(), "bedrock-ops-pg-"));
  const data = join(root, "data");
  const asRoot = process.getuid?.() === 0;
  let wrap = (cmd: string, args: string[]) => ({ cmd, args });
  if (asRoot) {
    const pgUser = uidOf("postgres");
    if (!pgUser) return { error: "running as root and there is no postgres user to run the server as" };
    chownSync(root, pgUser.uid, pgUser.gid);
    chmodSync(root, 0o700);
    wrap = (cmd, args) => ({ cmd: "runuser", args: ["-u", "postgres", "--", cmd, ...args] });
  }
  const port = await freePort();
  const run = (name: string, args: string[]) => {
    const w = wrap(join(bin, name), args);
    return execFileSync(w.cmd, w.args, { stdio: "pipe", timeout: 120_000 });
  };
  try {
    run("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
    run("pg_ctl", [
      "-D",
      data,
      "-o",
      `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`,
      "-l",
      join(root, "server.log"),
      "-w",
      "-t",
      "60",
      "start",
    ]);
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    rmSync(root, { recursive: true, force: true });
    return { error: `could not start PostgreSQL from ${bin}: ${e.stderr?.toString().trim() || e.message}` };
  }
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
    } catch {
      // Already gone.
    }
    rmSync(root, { recursive: true, force: true });
  };
  process.once("exit", stop);
  return {
    url,
    stop,
    async createDatabase(name: string) {
      const { default: pg } = await import("pg");
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name.replace(/"/g, "")}"`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
  };
}

/** The loud notice when PostgreSQL tests cannot run; under CI it is a failure. */
export function postgresUnavailable(reason: string): string {
  const lines = [
    "POSTGRESQL TESTS DID NOT RUN (they are not counted as passed):",
    reason,
    "Install Debian's postgresql package (apt-get install postgresql) and run the tests again.",
  ];
  const width = Math.max(...lines.map((l) => l.length)) + 4;
  const bar = "!".repeat(width);
  return [bar, ...lines.map((l) => `! ${l.padEnd(width - 4)} !`), bar].join("\n");
}
