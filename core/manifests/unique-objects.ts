/** Rejects a rendered set in which two objects share one identity. */
import { ManifestInvalid } from '../../contract/errors.js';
import { displayName, keyOf, keyString } from '../../contract/kube-object.js';
import type { ManifestEntry } from './types.js';

/**
 * Throws ManifestInvalid when two entries have the same group/kind/namespace/name, naming both
 * files and documents. Objects with only `metadata.generateName` get a fresh name on every
 * create, so they never collide.
 */
export function assertUniqueObjects(entries: readonly ManifestEntry[]): void {
  const seen = new Map<string, ManifestEntry>();
  for (const entry of entries) {
    if (!entry.object.metadata.name) continue;
    const key = keyOf(entry.object);
    const id = keyString(key);
    const first = seen.get(id);
    if (first) {
      throw new ManifestInvalid(
        `Duplicate object ${displayName(key)}: defined in "${first.file}" document ${first.document} and in "${entry.file}" document ${entry.document}`,
      );
    }
    seen.set(id, entry);
  }
}
