/**
 * Waiting for a cluster's agent: a call no worker picked up in time (SCHEDULE_TO_START) is made
 * again while the operator is told which agent is missing, on which queue and since when; every
 * other failure is the caller's. Outside a workflow `workflowNow()` is `Date.now`, mocked here.
 */
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/common';
import type { TimeoutType } from '@temporalio/common';
import { agentMissingMessage, isAgentMissing, untilAgentAnswers } from '../../../workflows/agent-wait.js';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');

function activityFailure(cause: Error): ActivityFailure {
  return new ActivityFailure('Activity task timed out', 'renderManifests', '7', 'TIMEOUT', undefined, cause);
}

const timedOut = (type: TimeoutType) => activityFailure(new TimeoutFailure(undefined, undefined, type));
const notPickedUp = () => timedOut('SCHEDULE_TO_START');

const MISSING_PROD =
  'waiting for the agent of cluster "prod": nothing has polled task queue mooring-cluster-prod since ' +
  '2026-03-01T10:00:00.000Z; start `mooring worker --agent --cluster prod` next to that cluster';

describe('isAgentMissing', () => {
  it('is true only for an activity that no worker started in time', () => {
    assert.equal(isAgentMissing(notPickedUp()), true);
    for (const type of ['START_TO_CLOSE', 'SCHEDULE_TO_CLOSE', 'HEARTBEAT'] as const)
      assert.equal(isAgentMissing(timedOut(type)), false, type);
    assert.equal(
      isAgentMissing(new TimeoutFailure(undefined, undefined, 'SCHEDULE_TO_START')),
      false,
      'a timeout that is not an activity failure',
    );
    assert.equal(
      isAgentMissing(activityFailure(ApplicationFailure.nonRetryable('bad chart', 'RenderFailed'))),
      false,
    );
    assert.equal(isAgentMissing(new Error('SCHEDULE_TO_START')), false);
    assert.equal(isAgentMissing(undefined), false);
  });
});

describe('agentMissingMessage', () => {
  it('names the missing agent, its task queue, since when, and how to start it', () => {
    assert.equal(agentMissingMessage('prod', T0), MISSING_PROD);
  });
});

describe('untilAgentAnswers', () => {
  beforeEach(() => mock.timers.enable({ apis: ['Date'], now: T0 }));
  afterEach(() => mock.timers.reset());

  it('calls again while no agent picks the call up, reporting since when it waits, then returns the answer', async () => {
    const waiting: string[] = [];
    let calls = 0;
    const answer = await untilAgentAnswers(
      'prod',
      async () => {
        calls += 1;
        if (calls <= 2) {
          mock.timers.tick(30_000); // each attempt waits out the pickup timeout
          throw notPickedUp();
        }
        return await Promise.resolve({ sha: 'abc1234' });
      },
      (message) => waiting.push(message),
    );
    assert.deepEqual(answer, { sha: 'abc1234' });
    assert.equal(calls, 3);
    assert.deepEqual(waiting, [MISSING_PROD, MISSING_PROD], 'since stays when the wait began');
  });

  it('does not report waiting when the agent answers the first call', async () => {
    const waiting: string[] = [];
    assert.equal(
      await untilAgentAnswers(
        'prod',
        () => Promise.resolve('ok'),
        (m) => waiting.push(m),
      ),
      'ok',
    );
    assert.deepEqual(waiting, []);
  });

  it('rethrows any other failure of the call as it is, without calling again', async () => {
    for (const failure of [
      timedOut('START_TO_CLOSE'),
      timedOut('HEARTBEAT'),
      activityFailure(ApplicationFailure.nonRetryable('field is immutable', 'ApplyRejected')),
      new Error('boom'),
    ]) {
      const waiting: string[] = [];
      let calls = 0;
      await assert.rejects(
        untilAgentAnswers(
          'edge-1',
          () => {
            calls += 1;
            return Promise.reject(calls === 1 ? notPickedUp() : failure);
          },
          (m) => waiting.push(m),
        ),
        (err) => err === failure,
      );
      assert.equal(calls, 2, 'one call the agent missed, one that failed');
      assert.equal(waiting.length, 1);
      assert.match(
        waiting[0] ?? '',
        /^waiting for the agent of cluster "edge-1": .* mooring-cluster-edge-1 /,
      );
    }
  });
});
