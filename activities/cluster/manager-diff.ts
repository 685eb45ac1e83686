/**
 * The per-object diff of an app: each desired object is applied as a server-side dry run and the
 * prediction compared with the live object (diffObjects: status and server metadata ignored,
 * ignoreDifferences honoured, Secret values masked); tracked live objects that left Git are
 * deletes. Nothing is written. Hooks and Skip objects are not part of the diff (as in Argo CD).
 * detectDrift and diffApplication both use this, so they never disagree.
 *
 * Round trips: one label-selected list per likely kind (ListTrackedOptions.likelyKinds), a GET only
 * for desired objects not among the app's tracked ones, and a dry run only when the desired object
 * or the live one changed since the last (PredictionCache; an object found unchanged is not even
 * compared again until one of them changes). A prediction made on a newer live
 * object than the one read (a controller wrote it meanwhile) is compared with a fresh read.
 */
import pLimit from 'p-limit';
import type { IgnoreDifference } from '../../config/types.js';
import type { ObjectRef } from '../../contract/object-ref.js';
import { refOf, refKey } from '../../contract/object-ref.js';
import type { KubeObject } from '../../contract/kube-object.js';
import { diffObjects } from '../../core/diff/diff.js';
import type { DiffAction } from '../../core/diff/diff.js';
import type { KubeClient } from './kube-client.js';
import { isNamespaceNotFound, KubeApiError } from './kube-errors.js';
import { labelledObjects, type LoadedPlan } from './load-plan.js';
import { describeFailure, FIELD_MANAGER } from './manager-apply.js';
import { likelyKindsOf, listTracked } from './manager-inventory.js';
import { PredictionCache } from './prediction-cache.js';
import { selectPrunable } from '../../core/sync/prune.js';

export interface AppObjectDiff {
  ref: ObjectRef;
  action: DiffAction;
  /** Unified diff (Secret values masked); `""` when unchanged. */
  diff: string;
  warnings: string[];
}

export interface DiffAppOptions {
  signal?: AbortSignal;
  /** Objects compared at once. @default 16 */
  concurrency?: number;
  /** Dry-run results to reuse while neither side changed; pass one per worker. @default none kept */
  predictions?: PredictionCache;
}

/**
 * A dry run cannot predict an object whose namespace or kind does not exist yet (created by
 * CreateNamespace, a Namespace or a CRD in the same sync): the desired object itself is then the
 * prediction of a create.
 */
function notYetPossible(err: unknown, obj: KubeObject, plan: LoadedPlan): boolean {
  if (!(err instanceof KubeApiError) || err.status !== 404) return false;
  const kind = `${refOf(obj).group}/${obj.kind}`;
  if (plan.plan.crdKinds.includes(kind)) return true;
  return isNamespaceNotFound(err);
}

async function diffOne(
  obj: KubeObject,
  tracked: KubeObject | undefined,
  plan: LoadedPlan,
  ctx: Required<Pick<DiffAppOptions, 'predictions'>> & {
    client: KubeClient;
    rules: readonly IgnoreDifference[];
    /** PredictionCache.rulesKeyOf(rules) */
    rulesKey: string;
    signal?: AbortSignal;
  },
): Promise<{ diff: AppObjectDiff; live: KubeObject | undefined }> {
  const { client, signal } = ctx;
  const ref = {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    namespace: obj.metadata.namespace,
    name: obj.metadata.name ?? '',
  };
  let live: KubeObject | undefined;
  let predicted: KubeObject;
  let key: string | undefined;
  try {
    live = tracked ?? (await client.get(ref, signal));
    for (let attempt = 1; ; attempt++) {
      key = PredictionCache.refOf(obj, live);
      const remembered = ctx.predictions.lookup(key, ctx.rulesKey);
      if (remembered && 'unchanged' in remembered)
        return { diff: { ref: refOf(obj), action: 'unchanged', diff: '', warnings: [] }, live };
      if (remembered) {
        predicted = remembered.predicted;
        break;
      }
      predicted = await client.apply(obj, { fieldManager: FIELD_MANAGER, force: true, dryRun: true, signal });
      // The prediction is made on the object as it is now; a controller may have written it since
      // we read it (a Deployment's revision annotation right after an apply): read it again.
      const version = predicted.metadata.resourceVersion;
      if (!live || version === live.metadata.resourceVersion) {
        ctx.predictions.set(key, predicted);
        break;
      }
      if (attempt === 3) {
        key = undefined; // compared with a prediction made on another version: nothing to remember
        break;
      }
      live = await client.get(ref, signal);
    }
  } catch (err) {
    if (!notYetPossible(err, obj, plan)) throw describeFailure(obj, err);
    live = undefined;
    predicted = obj;
    key = undefined;
  }
  const compared = diffObjects(predicted, live, ctx.rules);
  if (compared.action === 'unchanged' && compared.warnings.length === 0)
    ctx.predictions.settle(key, ctx.rulesKey);
  return { diff: { ref: refOf(obj), ...compared }, live };
}

/**
 * Diffs every resource of `loaded` (non-hook objects, CreateNamespace's namespace excluded) against
 * the cluster, then adds a `delete` for each tracked live object of `app` that left Git and would be
 * pruned. Results are in plan order, deletes last.
 * @throws {ApplyRejected} naming the object when the server rejects a dry run; ApplyFailed
 *   (retryable) when a dry run fails otherwise
 */
export async function diffApp(
  client: KubeClient,
  loaded: LoadedPlan,
  rules: readonly IgnoreDifference[],
  app: string,
  options: DiffAppOptions = {},
): Promise<AppObjectDiff[]> {
  return (await diffAppWithLive(client, loaded, rules, app, options)).diffs;
}

/**
 * `diffApp`, with the live object each resource was compared with (by index of
 * `loaded.resources`; undefined where it does not exist), so that a caller assessing their health
 * too need not read them again.
 */
export async function diffAppWithLive(
  client: KubeClient,
  loaded: LoadedPlan,
  rules: readonly IgnoreDifference[],
  app: string,
  options: DiffAppOptions = {},
): Promise<{ diffs: AppObjectDiff[]; live: (KubeObject | undefined)[] }> {
  const limit = pLimit(options.concurrency ?? 16);
  const likelyKinds = likelyKindsOf(labelledObjects(loaded));
  const tracked = await listTracked(client, app, { signal: options.signal, likelyKinds });
  const liveByKey = new Map(tracked.map((o) => [refKey(refOf(o)), o]));
  const ctx = {
    client,
    rules,
    rulesKey: PredictionCache.rulesKeyOf(rules),
    signal: options.signal,
    predictions: options.predictions ?? new PredictionCache(),
  };
  // A listed object serves as the live side only in the version the manifest uses.
  const listed = (obj: KubeObject): KubeObject | undefined => {
    const found = liveByKey.get(refKey(refOf(obj)));
    return found?.apiVersion === obj.apiVersion ? found : undefined;
  };
  const compared = await Promise.all(
    loaded.resources.map((obj) => limit(() => diffOne(obj, listed(obj), loaded, ctx))),
  );
  const diffs = compared.map((c) => c.diff);
  const desired = new Set(loaded.objects.map((o) => refKey(refOf(o))));
  for (const orphan of selectPrunable(app, tracked, desired).prune) {
    diffs.push({ ref: refOf(orphan), ...diffObjects(undefined, orphan, rules) });
  }
  return { diffs, live: compared.map((c) => c.live) };
}

/**
 * Diffs the given desired objects of `loaded` against the cluster (each read with a GET), as
 * `diffApp` does for one object; no orphans. For `ApplyOutOfSyncOnly`.
 */
export async function diffObjectsOf(
  client: KubeClient,
  loaded: LoadedPlan,
  objects: readonly KubeObject[],
  rules: readonly IgnoreDifference[],
  options: DiffAppOptions = {},
): Promise<AppObjectDiff[]> {
  const limit = pLimit(options.concurrency ?? 16);
  const ctx = {
    client,
    rules,
    rulesKey: PredictionCache.rulesKeyOf(rules),
    signal: options.signal,
    predictions: options.predictions ?? new PredictionCache(),
  };
  return (await Promise.all(objects.map((obj) => limit(() => diffOne(obj, undefined, loaded, ctx))))).map(
    (c) => c.diff,
  );
}

/** Counts by action. */
export function countActions(diffs: readonly AppObjectDiff[]): Record<DiffAction, number> {
  const counts: Record<DiffAction, number> = { create: 0, update: 0, delete: 0, unchanged: 0 };
  for (const d of diffs) counts[d.action] += 1;
  return counts;
}
