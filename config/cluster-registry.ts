/**
 * The cluster registry: clusters Mooring deploys to, by name. A file, by default
 * `${MOORING_CONFIG:-~/.config/mooring}/clusters.yaml`, read by the CLI (ApplicationSet `clusters`
 * generators, Argo CD `destination.server` mapping) and written by `mooring cluster add`. The
 * registry holds no credentials: each cluster's agent has its own kubeconfig.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { RegisteredCluster } from './appset-generators.js';

export const LOCAL_CLUSTER = 'local';
const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function registryPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.MOORING_CONFIG || join(homedir(), '.config', 'mooring'), 'clusters.yaml');
}

export class ClusterRegistry {
  readonly path: string;
  #clusters: RegisteredCluster[];

  private constructor(path: string, clusters: RegisteredCluster[]) {
    this.path = path;
    this.#clusters = clusters;
  }

  /** Reads the registry; a missing file is an empty registry. `local` is always present. */
  static async load(path = registryPath()): Promise<ClusterRegistry> {
    const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return '';
      throw err;
    });
    const doc: unknown = text ? parse(text) : {};
    const list = (doc as { clusters?: unknown }).clusters ?? [];
    if (!Array.isArray(list)) throw new TypeError(`${path}: clusters: must be a list`);
    const clusters = list.map((c, i) => validate(c, `${path}: clusters[${i}]`));
    return new ClusterRegistry(path, clusters);
  }

  list(): RegisteredCluster[] {
    const local = this.#clusters.find((c) => c.name === LOCAL_CLUSTER);
    return local ? [...this.#clusters] : [{ name: LOCAL_CLUSTER, server: 'https://kubernetes.default.svc', labels: {} }, ...this.#clusters];
  }

  /** The cluster registered under an API server URL (Argo CD's `destination.server`). */
  byServer(server: string): string | undefined {
    return this.list().find((c) => c.server === server)?.name;
  }

  /** Adds or replaces a cluster, then writes the file atomically. */
  async add(cluster: RegisteredCluster): Promise<'added' | 'updated'> {
    const valid = validate(cluster, 'cluster');
    const i = this.#clusters.findIndex((c) => c.name === valid.name);
    const outcome = i < 0 ? 'added' : 'updated';
    if (i < 0) this.#clusters.push(valid);
    else this.#clusters[i] = valid;
    await mkdir(dirname(this.path), { recursive: true });
    await writeFile(`${this.path}.tmp`, stringify({ clusters: this.#clusters }));
    await rename(`${this.path}.tmp`, this.path);
    return outcome;
  }
}

function validate(value: unknown, where: string): RegisteredCluster {
  const c = value as Partial<RegisteredCluster> | null;
  if (!c || typeof c !== 'object') throw new TypeError(`${where}: must be a mapping`);
  if (typeof c.name !== 'string' || !NAME.test(c.name)) throw new TypeError(`${where}: name: must be a DNS-1123 label, got ${JSON.stringify(c.name)}`);
  if (typeof c.server !== 'string' || !/^https?:\/\//.test(c.server)) throw new TypeError(`${where}: server: must be an http(s) URL, got ${JSON.stringify(c.server)}`);
  const labels = c.labels ?? {};
  for (const [k, v] of Object.entries(labels)) {
    if (typeof v !== 'string') throw new TypeError(`${where}: labels.${k}: must be a string`);
  }
  return { name: c.name, server: c.server, labels };
}
