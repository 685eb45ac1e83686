/**
 * The autoscaled workload of an app: which live object `spec.autoscaling.target` names, and how
 * GitOps leaves its `spec.replicas` to the autoscaler. Pure.
 */
import type { IgnoreDifference } from '../../config/types.js';
import type { KubeObject } from '../../contract/kube-object.js';

/** The field manager that owns an autoscaled target's `spec.replicas`. */
export const AUTOSCALER_FIELD_MANAGER = 'mooring-autoscaler';

/** The workload kinds with `spec.replicas` an app may autoscale, and their API version. */
const SCALABLE: Readonly<Record<string, string>> = {
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  ReplicaSet: 'apps/v1',
};

export interface TargetRef {
  apiVersion: string;
  kind: string;
  name: string;
}

/**
 * `Kind/name` as an object reference.
 * @throws {RangeError} when the text is not `Kind/name` or the kind has no `spec.replicas`
 */
export function parseTarget(target: string): TargetRef {
  const [kind = '', name = '', ...rest] = target.split('/');
  const apiVersion = SCALABLE[kind];
  if (!apiVersion || !name || rest.length > 0)
    throw new RangeError(
      `Autoscaling target "${target}" must be "Kind/name" with kind ${Object.keys(SCALABLE).join(', ')}`,
    );
  return { apiVersion, kind, name };
}

/** True when `obj` is the target in `namespace`. */
export function isTarget(target: TargetRef, namespace: string, obj: KubeObject): boolean {
  return (
    obj.kind === target.kind &&
    obj.apiVersion === target.apiVersion &&
    obj.metadata.name === target.name &&
    (obj.metadata.namespace ?? namespace) === namespace
  );
}

/** The ignore rule that keeps diff, drift and self-heal away from the target's replicas. */
export function replicasIgnoreRule(target: TargetRef, namespace: string): IgnoreDifference {
  return {
    group: target.apiVersion.split('/')[0],
    kind: target.kind,
    name: target.name,
    namespace,
    jsonPointers: ['/spec/replicas'],
  };
}

/** The target's `spec.replicas` (1 when absent, as the API server defaults it). */
export function replicasOf(obj: KubeObject): number {
  const replicas = (obj as { spec?: { replicas?: unknown } }).spec?.replicas;
  return typeof replicas === 'number' ? replicas : 1;
}

/** A copy of `obj` with `spec.replicas` set, or removed when `replicas` is undefined. */
export function withReplicas(obj: KubeObject, replicas: number | undefined): KubeObject {
  const copy = structuredClone(obj) as KubeObject & { spec?: Record<string, unknown> };
  const spec = { ...copy.spec };
  if (replicas === undefined) delete spec.replicas;
  else spec.replicas = replicas;
  copy.spec = spec;
  return copy;
}

/** The minimal object a field manager applies to own `spec.replicas` alone. */
export function replicasPatch(target: TargetRef, namespace: string, replicas: number): KubeObject {
  return {
    apiVersion: target.apiVersion,
    kind: target.kind,
    metadata: { name: target.name, namespace },
    spec: { replicas },
  } as KubeObject;
}

/** True when `manager` owns `spec.replicas` of the live object (its managedFields say so). */
export function ownsReplicas(live: KubeObject, manager: string): boolean {
  const entries = (live.metadata as { managedFields?: { manager?: string; fieldsV1?: unknown }[] })
    .managedFields;
  return (entries ?? []).some((entry) => {
    if (entry.manager !== manager) return false;
    const spec = (entry.fieldsV1 as Record<string, Record<string, unknown>> | undefined)?.['f:spec'];
    return spec !== undefined && 'f:replicas' in spec;
  });
}
