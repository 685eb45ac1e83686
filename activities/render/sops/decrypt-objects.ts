/**
 * Decrypts the SOPS-encrypted objects of a render output (Flux's `DecryptResource`): every object
 * is checked first (clear metadata, an age recipient, a key the agent holds), so a render with one
 * undecryptable object fails before anything is decrypted; then each runs through `sops decrypt`
 * in the sandbox. Objects without a `sops` block, or opted out with Flux's `decrypt: disabled`
 * annotation, pass through unchanged. Like Flux, the SOPS MAC is not checked: kustomize and helm
 * add labels and namespaces to the objects it covers.
 */
import pLimit from 'p-limit';
import type { KubeObject } from '../../../contract/kube-object.js';
import type { AgeKeySource, AgeKeyState } from './age-key.js';
import { assertAgeOnly, assertAgentHolds } from './sops-check.js';
import { metadataRecipients } from './sops-metadata.js';
import { assertPlainMetadata, decryptedObject, describeObject, needsDecryption } from './sops-objects.js';
import { withSopsSandbox, type SopsRunLimits } from './sops-sandbox.js';

/** Objects decrypted at once (each is one sops process). */
const CONCURRENCY = 4;

/** Options of `decryptRenderedObjects`. */
export interface DecryptObjectsOptions {
  keys: AgeKeySource;
  /** The key file as read for this render (its digest is in the cache key). */
  state: AgeKeyState;
  limits?: SopsRunLimits;
}

/** The render output with its encrypted objects decrypted, in order, and how many were. */
export interface DecryptedObjects {
  objects: KubeObject[];
  decrypted: number;
}

/** Decrypts the objects that need it (see the module comment); throws before any decryption. */
export async function decryptRenderedObjects(
  objects: readonly KubeObject[],
  options: DecryptObjectsOptions,
): Promise<DecryptedObjects> {
  const encrypted = objects.filter(needsDecryption);
  if (encrypted.length === 0) return { objects: [...objects], decrypted: 0 };
  const checks = encrypted.map((object) => {
    const what = describeObject(object);
    const recipients = metadataRecipients(object.sops);
    assertPlainMetadata(object);
    assertAgeOnly(what, recipients);
    return { object, what, recipients };
  });
  return withSopsSandbox(options.keys.file, options.limits ?? {}, async (sandbox) => {
    const key = await options.keys.key(options.state, sandbox);
    for (const { what, recipients } of checks) assertAgentHolds(what, recipients, key);
    const limit = pLimit(CONCURRENCY);
    const plain = new Map<KubeObject, KubeObject>();
    // Settled, not raced: no sops run may outlive the sandbox it reads from.
    const results = await Promise.allSettled(
      checks.map(({ object, what }) =>
        limit(async () => {
          const output = await sandbox.decrypt(JSON.stringify(object), 'json', what);
          plain.set(object, decryptedObject(object, output));
        }),
      ),
    );
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    return { objects: objects.map((object) => plain.get(object) ?? object), decrypted: plain.size };
  });
}
