/**
 * Apply of a set of objects with field manager `mooring`: server-side apply unless the object's
 * strategy says client-side apply or replace (`manager-write.ts`), with `Force=true` recreating an
 * object whose update is rejected. Every object that exists is first written as a dry run; when the predicted result equals the live object (after the diff
 * normalisation) nothing is written and the change is `unchanged`, so a re-sync causes no
 * resourceVersion churn. An object that does not exist is applied at once. Kinds apply in `compareForApply` order; objects of one kind in parallel.
 */
import { isDeepStrictEqual } from 'node:util';
import pLimit from 'p-limit';
import type { ChangeEntry } from '../../contract/activities.js';
import { ApplyFailed, ApplyRejected } from '../../contract/errors.js';
import { formatRef, groupOf, refOf } from '../../contract/object-ref.js';
import type { KubeObject } from '../../contract/kube-object.js';
import { applyRank } from '../../core/sync/apply-order.js';
import { normalizeForDiff } from '../../core/diff/diff-normalize.js';
import { DEFAULT_APPLY_STRATEGY, type ApplyStrategy } from '../../core/sync/apply-strategy.js';
import type { KubeClient } from './kube-client.js';
import { isRejection, KubeApiError } from './kube-errors.js';
import { waitForDeletion } from './manager-delete.js';
import { writeObject } from './manager-write.js';
import { directReader, type LiveReader } from './live-reader.js';
import { PredictionCache } from './prediction-cache.js';

export const FIELD_MANAGER = 'mooring';

export interface ApplyOptions {
  /** @default 'mooring' */
  fieldManager: string;
  /** Take over fields another manager owns (our own desired state wins). @default true */
  force: boolean;
  /** Only predict: no write at all. @default false */
  dryRun: boolean;
  /** Objects applied at once within one kind. @default 8 */
  concurrency: number;
  /**
   * How each object is written (server-side apply, client-side apply or replace; recreate; validation).
   * A function gives each object its own. @default DEFAULT_APPLY_STRATEGY (server-side apply, strict)
   */
  strategy?: ApplyStrategy;
  /** Per object, when objects differ (applyAll); wins over `strategy`. */
  strategyOf?: (obj: KubeObject) => ApplyStrategy;
  /** How the live object is read before the write. @default a GET each time */
  read?: LiveReader;
  /**
   * Where the server's answers are remembered as predictions for later diffs: the dry run against
   * the live object, and the written object itself (applying the same object to it again changes
   * nothing). Only for writes made as a diff's dry run is (server-side apply by `mooring`, forced,
   * strict), so that a drift scan after a sync needs no dry run for the objects no one changed since.
   */
  predictions?: PredictionCache;
  signal?: AbortSignal;
}

export function defaultApplyOptions(): ApplyOptions {
  return { fieldManager: FIELD_MANAGER, force: true, dryRun: false, concurrency: 8 };
}

export interface AppliedObject {
  change: ChangeEntry;
  /** The object as the server returned it (or predicted it, for a dry run). */
  result: KubeObject;
}

/** Applies one object; see the module comment for the unchanged check and `strategy`. */
export async function applyObject(
  client: KubeClient,
  obj: KubeObject,
  options: ApplyOptions,
): Promise<AppliedObject> {
  const ref = refOf(obj);
  const strategy = options.strategy ?? DEFAULT_APPLY_STRATEGY;
  try {
    const live = await (options.read ?? directReader(client, options.signal))(obj);
    const write = (dryRun: boolean): Promise<KubeObject> =>
      writeObject(client, obj, live, {
        mode: strategy.mode,
        fieldManager: options.fieldManager,
        force: options.force,
        dryRun,
        validate: strategy.validate,
        signal: options.signal,
      });
    // Force=true: an update the server rejects (an immutable field) becomes delete and create.
    const orRecreate = async (dryRun: boolean): Promise<AppliedObject> => {
      try {
        const result = await write(dryRun);
        return { change: { ...ref, action: live ? 'configured' : 'created' }, result };
      } catch (err) {
        if (!live || !strategy.recreateOnReject || !isRejection(err)) throw err;
        const change: ChangeEntry = {
          ...ref,
          action: 'configured',
          reason: 'deleted and created again (Force=true)',
        };
        if (dryRun) return { change, result: obj };
        return { change, result: await recreate(client, obj, options) };
      }
    };
    // `on`: the live object the answer is a prediction for (a written object predicts itself).
    const remember = (on: KubeObject | undefined, applied: AppliedObject): AppliedObject => {
      const predictable =
        strategy.mode === 'server-side' &&
        strategy.validate &&
        options.force &&
        options.fieldManager === FIELD_MANAGER &&
        applied.change.reason === undefined;
      const sameVersion = applied.result.metadata.resourceVersion === on?.metadata.resourceVersion;
      if (predictable && sameVersion)
        options.predictions?.set(PredictionCache.refOf(obj, on), applied.result);
      return applied;
    };
    // Nothing to compare with: apply at once (one round trip instead of two).
    if (!live && !options.dryRun) {
      const created = await orRecreate(false);
      return remember(created.result, created);
    }
    // A dry run is remembered only when nothing is written after it: the write moves the live object.
    const predicted = await orRecreate(true);
    if (live && predicted.change.reason === undefined && sameState(predicted.result, live)) {
      remember(live, predicted);
      return { change: { ...ref, action: 'unchanged' }, result: live };
    }
    if (options.dryRun) return remember(live, predicted);
    const written = await orRecreate(false);
    return remember(written.result, written);
  } catch (err) {
    throw describeFailure(obj, err);
  }
}

/** Deletes the live object, waits until it is gone, then creates `obj` (`Force=true`). */
async function recreate(client: KubeClient, obj: KubeObject, options: ApplyOptions): Promise<KubeObject> {
  const ref = {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    namespace: obj.metadata.namespace,
    name: obj.metadata.name ?? '',
  };
  await client.delete(ref, { propagationPolicy: 'Foreground', signal: options.signal });
  await waitForDeletion(client, [obj], { timeoutMs: 60_000, signal: options.signal });
  const strategy = options.strategy ?? DEFAULT_APPLY_STRATEGY;
  return await writeObject(client, obj, undefined, {
    mode: strategy.mode,
    fieldManager: options.fieldManager,
    force: options.force,
    dryRun: false,
    validate: strategy.validate,
    signal: options.signal,
  });
}

/** Applies objects in apply order; stops at the first failure (ApplyRejected or ApplyFailed), which carries the changes so far. */
export async function applyAll(
  client: KubeClient,
  objects: readonly KubeObject[],
  options: ApplyOptions,
): Promise<AppliedObject[]> {
  const applied: AppliedObject[] = [];
  const limit = pLimit(options.concurrency);
  for (const group of groupByRank(objects)) {
    try {
      applied.push(
        ...(await Promise.all(
          group.map((obj) =>
            limit(() =>
              applyObject(
                client,
                obj,
                options.strategyOf ? { ...options, strategy: options.strategyOf(obj) } : options,
              ),
            ),
          ),
        )),
      );
    } catch (err) {
      if (err instanceof ApplyRejected || err instanceof ApplyFailed)
        err.changes.push(...applied.map((a) => a.change));
      throw err;
    }
  }
  return applied;
}

/**
 * A failed apply of `obj` as a typed error naming the object (and the fields the server named),
 * `err` as its cause: ApplyRejected when the desired state is wrong, ApplyFailed (retryable)
 * otherwise. Either carries the change set, filled in by `applyAll`. Typed errors pass unchanged.
 */
export function describeFailure(obj: KubeObject, err: unknown): ApplyRejected | ApplyFailed {
  if (err instanceof ApplyRejected || err instanceof ApplyFailed) return err;
  const ref = refOf(obj);
  const name = formatRef(ref);
  if (err instanceof KubeApiError) {
    const fields = err.causes.map((c) => c.field).filter(Boolean);
    const where = fields.length > 0 ? ` (field ${fields.join(', ')})` : '';
    const message = `${name} was rejected (${err.reason})${where}: ${err.message}`;
    return isRejection(err)
      ? new ApplyRejected(message, { cause: err, ref })
      : new ApplyFailed(message, { cause: err, ref });
  }
  return new ApplyFailed(
    `${name} could not be applied: ${err instanceof Error ? err.message : String(err)}`,
    { cause: err, ref },
  );
}

/** Predicted and live objects describe the same desired state. */
function sameState(predicted: KubeObject, live: KubeObject): boolean {
  return isDeepStrictEqual(normalizeForDiff(predicted, []).object, normalizeForDiff(live, []).object);
}

function groupByRank(objects: readonly KubeObject[]): KubeObject[][] {
  const groups = new Map<number, KubeObject[]>();
  for (const obj of objects) {
    const rank = applyRank(groupOf(obj.apiVersion), obj.kind);
    groups.set(rank, [...(groups.get(rank) ?? []), obj]);
  }
  return [...groups.entries()].sort(([a], [b]) => a - b).map(([, group]) => group);
}
