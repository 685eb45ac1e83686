/**
 * Whether a watch event on a managed object may be drift, pure. The watch only nominates apps:
 * the drift check (the same comparison as the diff) decides. Nominating less matters at fleet
 * scale, so two kinds of change are left out: changes only to what controllers own (status,
 * resourceVersion, managedFields, the Deployment revision annotation), and writes made by Mooring
 * itself (a sync's apply, the autoscaler), recognised by the field managers whose entries changed.
 */
import { createHash } from 'node:crypto';
import type { KubeObject } from '../../contract/kube-object.js';
import { canonicalJson } from '../manifests/canonical-json.js';

/** Annotations controllers write on objects they do not own. */
const CONTROLLER_ANNOTATIONS = ['deployment.kubernetes.io/revision'];
const VOLATILE_METADATA = [
  'resourceVersion',
  'managedFields',
  'generation',
  'uid',
  'creationTimestamp',
  'selfLink',
];

/** A digest of what a user or Git can set on an object: everything but status and server bookkeeping. */
export function contentFingerprint(obj: KubeObject): string {
  const { status: _status, metadata, ...rest } = obj;
  const meta: Record<string, unknown> = { ...metadata };
  for (const key of VOLATILE_METADATA) delete meta[key];
  if (metadata.annotations) {
    const annotations = { ...metadata.annotations };
    for (const key of CONTROLLER_ANNOTATIONS) delete annotations[key];
    meta.annotations = annotations;
  }
  return createHash('sha256')
    .update(canonicalJson({ ...rest, metadata: meta }))
    .digest('base64url');
}

interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  subresource?: string;
  time?: string;
  fieldsV1?: unknown;
}

/**
 * Each field manager entry of an object, keyed by manager, operation and subresource, with a
 * digest of its time and fields (the watch keeps one per entry of every managed object: a digest,
 * not the fields' JSON, which is a third of a typical object).
 */
export function managerEntries(obj: KubeObject): Map<string, string> {
  const entries = new Map<string, string>();
  const list = obj.metadata.managedFields;
  if (!Array.isArray(list)) return entries;
  for (const e of list as ManagedFieldsEntry[]) {
    const key = `${e.manager ?? ''}\u0000${e.operation ?? ''}\u0000${e.subresource ?? ''}`;
    const digest = createHash('sha256')
      .update(`${e.time ?? ''}\u0000${canonicalJson(e.fieldsV1 ?? null)}`)
      .digest('base64url');
    entries.set(key, digest);
  }
  return entries;
}

/**
 * True when every manager entry that changed between `before` and `after` belongs to one of
 * `ownManagers` or to a status subresource. False when an entry of anyone else changed, or when
 * none changed at all (a write within the same second by the same manager: cannot tell, so it
 * is not ours).
 */
export function writtenOnlyBy(
  before: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, string>,
  ownManagers: readonly string[],
): boolean {
  let changed = 0;
  for (const [key, digest] of after) {
    if (before.get(key) === digest) continue;
    changed += 1;
    const [manager = '', , subresource = ''] = key.split('\u0000');
    if (subresource !== 'status' && !ownManagers.includes(manager)) return false;
  }
  return changed > 0;
}
