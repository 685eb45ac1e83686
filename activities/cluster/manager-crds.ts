/** Waits until CustomResourceDefinitions are Established, so their custom resources can apply. */
import { setTimeout as delay } from 'node:timers/promises';
import type { KubeObject } from '../../contract/kube-object.js';
import type { KubeClient } from './kube-client.js';

function established(crd: KubeObject | undefined): boolean {
  const conditions =
    (crd?.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? [];
  return conditions.some((c) => c.type === 'Established' && c.status === 'True');
}

export async function waitEstablished(
  client: KubeClient,
  crds: readonly KubeObject[],
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const live = await Promise.all(
      crds.map((c) =>
        client.get({ apiVersion: c.apiVersion, kind: c.kind, name: c.metadata.name ?? '' }, options.signal),
      ),
    );
    if (live.every(established)) return;
    if (Date.now() >= deadline) {
      const pending = crds.filter((_, i) => !established(live[i])).map((c) => c.metadata.name);
      throw new Error(
        `CustomResourceDefinition ${pending.join(', ')} not Established within ${options.timeoutMs} ms`,
      );
    }
    await delay(200, undefined, { signal: options.signal });
  }
}
