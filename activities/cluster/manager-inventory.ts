/**
 * Finds the live objects an app owns, across every listable kind the server serves, by the
 * `mooring.dev/app` label, then keeps only those whose tracking annotation verifies. The kinds
 * come from discovery (preferred versions), cached for a minute. A sync, prune or drift check lists
 * only the kinds the app may have objects in, and of a namespaced kind only the namespaces it may
 * have them in (ListTrackedOptions.likelyKinds, with the shared kind index); deleting an app lists
 * every kind in every namespace.
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
  namespaced: boolean;
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
        .request<{ resources: { name: string; kind: string; verbs: string[]; namespaced: boolean }[] }>(
          'GET',
          path,
        )
        .catch(() => ({ resources: [] }));
      for (const r of list.resources) {
        if (!r.name.includes('/') && r.verbs.includes('list') && r.verbs.includes('delete'))
          result.push({ apiVersion, kind: r.kind, namespaced: r.namespaced });
      }
    }),
  );
  // Events and the like carry no app labels but are numerous; leave them out.
  return result.filter((k) => !['Event', 'Lease', 'EndpointSlice', 'Endpoints'].includes(k.kind));
}

const kindOf = (k: { apiVersion: string; kind: string }): string => `${groupOf(k.apiVersion)}/${k.kind}`;

/**
 * Where an app has objects: `group/Kind` → the namespaces of its objects of that kind (`""` for a
 * cluster-scoped object, or a namespaced one whose namespace is not known).
 */
export type ObjectPlaces = Map<string, Set<string>>;

function addPlace(places: ObjectPlaces, kind: string, namespace: string): void {
  let namespaces = places.get(kind);
  if (!namespaces) places.set(kind, (namespaces = new Set()));
  namespaces.add(namespace);
}

/** `ListTrackedOptions.likelyKinds` for a set of desired objects. */
export function likelyKindsOf(objects: readonly KubeObject[]): ObjectPlaces {
  const places: ObjectPlaces = new Map();
  for (const obj of objects) addPlace(places, kindOf(obj), obj.metadata.namespace ?? '');
  return places;
}

/** Where the objects labelled for each app are (see kindIndex). */
interface KindIndex {
  byApp: Map<string, ObjectPlaces>;
}

/** Per client and app: the kinds and namespaces this process wrote objects in (noteWrittenKinds). */
const written = new WeakMap<KubeClient, Map<string, ObjectPlaces>>();

/**
 * The kind index, at most a minute old. Listing every kind for every app was most of a registering
 * fleet's API traffic (45 lists per app on a bare cluster) and of an idle one's drift checks; the
 * index lists every kind once for all apps, metadata only. An object of an app in a kind or a
 * namespace the app neither renders nor was written in by this process, created since the index
 * was built (a hand-made object carrying the app's label and a valid tracking id), is found within
 * a minute.
 */
const kindIndex = perClient(60_000, buildKindIndex);

async function buildKindIndex(client: KubeClient): Promise<KindIndex> {
  const byApp = new Map<string, ObjectPlaces>();
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
          let places = byApp.get(app);
          if (!places) byApp.set(app, (places = new Map()));
          addPlace(places, kindOf(k), item.metadata.namespace ?? '');
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
   * Kinds and namespaces of the app's desired objects (likelyKindsOf). With it, only these kinds,
   * the kinds the kind index (at most a minute old) found the app's objects in and the kinds this
   * process wrote for the app are listed, each in the namespaces those name; without it every kind
   * is, in every namespace (deleting an app).
   */
  likelyKinds?: ObjectPlaces;
  /** Namespaces known not to exist (a sync's namespaces before it creates them): nothing is listed in them. */
  absentNamespaces?: ReadonlySet<string>;
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
  let places = perApp.get(app);
  if (!places) perApp.set(app, (places = new Map()));
  for (const obj of objects) addPlace(places, kindOf(obj), obj.metadata.namespace ?? '');
}

/** More namespaces than this for one kind are listed over all namespaces at once. */
const MAX_NAMESPACE_LISTS = 8;

/**
 * The lists that find an app's objects of one kind: one per namespace it may have them in, or one
 * over all namespaces for a cluster-scoped kind, when one of them is not known, or when there are
 * more than MAX_NAMESPACE_LISTS. A label-selected list over all namespaces costs the API server
 * every object of the kind, one namespace's only that namespace's: a drift-scan of 200 apps took
 * 2.5 s and one of 1,000 apps 40 s, then 28 s with the lists per namespace.
 */
function listScopes(kind: ListableKind, namespaces: ReadonlySet<string>): (string | undefined)[] {
  if (!kind.namespaced || namespaces.has('')) return [undefined];
  if (namespaces.size > MAX_NAMESPACE_LISTS) return [undefined];
  return [...namespaces].sort();
}

/** Live objects of `app`, verified by tracking id. */
export async function listTracked(
  client: KubeClient,
  app: string,
  options: ListTrackedOptions = {},
): Promise<KubeObject[]> {
  const { signal, likelyKinds } = options;
  const all = await listableKinds(client);
  let lists: { kind: ListableKind; namespace: string | undefined }[];
  if (likelyKinds === undefined) {
    lists = all.map((kind) => ({ kind, namespace: undefined }));
  } else {
    const sources = [likelyKinds, (await kindIndex(client)).byApp.get(app), written.get(client)?.get(app)];
    lists = all.flatMap((kind) => {
      const key = kindOf(kind);
      const namespaces = sources
        .flatMap((places) => [...(places?.get(key) ?? [])])
        .filter((ns) => !options.absentNamespaces?.has(ns));
      if (namespaces.length === 0) return [];
      return listScopes(kind, new Set(namespaces)).map((namespace) => ({ kind, namespace }));
    });
  }
  const limit = pLimit(16);
  const found = await Promise.all(
    lists.map(({ kind, namespace }) =>
      limit(() =>
        client
          .list(kind.apiVersion, kind.kind, {
            namespace,
            labelSelector: `${MOORING_APP_LABEL}=${app}`,
            signal,
          })
          .catch(unlistable),
      ),
    ),
  );
  return found.flat().filter((obj) => isTrackedBy(app, obj));
}
