/**
 * Rebuilds a sync plan from stored manifests: the same manifest key and options always give the
 * same plan, so every step of a sync (and a retry on another worker) works from identical input.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { PlanInput } from '../../contract/activities.js';
import { ManifestsMissing } from '../../contract/errors.js';
import { writeFileAtomic } from '../render/atomic-write.js';
import type { ManifestStore } from '../render/manifest-store.js';
import { appSyncOptions } from '../../core/sync/app-sync-options.js';
import { groupOf } from '../../contract/object-ref.js';
import type { KubeObject } from '../../contract/kube-object.js';
import type { KubeClient } from './kube-client.js';
import { planSync } from '../../core/sync/sync-plan.js';
import type { SyncPlan } from '../../core/sync/sync-plan.js';
import { stampTracking } from '../../core/sync/tracking.js';
import { isHook } from '../../core/sync/hooks.js';
import { scopeResolver, withDefaultNamespace } from '../../core/sync/namespace-default.js';

/** Kinds that configure Mooring itself; app-of-apps registers them instead of applying them. */
const MOORING_KINDS = new Set([
  'argoproj.io/Application',
  'argoproj.io/ApplicationSet',
  'mooring.dev/Application',
]);

export interface LoadedPlan {
  plan: SyncPlan;
  /** Every object of the plan (all phases), tracking stamped. */
  objects: KubeObject[];
  /** Non-hook objects: what the app consists of, for health, drift and prune. */
  resources: KubeObject[];
}

/**
 * The plan's objects that may carry the app's label: every one but the namespace CreateNamespace
 * makes (never labelled), so that finding the app's live objects does not list every Namespace.
 */
export function labelledObjects(loaded: LoadedPlan): KubeObject[] {
  return loaded.objects.filter((o) => o !== loaded.plan.createNamespace);
}

export async function loadPlan(
  client: KubeClient,
  store: ManifestStore,
  input: PlanInput,
): Promise<LoadedPlan> {
  const manifests = await store.get(input.manifestKey);
  if (!manifests)
    throw new ManifestsMissing(
      `Rendered manifests ${input.manifestKey.slice(0, 12)} are not in this worker's store; the sync must render again`,
    );
  const desired = manifests.filter((o) => !MOORING_KINDS.has(`${groupOf(o.apiVersion)}/${o.kind}`));
  const scopes = new Map<string, boolean | undefined>();
  await Promise.all(
    [...new Set(desired.map((o) => `${o.apiVersion}\u0000${o.kind}`))].map(async (id) => {
      const [apiVersion = '', kind = ''] = id.split('\u0000');
      scopes.set(`${groupOf(apiVersion)}/${kind}`, await client.isNamespaced(apiVersion, kind));
    }),
  );
  const isNamespaced = (group: string, kind: string): boolean | undefined => scopes.get(`${group}/${kind}`);
  // The tracking id names the object's namespace, so settle the namespace before stamping it.
  const namespaced = scopeResolver(desired, isNamespaced);
  const stamped = desired.map((o) =>
    stampTracking(input.app, withDefaultNamespace(o, input.namespace, namespaced)),
  );
  const plan = planSync(stamped, {
    namespace: input.namespace,
    createNamespace: appSyncOptions(input.syncOptions).createNamespace ? input.namespace : undefined,
    isNamespaced,
  });
  const objects = plan.phases.flatMap((p) => p.waves.flatMap((w) => w.objects));
  // A namespace made by CreateNamespace is not part of the app (Argo CD neither tracks nor prunes it).
  const resources = objects.filter((o) => !isHook(o) && o !== plan.createNamespace);
  return { plan, objects, resources };
}

/** The file remembering the plan input an app last applied with (small JSON, no manifests). */
function appliedPlanFile(store: ManifestStore, app: string): string {
  return join(store.dir, 'applied', `${encodeURIComponent(app)}.json`);
}

/**
 * Remembers `input` as the plan the app last wrote to the cluster with, so that a cascade delete
 * (which knows only the app's name) finds its PreDelete / PostDelete hooks in the same manifests.
 */
export async function recordAppliedPlan(store: ManifestStore, input: PlanInput): Promise<void> {
  const { app, manifestKey, namespace, syncOptions, ignoreDifferences } = input;
  const record: PlanInput = { app, manifestKey, namespace, syncOptions, ignoreDifferences };
  await writeFileAtomic(appliedPlanFile(store, app), JSON.stringify(record));
}

/** The plan input the app last applied with on this worker, or undefined when none is recorded. */
export async function appliedPlanOf(store: ManifestStore, app: string): Promise<PlanInput | undefined> {
  try {
    return JSON.parse(await readFile(appliedPlanFile(store, app), 'utf8')) as PlanInput;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Forgets the app's applied plan (after its cascade delete). */
export async function forgetAppliedPlan(store: ManifestStore, app: string): Promise<void> {
  await rm(appliedPlanFile(store, app), { force: true });
}
