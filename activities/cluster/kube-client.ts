/**
 * A small JSON client for the Kubernetes API. Authentication and TLS come from
 * @kubernetes/client-node's KubeConfig; requests are plain HTTPS so objects stay exactly as the
 * API server sent them (the typed client's model classes drop unknown fields and turn timestamps
 * into Dates, which would break diffs and health rules). One keep-alive agent per cluster.
 */
import * as https from 'node:https';
import * as http from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../../contract/kube-object.js';
import { groupOf } from '../../contract/object-ref.js';
import { KubeApiError } from './kube-errors.js';

export interface RequestOptions {
  body?: unknown;
  contentType?: string;
  query?: Record<string, string | undefined>;
  signal?: AbortSignal;
  /** @default 30000 */
  timeoutMs?: number;
}

export interface ResourceInfo {
  /** Plural resource name, e.g. "deployments". */
  resource: string;
  namespaced: boolean;
}

export interface ObjectList {
  items: KubeObject[];
  metadata?: { continue?: string; resourceVersion?: string };
}

/** Observes every response; the worker counts them in `mooring_k8s_request_total{verb,code}`. */
export type ResponseObserver = (verb: string, code: number) => void;

export class KubeClient {
  readonly server: URL;
  #kubeConfig: KubeConfig;
  #agent: http.Agent;
  #discovery = new Map<string, Promise<Map<string, ResourceInfo>>>();
  #observer: ResponseObserver | undefined;

  private constructor(kubeConfig: KubeConfig, agent: http.Agent, observer?: ResponseObserver) {
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error('Kubeconfig has no current cluster');
    this.server = new URL(cluster.server);
    this.#kubeConfig = kubeConfig;
    this.#agent = agent;
    this.#observer = observer;
  }

  /** Builds a client from a kubeconfig file (default: $KUBECONFIG or ~/.kube/config). */
  static async fromKubeconfig(
    options: { path?: string; context?: string; observer?: ResponseObserver } = {},
  ): Promise<KubeClient> {
    const kc = new KubeConfig();
    if (options.path) kc.loadFromFile(options.path);
    else kc.loadFromDefault();
    if (options.context) kc.setCurrentContext(options.context);
    const tls: https.RequestOptions = {};
    await kc.applyToHTTPSOptions(tls);
    const server = kc.getCurrentCluster()?.server ?? '';
    const agent = server.startsWith('https:')
      ? new https.Agent({
          keepAlive: true,
          maxSockets: 32,
          ca: tls.ca,
          cert: tls.cert,
          key: tls.key,
          rejectUnauthorized: tls.rejectUnauthorized,
        })
      : new http.Agent({ keepAlive: true, maxSockets: 32 });
    return new KubeClient(kc, agent, options.observer);
  }

  close(): void {
    this.#agent.destroy();
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const url = new URL(path, this.server);
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const opts: https.RequestOptions = {
      method,
      agent: this.#agent,
      headers: { Accept: 'application/json' },
    };
    await this.#kubeConfig.applyToHTTPSOptions(opts); // bearer tokens and exec plugins
    opts.agent = this.#agent;
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers = opts.headers as Record<string, string>;
    if (payload !== undefined) {
      headers['Content-Type'] = options.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    const transport = url.protocol === 'https:' ? https : http;
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = transport.request(
        url,
        { ...opts, signal: options.signal, timeout: options.timeoutMs ?? 30_000 },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`Request ${method} ${url.pathname} timed out`)));
      req.on('error', reject);
      req.end(payload);
    }).catch((err: unknown) => {
      this.#observer?.(verbOf(method, options), 0);
      throw err;
    });
    this.#observer?.(verbOf(method, options), status);
    const body: unknown = text ? safeJson(text) : undefined;
    if (status >= 400) throw KubeApiError.fromResponse(status, body, `${method} ${url.pathname}`);
    return body as T;
  }

  /** Resource name and scope for a kind, from API discovery (cached; refreshed once on a miss). */
  async resourceFor(apiVersion: string, kind: string): Promise<ResourceInfo> {
    const found =
      (await this.#discover(apiVersion, false)).get(kind) ??
      (await this.#discover(apiVersion, true)).get(kind);
    if (!found)
      throw new KubeApiError(404, 'NotFound', `The server has no resource for kind ${kind} in ${apiVersion}`);
    return found;
  }

  /** Whether a kind is namespaced, or undefined when the server does not know it (yet). */
  async isNamespaced(apiVersion: string, kind: string): Promise<boolean | undefined> {
    try {
      return (await this.resourceFor(apiVersion, kind)).namespaced;
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 404) return undefined;
      throw err;
    }
  }

  async #discover(apiVersion: string, refresh: boolean): Promise<Map<string, ResourceInfo>> {
    let entry = this.#discovery.get(apiVersion);
    if (!entry || refresh) {
      const path = groupOf(apiVersion) ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      entry = this.request<{ resources: { name: string; kind: string; namespaced: boolean }[] }>('GET', path)
        .then((list) => {
          const byKind = new Map<string, ResourceInfo>();
          for (const r of list.resources) {
            if (!r.name.includes('/')) byKind.set(r.kind, { resource: r.name, namespaced: r.namespaced });
          }
          return byKind;
        })
        .catch((err: unknown) => {
          if (err instanceof KubeApiError && err.status === 404) return new Map<string, ResourceInfo>();
          this.#discovery.delete(apiVersion);
          throw err;
        });
      this.#discovery.set(apiVersion, entry);
    }
    return entry;
  }

  /** The REST path of one object (or of its collection when `name` is omitted). */
  async pathFor(ref: {
    apiVersion: string;
    kind: string;
    namespace?: string;
    name?: string;
  }): Promise<string> {
    const info = await this.resourceFor(ref.apiVersion, ref.kind);
    const base = groupOf(ref.apiVersion) ? `/apis/${ref.apiVersion}` : `/api/${ref.apiVersion}`;
    const ns = info.namespaced && ref.namespace ? `/namespaces/${encodeURIComponent(ref.namespace)}` : '';
    const name = ref.name ? `/${encodeURIComponent(ref.name)}` : '';
    return `${base}${ns}/${info.resource}${name}`;
  }

  async get(
    ref: { apiVersion: string; kind: string; namespace?: string; name: string },
    signal?: AbortSignal,
  ): Promise<KubeObject | undefined> {
    try {
      return await this.request<KubeObject>('GET', await this.pathFor(ref), { signal });
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 404) return undefined;
      throw err;
    }
  }

  /** Lists every page of a kind, optionally in one namespace and by label selector. */
  async list(
    apiVersion: string,
    kind: string,
    options: { namespace?: string; labelSelector?: string; signal?: AbortSignal } = {},
  ): Promise<KubeObject[]> {
    const path = await this.pathFor({ apiVersion, kind, namespace: options.namespace });
    const items: KubeObject[] = [];
    let token: string | undefined;
    do {
      const page = await this.request<ObjectList>('GET', path, {
        query: { labelSelector: options.labelSelector, limit: '500', continue: token },
        signal: options.signal,
      });
      for (const item of page.items) items.push({ ...item, apiVersion, kind });
      token = page.metadata?.continue || undefined;
    } while (token);
    return items;
  }

  /** Server-side apply of one object. */
  async apply(
    obj: KubeObject,
    options: { fieldManager: string; force: boolean; dryRun: boolean; signal?: AbortSignal },
  ): Promise<KubeObject> {
    const path = await this.pathFor({ ...obj, namespace: obj.metadata.namespace, name: obj.metadata.name });
    return await this.request<KubeObject>('PATCH', path, {
      body: obj,
      contentType: 'application/apply-patch+yaml',
      query: {
        fieldManager: options.fieldManager,
        force: String(options.force),
        dryRun: options.dryRun ? 'All' : undefined,
      },
      signal: options.signal,
    });
  }

  /** Creates an object (POST); `fieldValidation: 'Strict'` rejects unknown and duplicate fields as apply does. */
  async create(
    obj: KubeObject,
    options: {
      fieldManager: string;
      dryRun?: boolean;
      fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
      signal?: AbortSignal;
    },
  ): Promise<KubeObject> {
    const path = await this.pathFor({ ...obj, namespace: obj.metadata.namespace });
    return await this.request<KubeObject>('POST', path, {
      body: obj,
      query: {
        fieldManager: options.fieldManager,
        dryRun: options.dryRun ? 'All' : undefined,
        fieldValidation: options.fieldValidation,
      },
      signal: options.signal,
    });
  }

  /** Deletes an object; a missing object is not an error. */
  async delete(
    ref: { apiVersion: string; kind: string; namespace?: string; name: string },
    options: { propagationPolicy?: string; dryRun?: boolean; signal?: AbortSignal } = {},
  ): Promise<boolean> {
    try {
      await this.request('DELETE', await this.pathFor(ref), {
        body: {
          kind: 'DeleteOptions',
          apiVersion: 'v1',
          propagationPolicy: options.propagationPolicy ?? 'Foreground',
          dryRun: options.dryRun ? ['All'] : undefined,
        },
        signal: options.signal,
      });
      return true;
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 404) return false;
      throw err;
    }
  }
}

function verbOf(method: string, options: RequestOptions): string {
  if (method === 'PATCH' && options.contentType === 'application/apply-patch+yaml') return 'apply';
  return method.toLowerCase();
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
