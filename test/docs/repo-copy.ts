/**
 * A fresh copy of the repository, as a new user's clone would be: the files git tracks plus new
 * files not ignored (so a dev worktree's uncommitted docs are what gets tested, and CI's clean
 * clone gives the same set), nothing ignored (no config.json, no .bedrock-ops/, no web/dist).
 * node_modules is a symlink to the original's, standing for an `npm install` already done.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export interface RepoCopy {
  dir: string;
  files: number;
}

export function copyRepository(root: string, prefix = "bedrock-ops-docs-"): RepoCopy {
  const listed = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  })
    .split("\0")
    .filter((f) => f !== "" && !f.startsWith("node_modules/"));
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let files = 0;
  for (const file of new Set(listed)) {
    const from = join(root, file);
    if (!existsSync(from) || !lstatSync(from).isFile()) continue; // deleted in the worktree, or a symlink
    const to = join(dir, file);
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(from, to);
    chmodSync(to, lstatSync(from).mode & 0o777);
    files += 1;
  }
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
  return { dir, files };
}
