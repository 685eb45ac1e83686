/** Reading Application / ApplicationSet files for `mooring app apply`. */
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { loadClusterRegistry } from '../client/cluster-registry-file.js';
import { loadApplications } from '../config/load-applications.js';
import type { LoadApplicationsOptions } from '../config/load-applications.js';
import { checkSpecSize, decodeSpecFile } from '../config/spec-document.js';
import { SpecError } from '../config/spec-error.js';
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

/** Reads a spec file's text: a regular file of at most MAX_SPEC_BYTES, checked before it is read, in UTF-8. */
async function readSpecFile(file: string): Promise<string> {
  const info = await stat(file);
  if (!info.isFile())
    throw new SpecError(
      { file, line: 1, object: '', field: '' },
      'is not a regular file: give a YAML or JSON file, or a directory of them',
    );
  checkSpecSize(info.size, file);
  return decodeSpecFile(await readFile(file), file);
}

/**
 * Reads every Application / ApplicationSet in a file or directory; warnings go to stderr. A file
 * that holds none is an error, and so is an app whose cluster is missing from the cluster registry
 * when a registry file exists (without one, any cluster name is accepted, as in local development).
 * `listDirectories` serves the git generators (the CLI runs it as a workflow on an agent).
 *
 * @throws {SpecError | SpecSyntaxError} for the first file that cannot be read or holds an invalid spec
 */
export async function loadSpecs(path: string, listDirectories?: ListDirectories): Promise<AppSpec[]> {
  const registry = await loadClusterRegistry();
  const registered = existsSync(registry.path) ? registry.list().map((c) => c.name) : undefined;
  const apps: AppSpec[] = [];
  for (const file of await specFiles(path)) {
    const result = await loadApplications(await readSpecFile(file), file, {
      clusterByServer: (server) => registry.byServer(server),
      clusters: () => registry.list(),
      listDirectories,
    });
    for (const w of result.warnings) console.error(`warning: ${w.message}`);
    if (result.apps.length === 0 && result.warnings.length === 0)
      throw new SpecError(
        { file, line: 1, object: '', field: '' },
        'holds no Application or ApplicationSet: the file is empty or only has comments',
      );
    for (const app of result.apps) {
      if (!registered || registered.includes(app.destination.cluster)) continue;
      throw new TypeError(
        `${file}: Application/${app.name}: spec.destination: cluster ${JSON.stringify(app.destination.cluster)} is not in the cluster registry ${registry.path}: registered clusters are ${registered.join(', ')}; add it with "mooring cluster add ${app.destination.cluster} --server <url>"`,
      );
    }
    apps.push(...result.apps);
  }
  return apps;
}
