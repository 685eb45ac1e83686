/** Read-only trees at a commit: written through a temporary directory and a rename, never edited. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import type { GitRunner } from './_git-runner.js';

/** What {@link writeTree} writes. */
export interface TreeRequest {
  url: string;
  mirror: string;
  sha: string;
  /** The final directory; it appears complete or not at all. */
  target: string;
  signal?: AbortSignal;
}

/**
 * Writes the tree of `sha` from `mirror` into `target`, read-only. The index lives in a private
 * file, so the mirror is never touched and concurrent writers do not collide; when another process
 * renamed its tree into place first, that tree is kept.
 */
export async function writeTree(git: GitRunner, request: TreeRequest): Promise<void> {
  const { url, mirror, sha, target, signal } = request;
  const temp = `${target}.tmp-${randomUUID()}`;
  const index = `${temp}.index`;
  try {
    await mkdir(temp, { recursive: true });
    await git.run(['read-tree', '--reset', '-u', sha], {
      url,
      action: `check out ${sha} from`,
      cwd: mirror,
      signal,
      extraEnv: { GIT_INDEX_FILE: index, GIT_WORK_TREE: temp },
    });
    await makeReadOnly(temp, signal);
    await rename(temp, target).catch((error: unknown) => {
      if (!existsSync(target)) throw error;
    });
  } finally {
    await rm(index, { force: true });
    if (existsSync(temp)) await removeTree(temp);
  }
}

const run = promisify(execFile);

/**
 * Removes the write bits of every file and directory under `dir`. One `chmod -R` (it never follows
 * a symlink, nor changes one): 0.09 s for 10,000 files, where a stat and a chmod per file from Node
 * cost the worker's main thread about 0.5 s of CPU per tree, and every new commit of a monorepo
 * needs one.
 */
async function makeReadOnly(dir: string, signal?: AbortSignal): Promise<void> {
  await run('chmod', ['-R', 'a-w', '--', dir], { signal });
}

/** Deletes a tree made by {@link makeReadOnly}: directories get their write bit back first. */
async function removeTree(dir: string): Promise<void> {
  await makeWritable(dir).catch(() => undefined); // a missing or half-made tree is removed by rm below
  await rm(dir, { recursive: true, force: true });
}

async function makeWritable(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) await makeWritable(join(dir, entry.name));
  }
}
