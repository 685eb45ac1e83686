/** Rejects a rendered set in which two objects share one identity. */
import { ManifestInvalid } from '../../contract/errors.js';
import { formatRef, refOf, refKey } from '../../contract/object-ref.js';
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
    const key = refOf(entry.object);
    const id = refKey(key);
    const first = seen.get(id);
    if (first) {
      throw new ManifestInvalid(
        `Duplicate object ${formatRef(key)}: defined in "${first.file}" document ${first.document} and in "${entry.file}" document ${entry.document}`,
      );
    }
    seen.set(id, entry);
  }
}
