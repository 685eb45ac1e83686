/** Reading Application / ApplicationSet files for `mooring app apply`. */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { loadClusterRegistry } from '../client/cluster-registry-file.js';
import { loadApplications } from '../config/load-applications.js';
import type { LoadApplicationsOptions } from '../config/load-applications.js';
import type { AppSpec } from '../config/types.js';

/** Lists a repository's directories at a revision, for ApplicationSet git generators. */
export type ListDirectories = NonNullable<LoadApplicationsOptions['listDirectories']>;

/** The spec files of a path: the file itself, or every YAML / JSON file under a directory, sorted. */
async function specFiles(path: string): Promise<string[]> {
  if (!(await stat(path)).isDirectory()) return [path];
  const entries = await readdir(path, { recursive: true });
  return entries
    .filter((e) => /\.(ya?ml|json)$/.test(e))
    .sort()
    .map((e) => join(path, e));
}

/**
 * Reads every Application / ApplicationSet in a file or directory; warnings go to stderr.
 * `listDirectories` serves the git generators (the CLI runs it as a workflow on an agent).
 */
export async function loadSpecs(path: string, listDirectories?: ListDirectories): Promise<AppSpec[]> {
  const registry = await loadClusterRegistry();
  const apps: AppSpec[] = [];
  for (const file of await specFiles(path)) {
    const result = await loadApplications(await readFile(file, 'utf8'), file, {
      clusterByServer: (server) => registry.byServer(server),
      clusters: () => registry.list(),
      listDirectories,
    });
    for (const w of result.warnings) console.error(`warning: ${w.message}`);
    apps.push(...result.apps);
  }
  return apps;
}
