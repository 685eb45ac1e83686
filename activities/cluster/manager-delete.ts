/** Deletes objects (prune) in the given order and waits for them to be gone. */
import { setTimeout as delay } from 'node:timers/promises';
import type { ChangeEntry } from '../../contract/activities.js';
import { formatRef, refOf } from '../../contract/object-ref.js';
import type { KubeObject } from '../../contract/kube-object.js';
import type { KubeClient } from './kube-client.js';

export type Propagation = 'foreground' | 'background' | 'orphan';

const POLICY: Record<Propagation, string> = {
  foreground: 'Foreground',
  background: 'Background',
  orphan: 'Orphan',
};

export async function deleteAll(
  client: KubeClient,
  objects: readonly KubeObject[],
  options: { propagation: Propagation; dryRun?: boolean; signal?: AbortSignal },
): Promise<ChangeEntry[]> {
  const changes: ChangeEntry[] = [];
  for (const obj of objects) {
    const ref = {
      apiVersion: obj.apiVersion,
      kind: obj.kind,
      namespace: obj.metadata.namespace,
      name: obj.metadata.name ?? '',
    };
    const deleted = await client.delete(ref, {
      propagationPolicy: POLICY[options.propagation],
      dryRun: options.dryRun,
      signal: options.signal,
    });
    changes.push({
      ...refOf(obj),
      action: deleted ? 'deleted' : 'unchanged',
      reason: deleted ? 'pruned' : 'already gone',
    });
  }
  return changes;
}

/** Polls until none of the objects exists; throws after the timeout. */
export async function waitForDeletion(
  client: KubeClient,
  objects: readonly KubeObject[],
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const live = await Promise.all(
      objects.map((o) =>
        client.get(
          {
            apiVersion: o.apiVersion,
            kind: o.kind,
            namespace: o.metadata.namespace,
            name: o.metadata.name ?? '',
          },
          options.signal,
        ),
      ),
    );
    if (live.every((o) => o === undefined)) return;
    if (Date.now() >= deadline)
      throw new Error(
        `Objects still exist after ${options.timeoutMs} ms: ${live
          .filter(Boolean)
          .map((o) => formatRef(refOf(o!)))
          .join(', ')}`,
      );
    await delay(250, undefined, { signal: options.signal });
  }
}
