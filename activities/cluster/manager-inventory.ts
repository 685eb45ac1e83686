/**
 * Finds the live objects an app owns, across every listable kind the server serves, by the
 * `mooring.dev/app` label, then keeps only those whose tracking annotation verifies. The kinds
 * come from discovery (preferred versions), cached for a minute. A drift check may list fewer
 * kinds (see ListTrackedOptions.likelyKinds); prune always lists them all.
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

const cache = new WeakMap<KubeClient, { at: number; kinds: Promise<ListableKind[]> }>();
const TTL_MS = 60_000;

/** Every kind the server lets us list (preferred version of each group, no subresources). */
async function listableKinds(client: KubeClient): Promise<ListableKind[]> {
  const hit = cache.get(client);
  if (hit && Date.now() - hit.at < TTL_MS) return await hit.kinds;
  const kinds = discover(client);
  cache.set(client, { at: Date.now(), kinds });
  kinds.catch(() => cache.delete(client));
  return await kinds;
}

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

/** Per client and app: when every kind was last listed, and the kinds that held the app's objects since. */
const scans = new WeakMap<KubeClient, Map<string, { at: number; kinds: Set<string> }>>();
/**
 * How long a drift check trusts the kinds it found an app's objects in. Listing every kind (45 on
 * a bare cluster) per app every 10 minutes was most of an idle fleet's API traffic; an object of a
 * kind the app never had and never rendered is rare (a hand-made object carrying the app's label),
 * and prune, which always lists every kind, still finds it.
 */
const FULL_SCAN_MS = 3_600_000;

export interface ListTrackedOptions {
  signal?: AbortSignal;
  /**
   * `group/Kind` of the app's desired objects. With it, and a full listing of this app less than
   * an hour old, only these kinds and the kinds that held the app's objects then are listed
   * (a drift check); without it every kind is (what prune must do).
   */
  likelyKinds?: ReadonlySet<string>;
}

/** Live objects of `app`, verified by tracking id. */
export async function listTracked(
  client: KubeClient,
  app: string,
  options: ListTrackedOptions = {},
): Promise<KubeObject[]> {
  const { signal, likelyKinds } = options;
  const all = await listableKinds(client);
  let perApp = scans.get(client);
  if (!perApp) scans.set(client, (perApp = new Map()));
  const last = perApp.get(app);
  const narrow = likelyKinds !== undefined && last !== undefined && Date.now() - last.at < FULL_SCAN_MS;
  const kinds = narrow ? all.filter((k) => likelyKinds.has(kindOf(k)) || last.kinds.has(kindOf(k))) : all;
  const limit = pLimit(16);
  const lists = await Promise.all(
    kinds.map((k) =>
      limit(() =>
        client
          .list(k.apiVersion, k.kind, { labelSelector: `${MOORING_APP_LABEL}=${app}`, signal })
          .catch((err: unknown) => {
            // A kind we may not list (RBAC) or that vanished since discovery holds nothing of ours we can touch.
            if (err instanceof KubeApiError && [403, 404, 405].includes(err.status)) return [];
            throw err;
          }),
      ),
    ),
  );
  const tracked = lists.flat().filter((obj) => isTrackedBy(app, obj));
  if (narrow) for (const obj of tracked) last.kinds.add(kindOf(obj));
  else perApp.set(app, { at: Date.now(), kinds: new Set(tracked.map(kindOf)) });
  return tracked;
}
