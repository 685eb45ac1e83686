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
  if (typeof c.server !== 'string' || !/^https?:\/\//.test(c.server)) {
    const shown = typeof c.server === 'string' ? withoutUserinfo(c.server) : c.server;
    throw new TypeError(`${where}: server: must be an http(s) URL, got ${JSON.stringify(shown)}`);
  }
  const credentials = serverCredentialsProblem(c.server);
  if (credentials) throw new TypeError(`${where}: server: ${credentials}`);
  const labels = c.labels ?? {};
  for (const [k, v] of Object.entries(labels)) {
    if (typeof v !== 'string') throw new TypeError(`${where}: labels.${k}: must be a string`);
  }
  return { name: c.name, server: c.server, labels };
}

/** The URL with any `user:password@` removed, for messages. */
function withoutUserinfo(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1');
}

/**
 * Why an API server URL must not be registered, or undefined: credentials (userinfo, or a query
 * string, where tokens hide) would be stored with the registry and travel in workflow payloads.
 * The message shows the URL without them.
 */
export function serverCredentialsProblem(server: string): string | undefined {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    return `must be a URL: current value is ${JSON.stringify(withoutUserinfo(server))}`;
  }
  const fix = "give each cluster's credentials to its agent (its kubeconfig), never in the URL";
  if (url.username || url.password)
    return `must not contain credentials (user:password@): ${fix}; current value without them is ${JSON.stringify(withoutUserinfo(server))}`;
  if (url.search)
    return `must not have a query string (it may hold a token): ${fix}; current value is ${JSON.stringify(`${url.protocol}//${url.host}${url.pathname}`)} followed by a query`;
  return undefined;
}
