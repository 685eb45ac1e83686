/**
 * The cluster registry's file, by default `${MOORING_CONFIG:-~/.config/mooring}/clusters.yaml`:
 * read by the CLI and the app-of-apps activity, written by `mooring cluster add`.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { ClusterRegistry } from '../config/cluster-registry.js';
import type { RegisteredCluster } from '../config/appset-generators.js';

function registryPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.MOORING_CONFIG || join(homedir(), '.config', 'mooring'), 'clusters.yaml');
}

/** Reads the registry; a missing file is an empty registry (`local` is always present). */
export async function loadClusterRegistry(path = registryPath()): Promise<ClusterRegistry> {
  const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return '';
    throw err;
  });
  return ClusterRegistry.parse(text, path);
}

/** Adds or replaces a cluster in the registry file, written atomically. */
export async function addToClusterRegistry(
  cluster: RegisteredCluster,
  path = registryPath(),
): Promise<{ outcome: 'added' | 'updated'; path: string }> {
  const registry = await loadClusterRegistry(path);
  const outcome = registry.add(cluster);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(`${path}.tmp`, registry.serialize());
  await rename(`${path}.tmp`, path);
  return { outcome, path };
}
