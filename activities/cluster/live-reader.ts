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
