/**
 * Server-side apply of a set of objects with field manager `mooring`. Every object that exists is
 * first applied as a dry run; when the predicted result equals the live object (after the diff
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
import type { KubeClient } from './kube-client.js';
import { isRejection, KubeApiError } from './kube-errors.js';

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

/** Applies one object; see the module comment for the unchanged check. */
export async function applyObject(
  client: KubeClient,
  obj: KubeObject,
  options: ApplyOptions,
): Promise<AppliedObject> {
  const ref = refOf(obj);
  try {
    const live = await client.get(
      {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        namespace: obj.metadata.namespace,
        name: obj.metadata.name ?? '',
      },
      options.signal,
    );
    if (!live && !options.dryRun) {
      // Nothing to compare with: apply at once (one round trip instead of two).
      const result = await client.apply(obj, {
        fieldManager: options.fieldManager,
        force: options.force,
        dryRun: false,
        signal: options.signal,
      });
      return { change: { ...ref, action: 'created' }, result };
    }
    const predicted = await client.apply(obj, {
      fieldManager: options.fieldManager,
      force: options.force,
      dryRun: true,
      signal: options.signal,
    });
    if (live && sameState(predicted, live)) return { change: { ...ref, action: 'unchanged' }, result: live };
    const action = live ? 'configured' : 'created';
    if (options.dryRun) return { change: { ...ref, action }, result: predicted };
    const result = await client.apply(obj, {
      fieldManager: options.fieldManager,
      force: options.force,
      dryRun: false,
      signal: options.signal,
    });
    return { change: { ...ref, action }, result };
  } catch (err) {
    throw describeFailure(obj, err);
  }
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
        ...(await Promise.all(group.map((obj) => limit(() => applyObject(client, obj, options))))),
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
