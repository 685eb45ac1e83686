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
  /** @default 'application/json' */
  accept?: string;
}

export interface ResourceInfo {
  /** Plural resource name, e.g. "deployments". */
  resource: string;
  namespaced: boolean;
}

export interface ObjectList {
  items: KubeObject[] | null;
  metadata?: { continue?: string; resourceVersion?: string };
}

/** One event of a watch stream; an ERROR event carries a Status object. */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: KubeObject;
}

interface AuthOptions {
  headers: Record<string, string>;
  auth?: string;
}

/** Observes every response; the worker counts them in `mooring_k8s_request_total{verb,code}`. */
export type ResponseObserver = (verb: string, code: number) => void;

export class KubeClient {
  readonly server: URL;
  #kubeConfig: KubeConfig;
  #agent: http.Agent;
  #discovery = new Map<string, Promise<Map<string, ResourceInfo>>>();
  #observer: ResponseObserver | undefined;
  /** The Authorization (and impersonation) headers of a user whose credentials do not change. */
  #staticAuth: Promise<AuthOptions> | undefined;

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
          servername: tls.servername,
        })
      : new http.Agent({ keepAlive: true, maxSockets: 32 });
    return new KubeClient(kc, agent, options.observer);
  }

  close(): void {
    this.#agent.destroy();
  }

  /**
   * One API call. Throttling (429, honouring Retry-After), server errors (500, 502, 503, 504) and
   * connections refused or reset before an answer are retried in this process with a bounded
   * backoff (`RETRY`), so a short API outage does not spend the activity's attempts; a POST is
   * retried only when the server cannot have acted on it (429, refused). What is still failing
   * after the last try is thrown as before (the activity's retry policy takes over).
   */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#requestOnce<T>(method, path, options);
      } catch (err) {
        const wait = retryDelayMs(err, method, attempt, Date.now() - started);
        if (wait === undefined || options.signal?.aborted) throw unwrap(err);
        await sleep(wait, options.signal);
      }
    }
  }

  async #requestOnce<T>(method: string, path: string, options: RequestOptions): Promise<T> {
    const url = new URL(path, this.server);
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const auth = await this.#authOptions();
    const opts: https.RequestOptions = {
      method,
      agent: this.#agent,
      headers: { ...auth.headers, Accept: options.accept ?? 'application/json' },
      ...(auth.auth === undefined ? {} : { auth: auth.auth }),
    };
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers = opts.headers as Record<string, string>;
    if (payload !== undefined) {
      headers['Content-Type'] = options.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    const transport = url.protocol === 'https:' ? https : http;
    const { status, text, retryAfter } = await new Promise<{
      status: number;
      text: string;
      retryAfter: string | undefined;
    }>((resolve, reject) => {
      const req = transport.request(
        url,
        { ...opts, signal: options.signal, timeout: options.timeoutMs ?? 30_000 },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              text: Buffer.concat(chunks).toString('utf8'),
              retryAfter: res.headers['retry-after'],
            }),
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
    if (status >= 400) {
      const error = KubeApiError.fromResponse(status, body, `${method} ${url.pathname}`);
      if (RETRY.statuses.includes(error.status)) throw new RetryableResponse(error, retryAfter);
      throw error;
    }
    return body as T;
  }

  /**
   * Headers and basic auth of a request. The TLS material lives in the agent; KubeConfig's
   * `applyToHTTPSOptions` decodes it and builds a new agent at every call, a cost worth paying per
   * request only for credentials that change (exec plugins and auth providers refresh tokens).
   */
  async #authOptions(): Promise<AuthOptions> {
    const compute = async (): Promise<AuthOptions> => {
      const opts: https.RequestOptions = { headers: {} };
      await this.#kubeConfig.applyToHTTPSOptions(opts);
      return { headers: { ...(opts.headers as Record<string, string>) }, auth: opts.auth ?? undefined };
    };
    const user = this.#kubeConfig.getCurrentUser();
    if (user?.exec || user?.authProvider) return await compute();
    this.#staticAuth ??= compute().catch((err: unknown) => {
      this.#staticAuth = undefined;
      throw err;
    });
    return await this.#staticAuth;
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
    return (await this.listWithVersion(apiVersion, kind, options)).items;
  }

  /**
   * The metadata of every object of a kind (all namespaces) matching a label selector: a fraction
   * of the bytes of {@link list} (no spec, no status, no data).
   */
  async listMetadata(
    apiVersion: string,
    kind: string,
    options: { labelSelector?: string; signal?: AbortSignal } = {},
  ): Promise<KubeObject[]> {
    const { items } = await this.listWithVersion(apiVersion, kind, {
      ...options,
      accept: 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1',
    });
    return items;
  }

  /** {@link list}, with the collection's resourceVersion to start a watch from. */
  async listWithVersion(
    apiVersion: string,
    kind: string,
    options: { namespace?: string; labelSelector?: string; signal?: AbortSignal; accept?: string } = {},
  ): Promise<{ items: KubeObject[]; resourceVersion: string }> {
    const path = await this.pathFor({ apiVersion, kind, namespace: options.namespace });
    const items: KubeObject[] = [];
    let token: string | undefined;
    let resourceVersion = '';
    do {
      const page = await this.request<ObjectList>('GET', path, {
        query: { labelSelector: options.labelSelector, limit: '500', continue: token },
        signal: options.signal,
        accept: options.accept,
      });
      // An empty metadata-only list has `items: null`.
      for (const item of page.items ?? []) items.push({ ...item, apiVersion, kind });
      token = page.metadata?.continue || undefined;
      resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
    } while (token);
    return { items, resourceVersion };
  }

  /**
   * Watches a kind (all namespaces) from `resourceVersion`, yielding each event as the API server
   * sends it, until the server ends the watch (`timeoutSeconds`), the stream fails, or `signal`
   * aborts. A watch holds its own connection, so it never takes a socket from the request pool.
   */
  async *watch(
    apiVersion: string,
    kind: string,
    options: { labelSelector?: string; resourceVersion: string; timeoutSeconds: number; signal: AbortSignal },
  ): AsyncGenerator<WatchEvent> {
    const url = new URL(await this.pathFor({ apiVersion, kind }), this.server);
    const query = {
      watch: '1',
      allowWatchBookmarks: 'true',
      labelSelector: options.labelSelector,
      resourceVersion: options.resourceVersion,
      timeoutSeconds: String(options.timeoutSeconds),
    };
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, v);
    const opts: https.RequestOptions = { method: 'GET', headers: { Accept: 'application/json' } };
    await this.#kubeConfig.applyToHTTPSOptions(opts);
    opts.agent = undefined;
    const transport = url.protocol === 'https:' ? https : http;
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = transport.request(url, { ...opts, signal: options.signal }, resolve);
      req.on('error', reject);
      req.end();
    });
    this.#observer?.('watch', res.statusCode ?? 0);
    if ((res.statusCode ?? 0) >= 400) {
      const chunks: Buffer[] = [];
      for await (const c of res) chunks.push(c as Buffer);
      throw KubeApiError.fromResponse(
        res.statusCode ?? 0,
        safeJson(Buffer.concat(chunks).toString('utf8')),
        `WATCH ${url.pathname}`,
      );
    }
    let buffered = '';
    for await (const chunk of res) {
      buffered += (chunk as Buffer).toString('utf8');
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (line) yield JSON.parse(line) as WatchEvent;
      }
    }
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

/** How `KubeClient.request` retries transient failures. */
export const RETRY = {
  /** Statuses worth asking again (after `KubeApiError.fromResponse`, so a typed-patch 500 is a 422). */
  statuses: [429, 500, 502, 503, 504] as readonly number[],
  /** Socket errors that mean the API server is not there (restarting, behind a failing proxy). */
  connectionErrors: ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH'],
  /** First pause; doubled per attempt up to `maxDelayMs`. */
  initialDelayMs: 250,
  maxDelayMs: 5_000,
  /** A Retry-After longer than this is cut to it. */
  maxRetryAfterMs: 10_000,
  /** No new try starts after this much time since the first one. */
  budgetMs: 30_000,
  maxAttempts: 8,
} as const;

/** A response `request` may retry: the error it becomes, and the server's Retry-After header. */
class RetryableResponse extends Error {
  constructor(
    readonly error: KubeApiError,
    readonly retryAfter: string | undefined,
  ) {
    super(error.message);
  }
}

function unwrap(err: unknown): unknown {
  return err instanceof RetryableResponse ? err.error : err;
}

/** The pause before the next try of a failed request, or undefined when it must not be retried. */
export function retryDelayMs(
  err: unknown,
  method: string,
  attempt: number,
  elapsedMs: number,
): number | undefined {
  if (attempt >= RETRY.maxAttempts || elapsedMs >= RETRY.budgetMs) return undefined;
  const backoff = Math.min(RETRY.initialDelayMs * 2 ** (attempt - 1), RETRY.maxDelayMs);
  const jittered = backoff / 2 + Math.random() * (backoff / 2);
  if (err instanceof RetryableResponse) {
    const status = err.error.status;
    if (status !== 429 && method === 'POST') return undefined; // the server may have created it
    const retryAfter = retryAfterMs(err.retryAfter);
    if (status === 429 && retryAfter !== undefined) return Math.min(retryAfter, RETRY.maxRetryAfterMs);
    return jittered;
  }
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === undefined || !(RETRY.connectionErrors as readonly string[]).includes(code)) return undefined;
  if (code !== 'ECONNREFUSED' && method === 'POST') return undefined;
  return jittered;
}

/** Retry-After in seconds or as an HTTP date, in milliseconds from now. */
function retryAfterMs(header: string | undefined): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
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
