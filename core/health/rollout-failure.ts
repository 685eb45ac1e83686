import type { KubeObject } from '../../contract/kube-object.js';
import { groupKindKey } from './health-rules.js';
import {
  findCondition,
  generationObserved,
  readBool,
  readConditions,
  readList,
  readString,
} from './rules/_fields.js';
import { isFailingWaitReason, podHealth } from './rules/pod.js';

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function withDetail(reason: string, detail: string): string {
  return detail ? `${reason}: ${detail}` : reason;
}

function deploymentFailure(obj: KubeObject): string | undefined {
  // A condition left over from an earlier rollout says nothing about the spec just applied.
  if (readBool(obj, 'spec.paused') || !generationObserved(obj)) return undefined;
  const progressing = findCondition(readConditions(obj), 'Progressing');
  return progressing?.reason === 'ProgressDeadlineExceeded'
    ? withDetail('ProgressDeadlineExceeded', progressing.message)
    : undefined;
}

function jobFailure(obj: KubeObject): string | undefined {
  const failed = readConditions(obj).find((c) => c.type === 'Failed' && c.status === 'True');
  return failed ? withDetail(failed.reason || 'JobFailed', failed.message) : undefined;
}

function containerFailure(raw: unknown): string | undefined {
  const status = record(raw);
  const state = record(status['state']);
  const waiting = record(state['waiting']);
  const terminated = record(state['terminated']);
  const container = `container "${text(status['name'])}"`;
  if (isFailingWaitReason(text(waiting['reason']))) {
    const message = text(waiting['message']);
    return withDetail(text(waiting['reason']), message ? `${container}: ${message}` : container);
  }
  const exitCode = terminated['exitCode'];
  if (typeof exitCode === 'number' && exitCode !== 0) {
    return withDetail(text(terminated['reason']) || 'Error', `${container} exited with code ${exitCode}`);
  }
  return undefined;
}

function podFailure(obj: KubeObject): string | undefined {
  if (readString(obj, 'status.phase') === 'Failed') {
    return withDetail(readString(obj, 'status.reason') || 'PodFailed', podHealth(obj).message ?? '');
  }
  // Never / OnFailure pods are usually hooks; like Argo CD, do not fail them while they wait.
  if ((readString(obj, 'spec.restartPolicy') ?? 'Always') !== 'Always') return undefined;
  const statuses = [
    ...readList(obj, 'status.initContainerStatuses'),
    ...readList(obj, 'status.containerStatuses'),
  ];
  for (const status of statuses) {
    const failure = containerFailure(status);
    if (failure) return failure;
  }
  return undefined;
}

/**
 * Why the object has definitively failed, so that a health wait should stop now rather than at
 * its timeout; `undefined` while it may still become healthy. The text starts with the
 * Kubernetes reason, then `: ` and details when there are any:
 *
 * - Deployment (generation observed, not paused) whose Progressing condition has reason
 *   `ProgressDeadlineExceeded`.
 * - Job with `Failed=True` (for example `BackoffLimitExceeded`, `DeadlineExceeded`).
 * - Pod in phase Failed; or, with restart policy Always, a container (init containers
 *   included) waiting with a failing reason (CrashLoopBackOff, ImagePullBackOff, ErrImagePull,
 *   CreateContainerConfigError, ...) or just exited non-zero (`Error`, `OOMKilled`). Unlike
 *   Argo CD's health, an init container crash-looping counts: the Pod can never start.
 *
 * Objects pending deletion, Suspended objects and every other kind never count. Neither does a
 * malformed object: `assessHealth` already reports it as Unknown.
 */
export function rolloutFailure(obj: KubeObject): string | undefined {
  if (obj.metadata.deletionTimestamp) return undefined;
  try {
    return kindFailure(obj);
  } catch (err) {
    // A field of the wrong type is not a rollout failure; assessHealth reports it as Unknown.
    if (err instanceof TypeError) return undefined;
    throw err;
  }
}

function kindFailure(obj: KubeObject): string | undefined {
  switch (groupKindKey(obj)) {
    case 'apps/Deployment':
      return deploymentFailure(obj);
    case 'batch/Job':
      return jobFailure(obj);
    case 'Pod':
      return podFailure(obj);
    default:
      return undefined;
  }
}
