/**
 * The cluster registry: clusters Mooring deploys to, by name, as used by ApplicationSet `clusters`
 * generators and Argo CD `destination.server` mapping. This module parses, validates and edits its
 * YAML text; `client/cluster-registry-file.ts` reads and writes the file. The registry holds no
 * credentials: each cluster's agent has its own kubeconfig.
 */
import { parse, stringify } from 'yaml';
import type { RegisteredCluster } from './appset-generators.js';

const LOCAL_CLUSTER = 'local';
const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export class ClusterRegistry {
  readonly path: string;
  #clusters: RegisteredCluster[];

  private constructor(path: string, clusters: RegisteredCluster[]) {
    this.path = path;
    this.#clusters = clusters;
  }

  /** Parses the registry's YAML (`path` names it in errors); empty text is an empty registry. `local` is always present. */
  static parse(text: string, path: string): ClusterRegistry {
    const doc: unknown = text ? parse(text) : {};
    const list = (doc as { clusters?: unknown }).clusters ?? [];
    if (!Array.isArray(list)) throw new TypeError(`${path}: clusters: must be a list`);
    const clusters = list.map((c, i) => validate(c, `${path}: clusters[${i}]`));
    return new ClusterRegistry(path, clusters);
  }

  list(): RegisteredCluster[] {
    const local = this.#clusters.find((c) => c.name === LOCAL_CLUSTER);
    return local
      ? [...this.#clusters]
      : [{ name: LOCAL_CLUSTER, server: 'https://kubernetes.default.svc', labels: {} }, ...this.#clusters];
  }

  /** The cluster registered under an API server URL (Argo CD's `destination.server`). */
  byServer(server: string): string | undefined {
    return this.list().find((c) => c.server === server)?.name;
  }

  /** Adds or replaces a cluster (validated); the caller writes `serialize()` back. */
  add(cluster: RegisteredCluster): 'added' | 'updated' {
    const valid = validate(cluster, 'cluster');
    const i = this.#clusters.findIndex((c) => c.name === valid.name);
    if (i < 0) this.#clusters.push(valid);
    else this.#clusters[i] = valid;
    return i < 0 ? 'added' : 'updated';
  }

  /** The registry as the YAML text of its file. */
  serialize(): string {
    return stringify({ clusters: this.#clusters });
  }
}

function validate(value: unknown, where: string): RegisteredCluster {
  const c = value as Partial<RegisteredCluster> | null;
  if (!c || typeof c !== 'object') throw new TypeError(`${where}: must be a mapping`);
  if (typeof c.name !== 'string' || !NAME.test(c.name))
    throw new TypeError(`${where}: name: must be a DNS-1123 label, got ${JSON.stringify(c.name)}`);
  if (typeof c.server !== 'string' || !/^https?:\/\//.test(c.server))
    throw new TypeError(`${where}: server: must be an http(s) URL, got ${JSON.stringify(c.server)}`);
  const labels = c.labels ?? {};
  for (const [k, v] of Object.entries(labels)) {
    if (typeof v !== 'string') throw new TypeError(`${where}: labels.${k}: must be a string`);
  }
  return { name: c.name, server: c.server, labels };
}
