import type { KubeObject } from '../../../contract/kube-object.js';
import { HealthReason } from '../health-reason.js';
import type { HealthResult } from '../health-result.js';
import { findCondition, readConditions, readList, readString, unsupportedVersion } from './_fields.js';

/** Argo CD's opt-in: judge a Never / OnFailure Pod like an Always one once it runs. */
export const IGNORE_RESTART_POLICY_ANNOTATION = 'argocd.argoproj.io/ignore-restart-policy';

interface ContainerStatus {
  name: string;
  waiting?: { reason: string; message: string };
  terminated?: { reason: string; message: string; exitCode: number };
  lastTerminated: boolean;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function containerStatuses(obj: KubeObject, path: string): ContainerStatus[] {
  return readList(obj, path).map((raw) => {
    const item = record(raw) ?? {};
    const state = record(item['state']) ?? {};
    const waiting = record(state['waiting']);
    const terminated = record(state['terminated']);
    return {
      name: str(item['name']),
      ...(waiting ? { waiting: { reason: str(waiting['reason']), message: str(waiting['message']) } } : {}),
      ...(terminated
        ? {
            terminated: {
              reason: str(terminated['reason']),
              message: str(terminated['message']),
              exitCode: typeof terminated['exitCode'] === 'number' ? terminated['exitCode'] : 0,
            },
          }
        : {}),
      lastTerminated: record(record(item['lastState'])?.['terminated']) !== undefined,
    };
  });
}

/** Kubelet waiting reasons that mean the container cannot start: Err*, *Error, *BackOff. */
export function isFailingWaitReason(reason: string): boolean {
  return reason.startsWith('Err') || reason.endsWith('Error') || reason.endsWith('BackOff');
}

function failMessage(ctr: ContainerStatus): string {
  const t = ctr.terminated;
  if (!t) return '';
  if (t.message) return t.message;
  if (t.reason === 'OOMKilled') return t.reason;
  return t.exitCode !== 0 ? `Container "${ctr.name}" failed with exit code ${t.exitCode}` : '';
}

/**
 * Pod health, as Argo CD judges it. With restart policy Always (the API default, assumed when
 * absent), a container waiting with a failing reason (CrashLoopBackOff, ImagePullBackOff,
 * ErrImagePull, CreateContainerConfigError, ...) is Degraded; Never / OnFailure pods skip that
 * check so hook pods are not failed early. Then by phase: Pending is Progressing, Succeeded is
 * Healthy, Failed is Degraded; Running is Healthy when Ready (Always only, or with the
 * {@link IGNORE_RESTART_POLICY_ANNOTATION}), Degraded when not ready after a container
 * terminated, else Progressing; any other phase is Unknown. Accepts `v1` only.
 */
export function podHealth(obj: KubeObject): HealthResult {
  if (obj.apiVersion !== 'v1') return unsupportedVersion(obj, ['v1']);
  const restartPolicy = readString(obj, 'spec.restartPolicy') ?? 'Always';
  const containers = containerStatuses(obj, 'status.containerStatuses');
  const podMessage = readString(obj, 'status.message');
  const withMessage = (result: HealthResult, message = podMessage): HealthResult =>
    message ? { ...result, message } : result;

  if (restartPolicy === 'Always') {
    const failing = containers.filter((ctr) => ctr.waiting && isFailingWaitReason(ctr.waiting.reason));
    if (failing.length > 0) {
      const message = failing
        .map((ctr) => `Container "${ctr.name}" is waiting (${ctr.waiting?.reason}): ${ctr.waiting?.message}`)
        .join(', ');
      return { status: 'Degraded', reason: HealthReason.ContainerWaiting, message };
    }
  }

  const phase = readString(obj, 'status.phase') ?? '';
  switch (phase) {
    case 'Pending':
      return withMessage({ status: 'Progressing', reason: HealthReason.PodPending });
    case 'Succeeded':
      return withMessage({ status: 'Healthy' });
    case 'Failed': {
      const all = [...containerStatuses(obj, 'status.initContainerStatuses'), ...containers];
      const message = podMessage || all.map(failMessage).find((text) => text !== '');
      return withMessage({ status: 'Degraded', reason: HealthReason.PodFailed }, message);
    }
    case 'Running': {
      const judgeReadiness =
        restartPolicy === 'Always' ||
        obj.metadata.annotations?.[IGNORE_RESTART_POLICY_ANNOTATION] !== undefined;
      if (judgeReadiness) {
        if (findCondition(readConditions(obj), 'Ready')?.status === 'True')
          return withMessage({ status: 'Healthy' });
        const restarted = containers.find((ctr) => ctr.lastTerminated);
        if (restarted) {
          return withMessage(
            { status: 'Degraded', reason: HealthReason.ContainerRestarted },
            podMessage || `Container "${restarted.name}" terminated and the Pod is not ready`,
          );
        }
        return withMessage(
          { status: 'Progressing', reason: HealthReason.PodNotReady },
          podMessage || 'Pod is not ready',
        );
      }
      if (restartPolicy === 'Never' || restartPolicy === 'OnFailure') {
        return withMessage(
          { status: 'Progressing', reason: HealthReason.PodRunningToCompletion },
          podMessage || `Pod with restart policy ${restartPolicy} is running to completion`,
        );
      }
      break;
    }
  }
  return withMessage(
    { status: 'Unknown', reason: HealthReason.UnknownPhase },
    podMessage || `Pod phase is "${phase}" with restart policy "${restartPolicy}"`,
  );
}
