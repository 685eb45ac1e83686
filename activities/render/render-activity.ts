/**
 * The `renderManifests` activity: checkout at a SHA -> rendered objects in the manifest store ->
 * a small summary. Objects never enter the activity result; a repeated render is a cache lookup.
 */
import { asyncLocalStorage } from '@temporalio/activity';
import { join } from 'node:path';
import type { ManifestStore } from './manifest-store.js';
import { RenderCache } from './render-cache.js';
import { renderSource } from './render-source.js';
import { summarizeManifests } from '../../core/manifests/summarize-manifests.js';
import type {
  ClusterActivities,
  RenderManifestsInput,
  RenderManifestsResult,
} from '../../contract/activities.js';

/** Returns a read-only directory holding the repository at commit `sha`. */
export type CheckoutFn = (repoURL: string, sha: string) => Promise<string>;

/** Dependencies and settings of the render activities. */
export interface RenderActivitiesOptions {
  store: ManifestStore;
  checkout: CheckoutFn;
  /** @default a cache in `${store.dir}/renders` */
  renderCache?: RenderCache;
  /** Limit for each kustomize/helm run. @default 120_000 */
  toolTimeoutMs?: number;
}

/** The render activity of the contract's cluster activities, bound to its store and checkout. */
export type RenderActivities = Pick<ClusterActivities, 'renderManifests'>;

const SHA = /^([0-9a-f]{40}|[0-9a-f]{64})$/i;

/** Creates the render activities for a worker. */
export function createRenderActivities(options: RenderActivitiesOptions): RenderActivities {
  const { store, checkout } = options;
  const cache = options.renderCache ?? new RenderCache({ dir: join(store.dir, 'renders') });
  const timeoutMs = options.toolTimeoutMs ?? 120_000;

  return {
    /**
     * Renders the app source at `input.revision` and stores the objects; returns their key and
     * counts. Throws ManifestInvalid (non-retryable) for anything the repository must fix.
     */
    async renderManifests(input: RenderManifestsInput): Promise<RenderManifestsResult> {
      if (!SHA.test(input.revision)) {
        throw new TypeError(
          `Cannot render app "${input.appName}" at revision "${input.revision}": expected a full commit SHA`,
        );
      }
      const cached = await cache.lookup(input);
      if (cached && (await store.has(cached.manifestKey))) return cached;
      const root = await checkout(input.repoURL, input.revision);
      const { objects } = await renderSource({
        root,
        path: input.path,
        appName: input.appName,
        namespace: input.namespace,
        helm: input.helm,
        kustomize: input.kustomize,
        directory: input.directory,
        timeoutMs,
        signal: asyncLocalStorage.getStore()?.cancellationSignal,
      });
      const summary = summarizeManifests(objects, await store.put(objects));
      await cache.record(input, summary);
      return summary;
    },
  };
}
