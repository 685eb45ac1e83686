/**
 * The activity options the workflows schedule with. They are part of every recorded history (the
 * replay tests do not compare them), so a change here changes what running workflows do: these
 * tests pin them.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NON_RETRYABLE_ERRORS } from '../../../contract/errors.js';
import {
  AGENT_PICKUP_TIMEOUT,
  LIVENESS_TIMEOUT,
  cascadeDeleteProfile,
  controlQuickProfile,
  driftCheckProfile,
  fleetListProfile,
  remoteCheckProfile,
  resolverProfile,
  syncProfiles,
} from '../../../workflows/activity-profiles.js';
import { appSpec } from './_spec.js';

const nonRetryableErrorTypes = [...NON_RETRYABLE_ERRORS];

const spec = appSpec;

describe('sync operation profiles', () => {
  it('without a retry policy: quick calls, apply calls and the health wait on the cluster queue', () => {
    assert.deepEqual(syncProfiles(spec()), {
      quick: {
        taskQueue: 'mooring-cluster-prod',
        scheduleToStartTimeout: '30s',
        startToCloseTimeout: '2m',
        heartbeatTimeout: '8s',
        retry: {
          initialInterval: '500ms',
          maximumInterval: '20s',
          maximumAttempts: 8,
          nonRetryableErrorTypes,
        },
      },
      apply: {
        taskQueue: 'mooring-cluster-prod',
        scheduleToStartTimeout: '30s',
        startToCloseTimeout: '10m',
        heartbeatTimeout: '8s',
        retry: {
          initialInterval: '1s',
          backoffCoefficient: 2,
          maximumInterval: '1m',
          maximumAttempts: 5,
          nonRetryableErrorTypes,
        },
      },
      healthWait: {
        taskQueue: 'mooring-cluster-prod',
        scheduleToStartTimeout: '30s',
        startToCloseTimeout: 150_000,
        heartbeatTimeout: '8s',
        cancellationType: 'TRY_CANCEL',
        retry: { initialInterval: '1s', maximumAttempts: 3, nonRetryableErrorTypes },
      },
      healthTimeoutMs: 120_000,
    });
  });

  it('apply calls follow syncPolicy.retry; the health wait follows rollback.healthTimeout plus a margin', () => {
    const profiles = syncProfiles(
      spec((s) => {
        s.syncPolicy.retry = { limit: 2, backoff: { duration: '5s', factor: 3, maxDuration: '2m' } };
        s.rollback.healthTimeout = '45s';
      }),
    );
    assert.deepEqual(profiles.apply.retry, {
      initialInterval: '5s',
      backoffCoefficient: 3,
      maximumInterval: '2m',
      maximumAttempts: 3,
      nonRetryableErrorTypes,
    });
    assert.equal(profiles.healthWait.startToCloseTimeout, 75_000);
    assert.equal(profiles.healthTimeoutMs, 45_000);
  });
});

describe('other profiles', () => {
  it('resolver, fleet and cascade-delete calls', () => {
    assert.deepEqual(resolverProfile('prod'), {
      taskQueue: 'mooring-cluster-prod',
      scheduleToStartTimeout: '30s',
      startToCloseTimeout: '1m',
      heartbeatTimeout: '8s',
      retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 5, nonRetryableErrorTypes },
    });
    assert.deepEqual(fleetListProfile(), { startToCloseTimeout: '1m', retry: { maximumAttempts: 3 } });
    assert.deepEqual(controlQuickProfile(), {
      startToCloseTimeout: '1m',
      heartbeatTimeout: '8s',
      retry: { initialInterval: '500ms', maximumInterval: '20s', maximumAttempts: 8, nonRetryableErrorTypes },
    });
    assert.deepEqual(remoteCheckProfile('eu'), {
      taskQueue: 'mooring-cluster-eu',
      scheduleToStartTimeout: '30s',
      heartbeatTimeout: '8s',
      startToCloseTimeout: '30s',
      retry: { maximumAttempts: 2, nonRetryableErrorTypes },
    });
    assert.deepEqual(driftCheckProfile('eu'), {
      taskQueue: 'mooring-cluster-eu',
      scheduleToStartTimeout: '30s',
      heartbeatTimeout: '8s',
      startToCloseTimeout: '2m',
      retry: { maximumAttempts: 2, nonRetryableErrorTypes },
    });
    assert.deepEqual(cascadeDeleteProfile('eu'), {
      taskQueue: 'mooring-cluster-eu',
      scheduleToStartTimeout: '30s',
      heartbeatTimeout: '8s',
      startToCloseTimeout: '5m',
      retry: { maximumAttempts: 5, nonRetryableErrorTypes },
    });
  });
});

describe('calls on a cluster queue', () => {
  it('give up waiting for an agent after AGENT_PICKUP_TIMEOUT and expect a heartbeat within LIVENESS_TIMEOUT', () => {
    assert.equal(AGENT_PICKUP_TIMEOUT, '30s');
    assert.equal(LIVENESS_TIMEOUT, '8s');
    const sync = syncProfiles(spec());
    const onClusterQueue = {
      quick: sync.quick,
      apply: sync.apply,
      healthWait: sync.healthWait,
      resolver: resolverProfile('prod'),
      remoteCheck: remoteCheckProfile('prod'),
      driftCheck: driftCheckProfile('prod'),
      cascadeDelete: cascadeDeleteProfile('prod'),
    };
    for (const [name, profile] of Object.entries(onClusterQueue)) {
      assert.equal(profile.taskQueue, 'mooring-cluster-prod', name);
      assert.equal(profile.scheduleToStartTimeout, AGENT_PICKUP_TIMEOUT, name);
      assert.equal(profile.heartbeatTimeout, LIVENESS_TIMEOUT, name);
    }
    const fleet = fleetListProfile();
    assert.equal(fleet.taskQueue, undefined, 'the fleet list runs on the control queue');
    assert.equal(fleet.scheduleToStartTimeout, undefined);
    const control = controlQuickProfile();
    assert.equal(control.taskQueue, undefined, 'child app registration runs on the control queue');
    assert.equal(control.scheduleToStartTimeout, undefined);
  });
});
