/**
 * Finds the live objects an app owns, across every listable kind the server serves, by the
 * `mooring.dev/app` label, then keeps only those whose tracking annotation verifies. The kinds
 * come from discovery (preferred versions), cached for a minute. A sync, prune or drift check lists
 * only the kinds the app may have objects in (ListTrackedOptions.likelyKinds, from the shared kind
 * index); deleting an app lists every kind.
 */
import pLimit from 'p-limit';
import { MOORING_APP_LABEL } from '../../core/manifests/annotations.js';
import { groupOf } from '../../contract/object-ref.js';
import type { KubeObject } from '../../contract/kube-object.js';
import type { KubeClient } from './kube-client.js';
import { KubeApiError } from './kube-errors.js';
import { isTrackedBy } from '../../core/sync/tracking.js';

interface ListableKind {
  apiVersion: string;
  kind: string;
}

/** `build(client)` at most once per `ttlMs` per client, shared by concurrent callers; a failure is not kept. */
function perClient<T>(
  ttlMs: number,
  build: (client: KubeClient) => Promise<T>,
): (client: KubeClient) => Promise<T> {
  const entries = new WeakMap<KubeClient, { at: number; value: Promise<T> }>();
  return async (client) => {
    const hit = entries.get(client);
    if (hit && Date.now() - hit.at < ttlMs) return await hit.value;
    const value = build(client);
    entries.set(client, { at: Date.now(), value });
    value.catch(() => entries.delete(client));
    return await value;
  };
}

/** Every kind the server lets us list (preferred version of each group, no subresources). */
const listableKinds = perClient(60_000, discover);

async function discover(client: KubeClient): Promise<ListableKind[]> {
  const versions: string[] = ['v1'];
  const groups = await client.request<{ groups: { preferredVersion: { groupVersion: string } }[] }>(
    'GET',
    '/apis',
  );
  versions.push(...groups.groups.map((g) => g.preferredVersion.groupVersion));
  const result: ListableKind[] = [];
  await Promise.all(
    versions.map(async (apiVersion) => {
      const path = apiVersion === 'v1' ? '/api/v1' : `/apis/${apiVersion}`;
      const list = await client
        .request<{ resources: { name: string; kind: string; verbs: string[] }[] }>('GET', path)
        .catch(() => ({ resources: [] }));
      for (const r of list.resources) {
        if (!r.name.includes('/') && r.verbs.includes('list') && r.verbs.includes('delete'))
          result.push({ apiVersion, kind: r.kind });
      }
    }),
  );
  // Events and the like carry no app labels but are numerous; leave them out.
  return result.filter((k) => !['Event', 'Lease', 'EndpointSlice', 'Endpoints'].includes(k.kind));
}

const kindOf = (k: { apiVersion: string; kind: string }): string => `${groupOf(k.apiVersion)}/${k.kind}`;

/** `ListTrackedOptions.likelyKinds` for a set of desired objects. */
export function likelyKindsOf(objects: readonly KubeObject[]): Set<string> {
  return new Set(objects.map(kindOf));
}

/** Which kinds hold objects labelled for which app (see kindIndex). */
interface KindIndex {
  byApp: Map<string, Set<string>>;
}

/** Per client and app: the kinds this process wrote objects of (noteWrittenKinds). */
const written = new WeakMap<KubeClient, Map<string, Set<string>>>();

/**
 * The kind index, at most a minute old. Listing every kind for every app was most of a registering
 * fleet's API traffic (45 lists per app on a bare cluster) and of an idle one's drift checks; the
 * index lists every kind once for all apps, metadata only. An object of an app in a kind the app
 * neither renders nor was written in by this process, created since the index was built (a
 * hand-made object carrying the app's label and a valid tracking id), is found within a minute.
 */
const kindIndex = perClient(60_000, buildKindIndex);

async function buildKindIndex(client: KubeClient): Promise<KindIndex> {
  const byApp = new Map<string, Set<string>>();
  const limit = pLimit(8);
  await Promise.all(
    (await listableKinds(client)).map((k) =>
      limit(async () => {
        const items = await client
          .listMetadata(k.apiVersion, k.kind, { labelSelector: MOORING_APP_LABEL })
          .catch(unlistable);
        for (const item of items) {
          const app = item.metadata.labels?.[MOORING_APP_LABEL];
          if (app === undefined) continue;
          let kinds = byApp.get(app);
          if (!kinds) byApp.set(app, (kinds = new Set()));
          kinds.add(kindOf(k));
        }
      }),
    ),
  );
  return { byApp };
}

/** A kind we may not list (RBAC) or that vanished since discovery holds nothing of ours we can touch. */
function unlistable(err: unknown): KubeObject[] {
  if (err instanceof KubeApiError && [403, 404, 405].includes(err.status)) return [];
  throw err;
}

export interface ListTrackedOptions {
  signal?: AbortSignal;
  /**
   * `group/Kind` of the app's desired objects. With it, only these kinds, the kinds the kind index
   * (at most a minute old) found the app's objects in and the kinds this process wrote for the app
   * are listed; without it every kind is (deleting an app).
   */
  likelyKinds?: ReadonlySet<string>;
}

/**
 * Records that this process is about to write objects of these kinds for `app`, so that a listing
 * narrowed to likely kinds covers them even before the kind index sees them, and after the app's
 * manifests drop them (prune). Called before the write: a write that fails half-way may still have
 * created objects.
 */
export function noteWrittenKinds(client: KubeClient, app: string, objects: readonly KubeObject[]): void {
  let perApp = written.get(client);
  if (!perApp) written.set(client, (perApp = new Map()));
  let kinds = perApp.get(app);
  if (!kinds) perApp.set(app, (kinds = new Set()));
  for (const obj of objects) kinds.add(kindOf(obj));
}

/** Live objects of `app`, verified by tracking id. */
export async function listTracked(
  client: KubeClient,
  app: string,
  options: ListTrackedOptions = {},
): Promise<KubeObject[]> {
  const { signal, likelyKinds } = options;
  const all = await listableKinds(client);
  let kinds = all;
  if (likelyKinds !== undefined) {
    const indexed = (await kindIndex(client)).byApp.get(app);
    const wrote = written.get(client)?.get(app);
    kinds = all.filter((k) => {
      const key = kindOf(k);
      return likelyKinds.has(key) || indexed?.has(key) === true || wrote?.has(key) === true;
    });
  }
  const limit = pLimit(16);
  const lists = await Promise.all(
    kinds.map((k) =>
      limit(() =>
        client
          .list(k.apiVersion, k.kind, { labelSelector: `${MOORING_APP_LABEL}=${app}`, signal })
          .catch(unlistable),
      ),
    ),
  );
  return lists.flat().filter((obj) => isTrackedBy(app, obj));
}
