/**
 * Annotation and label keys Mooring reads or writes on rendered objects. Defined once here; the
 * render, cluster and sync code import them and never repeat the literals.
 */

/** Mooring's sync hook phase: `PreSync`, `Sync`, `PostSync`, `SyncFail` or `Skip`. */
export const MOORING_HOOK = 'mooring.dev/hook';
/** Comma-separated hook delete policies: `HookSucceeded`, `HookFailed`, `BeforeHookCreation`. */
export const MOORING_HOOK_DELETE_POLICY = 'mooring.dev/hook-delete-policy';
/** Integer sync wave; lower waves are applied first. */
export const MOORING_SYNC_WAVE = 'mooring.dev/sync-wave';
/** Prune opt-out: the value `disabled` keeps the object when it leaves Git. */
export const MOORING_PRUNE = 'mooring.dev/prune';
/** `<app>:<group>/<kind>:<namespace>/<name>`; checked against the object before any prune. */
export const MOORING_TRACKING_ID = 'mooring.dev/tracking-id';
/** Label naming the owning application, for watches and selection. */
export const MOORING_APP_LABEL = 'mooring.dev/app';

/** Argo CD's hook annotation, honoured as is. */
export const ARGO_HOOK = 'argocd.argoproj.io/hook';
/** Argo CD's hook delete policy annotation, honoured as is. */
export const ARGO_HOOK_DELETE_POLICY = 'argocd.argoproj.io/hook-delete-policy';
/** Argo CD's sync wave annotation, honoured as is. */
export const ARGO_SYNC_WAVE = 'argocd.argoproj.io/sync-wave';
/** Argo CD's per-object sync options, e.g. `Prune=false`. */
export const ARGO_SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';

/** Helm's hook annotations, mapped to Mooring's by `mapHelmHooks`. */
export const HELM_HOOK = 'helm.sh/hook';
export const HELM_HOOK_DELETE_POLICY = 'helm.sh/hook-delete-policy';
export const HELM_HOOK_WEIGHT = 'helm.sh/hook-weight';

/**
 * JSON list of JSON pointers whose values the diff masks like Secret data: set by the render on a
 * non-Secret object it decrypted with SOPS (the pointers of its encrypted values, never the values).
 */
export const MOORING_SENSITIVE_PATHS = 'mooring.dev/sensitive-paths';
/** Flux's per-object opt-out of SOPS decryption: the value `disabled` leaves the object as it is. */
export const FLUX_DECRYPT = 'kustomize.toolkit.fluxcd.io/decrypt';
