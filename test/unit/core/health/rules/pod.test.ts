import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HealthReason } from '../../../../../core/health/index.js';
import { IGNORE_RESTART_POLICY_ANNOTATION, podHealth } from '../../../../../core/health/rules/pod.js';
import { condition, kube } from '../_objects.js';

function pod(
  restartPolicy: string | undefined,
  status: Record<string, unknown>,
  annotations?: Record<string, string>,
) {
  return kube('v1', 'Pod', {
    metadata: annotations ? { annotations } : {},
    spec: restartPolicy ? { restartPolicy } : {},
    status,
  });
}

const waiting = (reason: string, message = '') => ({ name: 'app', state: { waiting: { reason, message } } });
const ready = [condition('Ready', 'True')];

describe('podHealth', () => {
  it('is Degraded for failing waiting reasons with restart policy Always', () => {
    for (const reason of [
      'CrashLoopBackOff',
      'ImagePullBackOff',
      'ErrImagePull',
      'CreateContainerConfigError',
    ]) {
      const result = podHealth(
        pod('Always', { phase: 'Pending', containerStatuses: [waiting(reason, 'boom')] }),
      );
      assert.equal(result.status, 'Degraded', reason);
      assert.equal(result.reason, HealthReason.ContainerWaiting);
      assert.equal(result.message, `Container "app" is waiting (${reason}): boom`);
    }
  });

  it('does not fail a Never or OnFailure pod (a hook) for waiting reasons', () => {
    for (const policy of ['Never', 'OnFailure']) {
      const result = podHealth(
        pod(policy, { phase: 'Pending', containerStatuses: [waiting('ImagePullBackOff')] }),
      );
      assert.equal(result.status, 'Progressing', policy);
    }
  });

  it('treats ContainerCreating as progress, not failure', () => {
    assert.equal(
      podHealth(pod('Always', { phase: 'Pending', containerStatuses: [waiting('ContainerCreating')] }))
        .status,
      'Progressing',
    );
  });

  it('assumes restart policy Always when the spec omits it', () => {
    assert.equal(podHealth(pod(undefined, { phase: 'Running', conditions: ready })).status, 'Healthy');
  });

  it('is Healthy when running and ready, Degraded when not ready after a restart, else Progressing', () => {
    assert.equal(podHealth(pod('Always', { phase: 'Running', conditions: ready })).status, 'Healthy');
    const restarted = { name: 'app', lastState: { terminated: { exitCode: 1 } }, state: { running: {} } };
    const result = podHealth(pod('Always', { phase: 'Running', containerStatuses: [restarted] }));
    assert.deepEqual([result.status, result.reason], ['Degraded', HealthReason.ContainerRestarted]);
    assert.equal(podHealth(pod('Always', { phase: 'Running' })).reason, HealthReason.PodNotReady);
  });

  it('keeps a ready Never / OnFailure pod Progressing unless the ignore-restart-policy annotation is set', () => {
    assert.equal(
      podHealth(pod('Never', { phase: 'Running', conditions: ready })).reason,
      HealthReason.PodRunningToCompletion,
    );
    const annotated = pod(
      'OnFailure',
      { phase: 'Running', conditions: ready },
      { [IGNORE_RESTART_POLICY_ANNOTATION]: '' },
    );
    assert.equal(podHealth(annotated).status, 'Healthy');
  });

  it('explains a failed pod from status.message, then the first terminated container', () => {
    assert.equal(
      podHealth(pod('Never', { phase: 'Failed', message: 'Evicted: low on memory' })).message,
      'Evicted: low on memory',
    );
    const oom = { name: 'init', state: { terminated: { reason: 'OOMKilled', exitCode: 137 } } };
    assert.equal(
      podHealth(pod('Never', { phase: 'Failed', initContainerStatuses: [oom] })).message,
      'OOMKilled',
    );
    const exited = { name: 'app', state: { terminated: { exitCode: 2 } } };
    assert.equal(
      podHealth(pod('Never', { phase: 'Failed', containerStatuses: [exited] })).message,
      'Container "app" failed with exit code 2',
    );
  });

  it('is Healthy when succeeded and Unknown for an unknown phase', () => {
    assert.equal(podHealth(pod('Never', { phase: 'Succeeded' })).status, 'Healthy');
    const result = podHealth(pod('Always', { phase: 'Unknown' }));
    assert.deepEqual([result.status, result.reason], ['Unknown', HealthReason.UnknownPhase]);
  });
});
