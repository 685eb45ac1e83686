import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rolloutFailure } from '../../../../core/health/index.js';
import { condition, kube } from './_objects.js';

const deadline = condition(
  'Progressing',
  'False',
  'ProgressDeadlineExceeded',
  'ReplicaSet "web-1" has timed out progressing.',
);
const deployment = (generation: number, extra: Record<string, unknown> = {}) =>
  kube('apps/v1', 'Deployment', {
    metadata: { generation },
    spec: { replicas: 2, ...extra },
    status: { observedGeneration: 2, conditions: [deadline] },
  });
const pod = (restartPolicy: string, status: Record<string, unknown>) =>
  kube('v1', 'Pod', { spec: { restartPolicy }, status });
const container = (state: Record<string, unknown>) => ({ name: 'app', ready: false, state });

describe('rolloutFailure', () => {
  it('reports a Deployment that exceeded its progress deadline', () => {
    assert.equal(
      rolloutFailure(deployment(2)),
      'ProgressDeadlineExceeded: ReplicaSet "web-1" has timed out progressing.',
    );
  });

  it('ignores a deadline condition left from before the latest generation, or on a paused Deployment', () => {
    assert.equal(rolloutFailure(deployment(3)), undefined);
    assert.equal(rolloutFailure(deployment(2, { paused: true })), undefined);
  });

  it('reports a failed Job with its reason, not a running or suspended one', () => {
    const failed = kube('batch/v1', 'Job', {
      status: {
        conditions: [
          condition('Failed', 'True', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'),
        ],
      },
    });
    assert.equal(rolloutFailure(failed), 'BackoffLimitExceeded: Job has reached the specified backoff limit');
    assert.equal(rolloutFailure(kube('batch/v1', 'Job', { status: { active: 1 } })), undefined);
    assert.equal(
      rolloutFailure(kube('batch/v1', 'Job', { status: { conditions: [condition('Suspended', 'True')] } })),
      undefined,
    );
  });

  it('reports pods that cannot start or keep crashing under restart policy Always', () => {
    const crash = pod('Always', {
      phase: 'Running',
      containerStatuses: [container({ waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s' } })],
    });
    assert.equal(rolloutFailure(crash), 'CrashLoopBackOff: container "app": back-off 40s');
    const pull = pod('Always', {
      phase: 'Pending',
      containerStatuses: [container({ waiting: { reason: 'ImagePullBackOff' } })],
    });
    assert.equal(rolloutFailure(pull), 'ImagePullBackOff: container "app"');
    const exited = pod('Always', {
      phase: 'Running',
      containerStatuses: [container({ terminated: { reason: 'Error', exitCode: 1 } })],
    });
    assert.equal(rolloutFailure(exited), 'Error: container "app" exited with code 1');
    const init = pod('Always', {
      phase: 'Pending',
      initContainerStatuses: [container({ waiting: { reason: 'CrashLoopBackOff' } })],
    });
    assert.equal(rolloutFailure(init), 'CrashLoopBackOff: container "app"');
  });

  it('reports a Failed pod under any restart policy', () => {
    const evicted = pod('Never', {
      phase: 'Failed',
      reason: 'Evicted',
      message: 'The node was low on resource: memory.',
    });
    assert.equal(rolloutFailure(evicted), 'Evicted: The node was low on resource: memory.');
  });

  it('does not stop on hook pods still waiting, pods starting up, deletions or other kinds', () => {
    assert.equal(
      rolloutFailure(
        pod('Never', {
          phase: 'Pending',
          containerStatuses: [container({ waiting: { reason: 'ImagePullBackOff' } })],
        }),
      ),
      undefined,
    );
    assert.equal(
      rolloutFailure(
        pod('Always', {
          phase: 'Pending',
          containerStatuses: [container({ waiting: { reason: 'ContainerCreating' } })],
        }),
      ),
      undefined,
    );
    const deleting = deployment(2);
    deleting.metadata.deletionTimestamp = '2024-05-01T10:00:00Z';
    assert.equal(rolloutFailure(deleting), undefined);
    assert.equal(
      rolloutFailure(kube('apps/v1', 'StatefulSet', { status: { conditions: [deadline] } })),
      undefined,
    );
    assert.equal(rolloutFailure(kube('apps/v1', 'Deployment', { spec: { replicas: 'two' } })), undefined);
  });
});
