import { ManifestInvalid } from '../../contract/errors.js';
import {
  ARGO_HOOK,
  ARGO_HOOK_DELETE_POLICY,
  MOORING_HOOK,
  MOORING_HOOK_DELETE_POLICY,
} from '../manifests/annotations.js';
import { type KubeObject } from '../../contract/kube-object.js';
import { formatRef, refOf } from '../../contract/object-ref.js';

/**
 * Phases a hook can run in; `Skip` keeps an object out of the sync altogether. `PreDelete` and
 * `PostDelete` hooks never run in a sync: they run when the app is deleted with `--cascade`.
 */
export const HOOK_PHASES = [
  'PreSync',
  'Sync',
  'PostSync',
  'SyncFail',
  'PreDelete',
  'PostDelete',
  'Skip',
] as const;
export type HookPhase = (typeof HOOK_PHASES)[number];

/** The hook phases of a cascade delete, in the order they run. */
export const DELETE_HOOK_PHASES = ['PreDelete', 'PostDelete'] as const;
export type DeleteHookPhase = (typeof DELETE_HOOK_PHASES)[number];

/** When a hook object is deleted: before it is created again, or after it succeeded / failed. */
export const HOOK_DELETE_POLICIES = ['BeforeHookCreation', 'HookSucceeded', 'HookFailed'] as const;
export type HookDeletePolicy = (typeof HOOK_DELETE_POLICIES)[number];

/** Comma-separated values, trimmed, empty items dropped, duplicates removed. */
function csv(text: string): string[] {
  return [
    ...new Set(
      text
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== ''),
    ),
  ];
}

/** Parses an annotation whose values must all come from `allowed`; ManifestInvalid otherwise. */
function parseStrict<T extends string>(
  obj: KubeObject,
  key: string,
  text: string,
  allowed: readonly T[],
): T[] {
  const values = csv(text);
  const bad = values.find((value) => !(allowed as readonly string[]).includes(value));
  if (bad !== undefined || values.length === 0) {
    throw new ManifestInvalid(
      `Cannot read annotation "${key}" of ${formatRef(refOf(obj))}: ` +
        `${bad === undefined ? 'the value is empty' : `"${bad}" is not supported`}, expected one of ${allowed.join(', ')}`,
    );
  }
  return values as T[];
}

/**
 * The hook phases of an object, or `[]` for an ordinary (non-hook) object.
 *
 * `mooring.dev/hook` wins over `argocd.argoproj.io/hook` (values comma-separated). `Skip` only
 * counts when it is the sole value; next to other phases it is dropped. Helm hooks are mapped
 * onto the Mooring annotation at render time (`../render/helm-hooks.ts`).
 * Argo's `PreDelete` / `PostDelete` are accepted; `planSync` keeps them out of the sync phases.
 * @throws {ManifestInvalid} on an empty or unknown value in the Mooring or Argo annotation
 */
export function hookPhases(obj: KubeObject): HookPhase[] {
  const annotations = obj.metadata.annotations ?? {};
  for (const key of [MOORING_HOOK, ARGO_HOOK]) {
    const text = annotations[key];
    if (text === undefined) continue;
    const phases = parseStrict(obj, key, text, HOOK_PHASES);
    const withoutSkip = phases.filter((phase) => phase !== 'Skip');
    return withoutSkip.length > 0 ? withoutSkip : ['Skip'];
  }
  return [];
}

/** True when the object is a hook that runs in some phase (not an ordinary object, not Skip). */
export function isHook(obj: KubeObject): boolean {
  return hookPhases(obj).some((phase) => phase !== 'Skip');
}

/**
 * The delete policies of a hook: `mooring.dev/hook-delete-policy`, else
 * `argocd.argoproj.io/hook-delete-policy`, else `['BeforeHookCreation']` as in Argo CD.
 * Returned in the order of HOOK_DELETE_POLICIES.
 * @throws {ManifestInvalid} on an empty or unknown value in the Mooring or Argo annotation
 */
export function hookDeletePolicies(obj: KubeObject): HookDeletePolicy[] {
  const annotations = obj.metadata.annotations ?? {};
  for (const key of [MOORING_HOOK_DELETE_POLICY, ARGO_HOOK_DELETE_POLICY]) {
    const text = annotations[key];
    if (text === undefined) continue;
    const found = new Set(parseStrict(obj, key, text, HOOK_DELETE_POLICIES));
    return HOOK_DELETE_POLICIES.filter((policy) => found.has(policy));
  }
  return ['BeforeHookCreation'];
}
