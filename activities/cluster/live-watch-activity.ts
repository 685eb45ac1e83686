/**
 * `awaitLiveChanges`: the agent half of watch-based drift detection. The watch itself lives as
 * long as the agent (`LiveWatch`); each activity widens it to the kinds of the given manifests and
 * waits for the next settled batch of changes, heartbeating so a dead agent is noticed at once.
 */
import type { AwaitLiveChangesInput, AwaitLiveChangesResult } from '../../contract/activities.js';
import type { KubeObject } from '../../contract/kube-object.js';
import { groupOf } from '../../contract/object-ref.js';
import type { ManifestStore } from '../render/manifest-store.js';
import type { KubeClient } from './kube-client.js';
import { LiveWatch, type WatchedKind } from './live-watch.js';
import type { ChangeFeed } from './manager-wait.js';

/** Kinds Mooring registers instead of applying: never live objects of an app. */
const NOT_APPLIED = new Set([
  'argoproj.io/Application',
  'argoproj.io/ApplicationSet',
  'mooring.dev/Application',
]);
/** Most manifest keys whose kinds are remembered (a key never changes its kinds). */
const KIND_CACHE_SIZE = 10_000;
/** The longest wait one activity may ask for. */
export const MAX_LIVE_WAIT_MS = 10 * 60_000;

export interface LiveWatchActivityOptions {
  client: KubeClient;
  store: ManifestStore;
  ownManagers: readonly string[];
  context: () => { heartbeat: (details?: unknown) => void; signal?: AbortSignal };
  onError?: (kind: string, error: unknown) => void;
}

export function createLiveWatchActivities(options: LiveWatchActivityOptions): {
  awaitLiveChanges(input: AwaitLiveChangesInput): Promise<AwaitLiveChangesResult>;
  /** Change notices for the health waits, from the same watch. */
  changes: ChangeFeed;
  close(): void;
} {
  const watch = new LiveWatch(options.client, { ownManagers: options.ownManagers, onError: options.onError });
  const kindsOf = new Map<string, WatchedKind[]>();

  async function kindsFor(key: string): Promise<WatchedKind[] | undefined> {
    const cached = kindsOf.get(key);
    if (cached) return cached;
    const manifests = await options.store.get(key).catch(() => undefined);
    if (!manifests) return undefined;
    const kinds = distinctKinds(manifests);
    if (kindsOf.size >= KIND_CACHE_SIZE) kindsOf.clear();
    kindsOf.set(key, kinds);
    return kinds;
  }

  return {
    async awaitLiveChanges({ manifestKeys, maxWaitMs }) {
      const { heartbeat, signal } = options.context();
      const wanted: WatchedKind[] = [];
      let missingManifests = 0;
      for (const key of new Set(manifestKeys)) {
        const kinds = await kindsFor(key);
        if (kinds) wanted.push(...kinds);
        else missingManifests += 1;
      }
      heartbeat({ phase: 'listing' });
      await watch.watch(distinctKinds(wanted));
      const abort = signal ?? new AbortController().signal;
      const watching = (): void => heartbeat({ phase: 'watching', kinds: watch.kinds.length });
      watching();
      const beat = setInterval(watching, 5_000);
      try {
        const apps = await watch.next(Math.min(Math.max(0, maxWaitMs), MAX_LIVE_WAIT_MS), abort);
        return { apps, watchedKinds: watch.kinds.length, missingManifests };
      } finally {
        clearInterval(beat);
      }
    },
    changes: {
      async follow(objects, onChange) {
        const applied = objects.filter((o) => !NOT_APPLIED.has(`${groupOf(o.apiVersion)}/${o.kind}`));
        const followed = await watch.follow(applied, onChange);
        return { ...followed, covered: followed.covered && applied.length === objects.length };
      },
    },
    close: () => watch.close(),
  };
}

function distinctKinds(objects: readonly Pick<KubeObject, 'apiVersion' | 'kind'>[]): WatchedKind[] {
  const kinds = new Map<string, WatchedKind>();
  for (const { apiVersion, kind } of objects) {
    if (NOT_APPLIED.has(`${groupOf(apiVersion)}/${kind}`)) continue;
    kinds.set(`${apiVersion}/${kind}`, { apiVersion, kind });
  }
  return [...kinds.values()];
}
