import { MooringError } from '../../contract/errors.js';
import { MOORING_TRACKING_ID } from '../manifests/annotations.js';
import { type KubeObject } from '../../contract/kube-object.js';
import { formatRef, refOf, refKey } from '../../contract/object-ref.js';
import { compareForApply } from './apply-order.js';
import { isHook } from './hooks.js';
import { syncOptions } from './sync-options.js';
import { isTrackedBy } from './tracking.js';

/** How Kubernetes deletes dependents of a pruned object (`propagationPolicy`). */
export type DeletePropagation = 'foreground' | 'background' | 'orphan';

export interface PruneOptions {
  /** PruneLast=true for the whole sync: prune after every wave is applied and healthy. @default false */
  pruneLast?: boolean;
  /** Propagation policy for the deletes. @default 'foreground' (as Argo CD) */
  deletePropagation?: DeletePropagation;
  /** The operator confirmed the prune of objects marked `Prune=confirm`. @default false */
  pruneConfirmed?: boolean;
}

export interface PruneSkip {
  obj: KubeObject;
  /** Why the object is kept, in words. */
  reason: string;
}

export interface PruneSelection {
  /** Objects to delete, in reverse apply order (webhooks and custom resources first, CRDs and Namespaces last). */
  prune: KubeObject[];
  /** Objects that left Git but are kept, with the reason. */
  skipped: PruneSkip[];
  /** Passed through from the options. */
  pruneLast: boolean;
  deletePropagation: DeletePropagation;
}

/** Why a candidate must be kept, or undefined when it may be pruned. */
function keepReason(app: string, obj: KubeObject, options: PruneOptions): string | undefined {
  if (!isTrackedBy(app, obj)) {
    const found = obj.metadata.annotations?.[MOORING_TRACKING_ID];
    return found === undefined
      ? `it has no "${MOORING_TRACKING_ID}" annotation`
      : `its "${MOORING_TRACKING_ID}" annotation "${found}" does not name this object in app "${app}"`;
  }
  const controller = obj.metadata.ownerReferences?.find((ref) => ref.controller === true);
  // An owner lives in its dependant's namespace (or is cluster-scoped): its kind and name identify it.
  if (controller)
    return `it is controlled by ${formatRef({ kind: controller.kind, namespace: '', name: controller.name })}`;
  if (obj.metadata.deletionTimestamp) return 'it is already being deleted';
  try {
    if (isHook(obj)) return 'it is a hook; its delete policy removes it';
    const opts = syncOptions(obj);
    if (opts.prune === 'disabled') return `pruning is disabled by ${opts.pruneSetBy}`;
    if (opts.prune === 'confirm' && !options.pruneConfirmed)
      return `pruning needs confirmation (${opts.pruneSetBy})`;
  } catch (error) {
    if (error instanceof MooringError) return `its annotations cannot be read: ${error.message}`;
    throw error;
  }
  return undefined;
}

/**
 * Chooses which live objects of `app` to delete because they left Git. `liveTracked` are the live
 * objects found by the app label; `desiredKeys` holds `refKey(refOf(obj))` of every desired
 * object (after namespace defaulting). A candidate is pruned only when its tracking annotation
 * names the app and the object itself, it has no controller ownerReference, it is not already
 * being deleted, it is not a hook, and no opt-out applies (`mooring.dev/prune: disabled`,
 * `Prune=false`, Flux's prune `disabled`, or `Prune=confirm` without confirmation).
 * An object whose annotations cannot be read is kept.
 */
export function selectPrunable(
  app: string,
  liveTracked: readonly KubeObject[],
  desiredKeys: ReadonlySet<string>,
  options: PruneOptions = {},
): PruneSelection {
  const prune: KubeObject[] = [];
  const skipped: PruneSkip[] = [];
  for (const obj of liveTracked) {
    if (desiredKeys.has(refKey(refOf(obj)))) continue;
    const reason = keepReason(app, obj, options);
    if (reason === undefined) prune.push(obj);
    else skipped.push({ obj, reason });
  }
  return {
    prune: prune.sort(compareForApply).reverse(),
    skipped,
    pruneLast: options.pruneLast ?? false,
    deletePropagation: options.deletePropagation ?? 'foreground',
  };
}

/** When a prune runs: `early` beside the health wait, `last` after it (PruneLast). */
export type PruneStage = 'early' | 'last';

export interface PruneStagePlan {
  /** Objects this stage deletes, in the order given. */
  now: KubeObject[];
  /** Objects left for the `last` stage; always empty in the `last` stage. */
  deferred: KubeObject[];
}

/**
 * Splits the objects to prune by stage, as Argo CD's PruneLast: with the app option
 * `PruneLast=true` every object waits for the `last` stage, otherwise only those whose live
 * annotation says `PruneLast=true`. The `early` stage deletes the others; the `last` stage deletes
 * exactly the ones the `early` stage left.
 */
export function pruneStage(
  prune: readonly KubeObject[],
  options: { stage: PruneStage; appPruneLast: boolean },
): PruneStagePlan {
  const last = prune.filter((obj) => options.appPruneLast || syncOptions(obj).pruneLast);
  if (options.stage === 'last') return { now: last, deferred: [] };
  return { now: prune.filter((obj) => !last.includes(obj)), deferred: last };
}
