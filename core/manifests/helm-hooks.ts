/**
 * Maps Helm hook annotations to Mooring's sync hooks the way Argo CD does (gitops-engine
 * `pkg/sync/hook/helm`). Pure: returns annotated copies, never touches the input objects.
 */
import type { KubeObject } from '../../contract/kube-object.js';
import {
  ARGO_HOOK,
  ARGO_SYNC_WAVE,
  HELM_HOOK,
  HELM_HOOK_DELETE_POLICY,
  HELM_HOOK_WEIGHT,
  MOORING_HOOK,
  MOORING_HOOK_DELETE_POLICY,
  MOORING_SYNC_WAVE,
} from './annotations.js';

/** Helm hook types Argo CD runs, and the sync phase each becomes. */
const HOOK_TYPES: Readonly<Record<string, string>> = {
  'pre-install': 'PreSync',
  'pre-upgrade': 'PreSync',
  'post-install': 'PostSync',
  'post-upgrade': 'PostSync',
};

const DELETE_POLICIES: Readonly<Record<string, string>> = {
  'before-hook-creation': 'BeforeHookCreation',
  'hook-succeeded': 'HookSucceeded',
  'hook-failed': 'HookFailed',
};

/** Result of mapping one object: its annotated copy, or `undefined` when Argo CD would skip it. */
export type HelmHookMapping = KubeObject | undefined;

function csv(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/**
 * Maps one object's Helm hook annotations:
 * - `helm.sh/hook` pre-install/pre-upgrade become `mooring.dev/hook: PreSync`, post-install/
 *   post-upgrade `PostSync`; an object whose hooks are all of other types (test, pre-delete,
 *   pre-rollback...) is skipped (`undefined`), as Argo CD never runs them. `crd-install` is not a hook.
 * - `helm.sh/hook-delete-policy` becomes `mooring.dev/hook-delete-policy`.
 * - `helm.sh/hook-weight` becomes `mooring.dev/sync-wave` (also on non-hooks, as in Argo CD).
 * Hook and delete policy are left alone when `argocd.argoproj.io/hook` or `mooring.dev/hook` is
 * present; the wave when `argocd.argoproj.io/sync-wave` or `mooring.dev/sync-wave` is.
 */
export function mapHelmHook(object: KubeObject): HelmHookMapping {
  const annotations = object.metadata.annotations ?? {};
  const added: Record<string, string> = {};
  const hasOwnHook = annotations[ARGO_HOOK] !== undefined || annotations[MOORING_HOOK] !== undefined;
  const helmHooks = csv(annotations[HELM_HOOK]).filter((type) => type !== 'crd-install');
  if (!hasOwnHook && helmHooks.length > 0) {
    const phases = unique(helmHooks.flatMap((type) => HOOK_TYPES[type] ?? []));
    if (phases.length === 0) return undefined;
    added[MOORING_HOOK] = phases.join(',');
    const policies = unique(
      csv(annotations[HELM_HOOK_DELETE_POLICY]).flatMap((p) => DELETE_POLICIES[p] ?? []),
    );
    if (policies.length > 0) added[MOORING_HOOK_DELETE_POLICY] = policies.join(',');
  }
  const weight = annotations[HELM_HOOK_WEIGHT]?.trim();
  const hasOwnWave =
    annotations[ARGO_SYNC_WAVE] !== undefined || annotations[MOORING_SYNC_WAVE] !== undefined;
  if (!hasOwnWave && weight !== undefined && /^[+-]?\d+$/.test(weight)) {
    added[MOORING_SYNC_WAVE] = String(Number.parseInt(weight, 10));
  }
  if (Object.keys(added).length === 0) return object;
  return { ...object, metadata: { ...object.metadata, annotations: { ...annotations, ...added } } };
}

/** Maps every object with `mapHelmHook`, dropping the hooks Argo CD would never run. */
export function mapHelmHooks(objects: readonly KubeObject[]): KubeObject[] {
  return objects.flatMap((object) => mapHelmHook(object) ?? []);
}
