/**
 * `FailOnSharedResource=true`: before the first write, every desired object already tracked by
 * another app (its tracking annotation or `mooring.dev/app` label names a different app) fails the
 * sync, naming the object and both apps. Nothing is written.
 */
import pLimit from 'p-limit';
import { ApplyRejected } from '../../contract/errors.js';
import { formatRef, refOf } from '../../contract/object-ref.js';
import type { KubeObject } from '../../contract/kube-object.js';
import { trackedByOtherApp } from '../../core/sync/tracking.js';
import type { KubeClient } from './kube-client.js';
import { directReader, type LiveReader } from './live-reader.js';

/**
 * Reads each object and throws when another app tracks any of them.
 * @throws {ApplyRejected} listing every shared object with the app that tracks it
 */
export async function assertNotShared(
  client: KubeClient,
  app: string,
  objects: readonly KubeObject[],
  options: { signal?: AbortSignal; concurrency?: number; read?: LiveReader } = {},
): Promise<void> {
  const limit = pLimit(options.concurrency ?? 16);
  const read = options.read ?? directReader(client, options.signal);
  const owners = await Promise.all(
    objects.map((obj) =>
      limit(async () => {
        if (!obj.metadata.name) return undefined;
        const live = await read(obj);
        const other = live && trackedByOtherApp(app, live);
        return other === undefined
          ? undefined
          : `${formatRef(refOf(obj))} is already tracked by app "${other}"`;
      }),
    ),
  );
  const shared = owners.filter((o): o is string => o !== undefined);
  if (shared.length > 0)
    throw new ApplyRejected(
      `Cannot sync app "${app}" with FailOnSharedResource=true, nothing was applied: ${shared.join('; ')}`,
    );
}
