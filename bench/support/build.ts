/**
 * The build a bench runs Mooring from: `dist/bin/mooring.js`, what `npm install -g` installs and
 * `bin/mooring` runs, rebuilt when a source is newer, as `bin/mooring` decides. The TypeScript
 * sources through tsx are not what a user runs: the loader turns on source maps for every stack
 * trace, and a fleet's worker registered 1,000 apps markedly slower that way.
 */
import { execFile } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { wrapperSettings } from '../../test/support/wrapper-settings.js';

const SOURCE_DIRS = ['cli', 'client', 'config', 'contract', 'core', 'workers', 'activities', 'workflows'];

/** The newest modification time of a TypeScript source under `dir`. */
async function newestSource(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    newest = Math.max(newest, (await stat(join(entry.parentPath, entry.name))).mtimeMs);
  }
  return newest;
}

/** Builds `dist/` (scripts/build) unless its stamp is newer than every source, as `bin/mooring` decides. */
export async function ensureBuild(root: string, say: (line: string) => void): Promise<string> {
  const stamp = await stat(join(root, 'dist/.build-stamp')).catch(() => undefined);
  const newest = Math.max(...(await Promise.all(SOURCE_DIRS.map((d) => newestSource(join(root, d))))));
  if (stamp && stamp.mtimeMs >= newest) return 'dist/bin/mooring.js (current build)';
  say(`building dist/ (npm run build): ${stamp ? 'a source is newer than the build' : 'no build yet'}`);
  await promisify(execFile)(join(root, 'scripts/build'), [], { cwd: root, maxBuffer: 16 * 2 ** 20 });
  return 'dist/bin/mooring.js (built by the bench)';
}

/** The command line of `mooring worker` from the build, as a bench starts it. */
export interface WorkerCommand {
  command: string;
  args: string[];
  env: Record<string, string>;
}

/**
 * `mooring worker <workerArgs>` of the build, run by Node directly (so `nodeArgs` such as
 * `--cpu-prof` can be added), with the process settings `bin/mooring` gives it (`bin/mooring.env`:
 * glibc's malloc, V8's heap).
 */
export function shippedWorker(
  root: string,
  workerArgs: readonly string[],
  nodeArgs: readonly string[] = [],
): WorkerCommand {
  const settings = wrapperSettings(root);
  return {
    command: process.execPath,
    args: [...settings.nodeOptions, ...nodeArgs, join(root, 'dist/bin/mooring.js'), 'worker', ...workerArgs],
    env: settings.env,
  };
}
