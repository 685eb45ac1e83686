/**
 * Sync order follows Argo CD's precedence: phase (PreSync, Sync, PostSync) → wave → kind
 * (`compareForApply`) → name. SyncFail hooks run only when the sync fails. Two adjustments move
 * objects earlier: a Namespace to the first (phase, wave) that uses it, and a CRD to the first
 * (phase, wave) holding one of its custom resources. A wave with CRDs must apply them, wait until
 * they are Established, then apply the rest.
 */
import { ManifestInvalid } from '../../contract/errors.js';
import { type KubeObject } from '../../contract/kube-object.js';
import { formatRef, groupOf, refOf, refKey } from '../../contract/object-ref.js';
import { compareForApply } from './apply-order.js';
import { hookPhases, type DeleteHookPhase } from './hooks.js';
import {
  crdDefinedKind,
  isCrd,
  scopeResolver,
  withDefaultNamespace,
  type IsNamespaced,
} from './namespace-default.js';
import { syncWave } from './sync-waves.js';

/** Phases that run in a normal sync, in order. */
export const SYNC_PHASES = ['PreSync', 'Sync', 'PostSync'] as const;
export type SyncPhase = (typeof SYNC_PHASES)[number];

export interface WavePlan {
  wave: number;
  /** Sorted by compareForApply (kind order, then name). */
  objects: KubeObject[];
  /** True when the wave applies CRDs: apply them first and wait for Established. */
  hasCrds: boolean;
}

export interface PhasePlan {
  phase: SyncPhase;
  /** Non-empty waves, ascending. */
  waves: WavePlan[];
}

export interface SyncPlan {
  /** Non-empty phases, in SYNC_PHASES order. */
  phases: PhasePlan[];
  /** Hooks to run when the sync fails, by wave then kind order. */
  syncFailHooks: KubeObject[];
  /** Objects marked `Skip`: never applied. */
  skipped: KubeObject[];
  /** PreDelete / PostDelete hooks: never part of a sync, run by a cascade delete (kind order). */
  deleteHooks: Record<DeleteHookPhase, KubeObject[]>;
  /** The namespace to create before the dry-run (CreateNamespace); also first in the plan. */
  createNamespace?: KubeObject;
  /** `group/Kind` of every kind defined by a CRD in this sync (dry-run them after the CRD exists). */
  crdKinds: string[];
}

export interface PlanSyncOptions {
  /** The app's destination namespace, set on namespaced objects that have none. */
  namespace?: string;
  /** CreateNamespace: add this Namespace (unless the manifests have it) before everything else. */
  createNamespace?: string;
  /** Scope of a kind from API discovery; see scopeResolver for the fallbacks. */
  isNamespaced?: IsNamespaced;
}

interface Task {
  obj: KubeObject;
  phase: number;
  wave: number;
}

const before = (a: { phase: number; wave: number }, b: { phase: number; wave: number }): boolean =>
  a.phase < b.phase || (a.phase === b.phase && a.wave < b.wave);

/** Moves each non-hook Namespace / CRD task up to the earliest task that depends on it. */
function hoistDependencies(tasks: Task[], hooks: Set<KubeObject>): void {
  for (const task of tasks) {
    if (hooks.has(task.obj)) continue;
    let dependsOn: ((other: KubeObject) => boolean) | undefined;
    if (task.obj.kind === 'Namespace' && groupOf(task.obj.apiVersion) === '') {
      dependsOn = (other) => other.metadata.namespace === task.obj.metadata.name;
    } else if (isCrd(task.obj)) {
      const defined = crdDefinedKind(task.obj);
      if (defined)
        dependsOn = (other) => other.kind === defined.kind && groupOf(other.apiVersion) === defined.group;
    }
    if (!dependsOn) continue;
    for (const other of tasks) {
      if (other !== task && dependsOn(other.obj) && before(other, task))
        Object.assign(task, { phase: other.phase, wave: other.wave });
    }
  }
}

function checkName(obj: KubeObject, hook: boolean): void {
  if (obj.metadata.name) return;
  const reason = !obj.metadata.generateName
    ? 'it has neither metadata.name nor metadata.generateName'
    : hook
      ? ''
      : 'metadata.generateName is only allowed on hooks';
  if (reason)
    throw new ManifestInvalid(
      `Cannot sync ${obj.kind} ${JSON.stringify(obj.metadata.generateName ?? '')}: ${reason}`,
    );
}

function byWaveThenKind(a: Task, b: Task): number {
  return a.wave - b.wave || compareForApply(a.obj, b.obj);
}

/**
 * Orders the desired objects into phases and waves. Objects are copied with their namespace
 * settled (see withDefaultNamespace); inputs are never modified.
 * @throws {ManifestInvalid} on a bad hook / wave annotation, an object without a name (only hooks
 *   may use generateName), or the same object twice
 */
export function planSync(desired: readonly KubeObject[], options: PlanSyncOptions = {}): SyncPlan {
  const namespaced = scopeResolver(desired, options.isNamespaced);
  const tasks: Task[] = [];
  const syncFail: Task[] = [];
  const skipped: KubeObject[] = [];
  const deleteHooks: Record<DeleteHookPhase, KubeObject[]> = { PreDelete: [], PostDelete: [] };
  const hooks = new Set<KubeObject>();
  const seen = new Set<string>();
  for (const input of desired) {
    const obj = withDefaultNamespace(input, options.namespace, namespaced);
    const phases = hookPhases(obj);
    const wave = syncWave(obj);
    checkName(obj, phases.length > 0);
    if (obj.metadata.name) {
      const id = refKey(refOf(obj));
      if (seen.has(id))
        throw new ManifestInvalid(
          `Cannot sync ${formatRef(refOf(obj))}: it appears more than once in the manifests`,
        );
      seen.add(id);
    }
    if (phases.length > 0) hooks.add(obj);
    for (const phase of phases.length > 0 ? phases : (['Sync'] as const)) {
      if (phase === 'Skip') skipped.push(obj);
      else if (phase === 'PreDelete' || phase === 'PostDelete') deleteHooks[phase].push(obj);
      else if (phase === 'SyncFail') syncFail.push({ obj, phase: SYNC_PHASES.length, wave });
      else tasks.push({ obj, phase: SYNC_PHASES.indexOf(phase), wave });
    }
  }
  hoistDependencies(tasks, hooks);

  let createNamespace: KubeObject | undefined;
  if (options.createNamespace !== undefined) {
    const name = options.createNamespace;
    createNamespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
    if (!seen.has(refKey({ group: '', kind: 'Namespace', namespace: '', name }))) {
      const first = tasks.reduce<Task | undefined>((min, t) => (!min || before(t, min) ? t : min), undefined);
      tasks.push({ obj: createNamespace, phase: first?.phase ?? 1, wave: first?.wave ?? 0 });
    }
  }

  const phases: PhasePlan[] = [];
  SYNC_PHASES.forEach((phase, index) => {
    const inPhase = tasks.filter((t) => t.phase === index).sort(byWaveThenKind);
    const waves: WavePlan[] = [];
    for (const task of inPhase) {
      let last = waves.at(-1);
      if (last?.wave !== task.wave) waves.push((last = { wave: task.wave, objects: [], hasCrds: false }));
      last.objects.push(task.obj);
      last.hasCrds ||= isCrd(task.obj);
    }
    if (waves.length > 0) phases.push({ phase, waves });
  });

  const crdKinds = [
    ...new Set(
      desired.filter(isCrd).flatMap((crd) => {
        const defined = crdDefinedKind(crd);
        return defined ? [`${defined.group}/${defined.kind}`] : [];
      }),
    ),
  ].sort();

  return {
    phases,
    syncFailHooks: syncFail.sort(byWaveThenKind).map((t) => t.obj),
    skipped,
    deleteHooks: {
      PreDelete: deleteHooks.PreDelete.sort(compareForApply),
      PostDelete: deleteHooks.PostDelete.sort(compareForApply),
    },
    ...(createNamespace ? { createNamespace } : {}),
    crdKinds,
  };
}
