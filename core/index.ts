/**
 * The sync and diff cores (`core/sync/`, `core/diff/`): they decide what to apply, in which
 * order, what changed and what to prune; they never call the API server, read files or keep
 * state. The cluster adapters (`activities/cluster/`) fetch live objects, call these and perform
 * the writes (server-side apply with field manager `mooring`, dry-run of the whole set first,
 * deletes with the chosen propagation). Health is in `core/health/`, manifests in
 * `core/manifests/`.
 *
 * Rule order of a sync: planSync (phase → wave → kind → name, Namespaces and CRDs hoisted to
 * their first dependant, CRDs waited to Established), stampTracking on each object, dry-run,
 * diffObjects against live (normalizeForDiff + ignoreDifferences, Secrets masked), apply,
 * selectPrunable (tracking id verified against the object itself, reverse apply order).
 */
export { APPLY_ORDER, applyRank, compareForApply } from './sync/apply-order.js';
export { isClusterScopedBuiltin } from './sync/cluster-scoped.js';
export { diffObjects, stableYaml, type DiffAction, type ObjectDiff } from './diff/diff.js';
export {
  normalizeForDiff,
  ruleMatches,
  type NormalizeOptions,
  type NormalizeResult,
} from './diff/diff-normalize.js';
export {
  HOOK_DELETE_POLICIES,
  HOOK_PHASES,
  hookDeletePolicies,
  hookPhases,
  isHook,
  type HookDeletePolicy,
  type HookPhase,
} from './sync/hooks.js';
export { parsePointer, removeAtPointer } from './diff/json-pointer.js';
export { removeManagedFields, type ManagedFieldsEntry } from './diff/managed-fields.js';
export {
  crdDefinedKind,
  isCrd,
  scopeResolver,
  withDefaultNamespace,
  type IsNamespaced,
} from './sync/namespace-default.js';
export {
  selectPrunable,
  type DeletePropagation,
  type PruneOptions,
  type PruneSelection,
  type PruneSkip,
} from './sync/prune.js';
export { foldStringData, maskSecrets } from './diff/secret-mask.js';
export { syncOptions, type DeletionPermission, type ObjectSyncOptions } from './sync/sync-options.js';
export {
  SYNC_PHASES,
  planSync,
  type PhasePlan,
  type PlanSyncOptions,
  type SyncPhase,
  type SyncPlan,
  type WavePlan,
} from './sync/sync-plan.js';
export { syncWave } from './sync/sync-waves.js';
export { isTrackedBy, stampTracking, trackingId } from './sync/tracking.js';
