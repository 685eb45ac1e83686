/**
 * The rules for one SOPS-encrypted Kubernetes object in the render output, around the `sops` run:
 * which objects are decrypted (a `sops` block with a MAC, unless Flux's `decrypt: disabled`
 * annotation opts out), that identity and metadata stay in clear (they decide where the object
 * goes and how it syncs), and that the decrypted object keeps them, loses its `sops` block and, when
 * it is not a Secret, carries the pointers of its decrypted values so the diff masks them. Pure.
 */
import { ManifestInvalid } from '../../../contract/errors.js';
import type { KubeObject } from '../../../contract/kube-object.js';
import { formatRef, refOf } from '../../../contract/object-ref.js';
import { FLUX_DECRYPT, MOORING_SENSITIVE_PATHS } from '../../../core/manifests/annotations.js';
import { canonicalJson } from '../../../core/manifests/canonical-json.js';
import { validateObject } from '../../../core/manifests/validate-object.js';
import { hasSopsMetadata } from './sops-metadata.js';

/** An encrypted SOPS value: `ENC[AES256_GCM,data:...,iv:...,tag:...,type:str]`. */
const ENCRYPTED_VALUE = /^ENC\[AES256_GCM,data:/;
/** Largest sensitive-paths annotation; longer lists are cut to their top-level fields. */
const MAX_PATHS_ANNOTATION = 8 * 1024;

/** How an object is named in errors: `Secret shop/db`. */
export function describeObject(obj: KubeObject): string {
  return formatRef(refOf(obj));
}

/** Whether the render must decrypt `obj` (Flux's rule: a `sops` block with a MAC, not opted out). */
export function needsDecryption(obj: KubeObject): boolean {
  if (!hasSopsMetadata(obj)) return false;
  return obj.metadata.annotations?.[FLUX_DECRYPT]?.toLowerCase() !== 'disabled';
}

const escapeToken = (token: string): string => token.replace(/~/g, '~0').replace(/\//g, '~1');

/** RFC 6901 pointers of the encrypted values of `obj` (its `sops` block excluded), in order. */
export function encryptedPaths(obj: KubeObject): string[] {
  const paths: string[] = [];
  const walk = (value: unknown, pointer: string): void => {
    if (typeof value === 'string') {
      if (ENCRYPTED_VALUE.test(value)) paths.push(pointer);
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => walk(item, `${pointer}/${index}`));
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) walk(item, `${pointer}/${escapeToken(key)}`);
    }
  };
  for (const [key, value] of Object.entries(obj)) if (key !== 'sops') walk(value, `/${escapeToken(key)}`);
  return paths;
}

const IDENTITY = /^\/(apiVersion|kind|metadata)(\/|$)/;

/**
 * Throws ManifestInvalid when `obj` has encrypted identity or metadata: the sync reads names,
 * namespaces, hooks and waves before any decryption, so they must stay in clear.
 */
export function assertPlainMetadata(obj: KubeObject): void {
  const hidden = encryptedPaths(obj).filter((path) => IDENTITY.test(path));
  if (hidden.length > 0) {
    throw new ManifestInvalid(
      `Cannot decrypt ${describeObject(obj)}: its ${hidden.slice(0, 3).join(', ')} ${hidden.length === 1 ? 'is' : 'are'} encrypted; apiVersion, kind and metadata must stay in clear (encrypt with sops --encrypted-regex '^(data|stringData)$')`,
    );
  }
}

function isSecret(obj: KubeObject): boolean {
  return obj.kind === 'Secret' && obj.apiVersion === 'v1';
}

/** The pointers as an annotation value, cut to top-level fields when the list is too long. */
export function sensitivePathsValue(paths: readonly string[]): string {
  const value = JSON.stringify(paths);
  if (value.length <= MAX_PATHS_ANNOTATION) return value;
  return JSON.stringify([...new Set(paths.map((path) => `/${path.split('/')[1] ?? ''}`))]);
}

/**
 * The decrypted object from `sops`'s JSON output for `encrypted`: validated, with the same
 * apiVersion, kind and metadata, no `sops` block, and (not a Secret) the sensitive-paths annotation.
 * Messages name the object only: the output is never quoted.
 */
export function decryptedObject(encrypted: KubeObject, output: string): KubeObject {
  const what = describeObject(encrypted);
  let parsed: unknown;
  try {
    parsed = JSON.parse(output);
  } catch {
    throw new ManifestInvalid(`Decrypting ${what} with sops gave no JSON object`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new ManifestInvalid(`Decrypting ${what} with sops gave no JSON object`);
  const { sops: _metadata, ...rest } = parsed as Record<string, unknown>;
  const object = validateObject(rest, `${what} (decrypted with sops)`);
  const identity = (o: KubeObject): string => canonicalJson([o.apiVersion, o.kind, o.metadata]);
  if (identity(object) !== identity(encrypted))
    throw new ManifestInvalid(`Decrypting ${what} with sops changed its apiVersion, kind or metadata`);
  const paths = encryptedPaths(encrypted);
  if (isSecret(object) || paths.length === 0) return object;
  const annotations = {
    ...object.metadata.annotations,
    [MOORING_SENSITIVE_PATHS]: sensitivePathsValue(paths),
  };
  return { ...object, metadata: { ...object.metadata, annotations } };
}
