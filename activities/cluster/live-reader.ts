/**
 * Reads each live object at most once within one activity. A sync step checks who owns its
 * objects, then dry-runs or applies them, and both start by reading the same objects; with a
 * reader shared by the two, a fleet's syncs make one GET per object instead of two. Only for reads
 * before any write to the object: an apply reads once, then writes.
 */
import type { KubeObject } from '../../contract/kube-object.js';
import { refKey, refOf } from '../../contract/object-ref.js';
import type { KubeClient } from './kube-client.js';

export type LiveReader = (obj: KubeObject) => Promise<KubeObject | undefined>;

/** A reader that asks the API server each time. */
export function directReader(client: KubeClient, signal?: AbortSignal): LiveReader {
  return async (obj) =>
    await client.get(
      {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        namespace: obj.metadata.namespace,
        name: obj.metadata.name ?? '',
      },
      signal,
    );
}

/** A reader that remembers each answer (a failed read is asked again). */
export function onceReader(client: KubeClient, signal?: AbortSignal): LiveReader {
  const read = directReader(client, signal);
  const answers = new Map<string, Promise<KubeObject | undefined>>();
  return async (obj) => {
    // The version is part of the key: the server answers in the version asked for.
    const key = `${obj.apiVersion} ${refKey(refOf(obj))}`;
    let answer = answers.get(key);
    if (!answer) {
      answer = read(obj);
      answers.set(key, answer);
      answer.catch(() => answers.delete(key));
    }
    return await answer;
  };
}

/** A reader that also tells whether a namespace the sync creates is still absent. */
export interface SyncNamespacesReader {
  read: LiveReader;
  /** True when `namespace` is one the sync creates and it does not exist yet (read once). */
  isAbsent(namespace: string | undefined): Promise<boolean>;
}

/**
 * For a sync that creates namespaces (CreateNamespace, or Namespace objects in its manifests): an
 * object in such a namespace cannot exist while the namespace does not, so it is answered absent
 * without a request. A fleet's first syncs saved two GETs per object this way. `read` must
 * remember its answers (`onceReader`): the namespace is read through it once, so the answers stay
 * those of before the namespace was created, as long as it is read before it is written (an apply
 * reads its object first). Once the namespace exists, objects may appear in it (a controller's):
 * only a caller for whom "absent" is still right may use this reader then (a server-side apply).
 */
export function syncNamespacesReader(
  read: LiveReader,
  namespaces: ReadonlySet<string>,
): SyncNamespacesReader {
  const isAbsent = async (namespace: string | undefined): Promise<boolean> =>
    namespace !== undefined &&
    namespaces.has(namespace) &&
    (await read({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } })) === undefined;
  return {
    isAbsent,
    read: async (obj) => ((await isAbsent(obj.metadata.namespace)) ? undefined : await read(obj)),
  };
}
