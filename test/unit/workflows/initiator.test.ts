/** Who started an operation: the identity a message claims, as the workflow records it. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApplicationEntity, initialState } from '../../../workflows/application-state.js';
import { identityOf, MAX_IDENTITY_LENGTH } from '../../../workflows/initiator.js';
import { appSpec } from './_spec.js';

const C1 = 'a'.repeat(40);
const C2 = 'b'.repeat(40);

describe('identityOf', () => {
  it('keeps a plain identity and drops what is not text', () => {
    assert.equal(identityOf('user:alice@example.com'), 'user:alice@example.com');
    assert.equal(identityOf(42), undefined);
    assert.equal(identityOf('   '), undefined);
  });

  it('strips control characters (a forged second line in a log or table) and bounds the length', () => {
    assert.equal(identityOf('user:mallory\n[ok] admin\u001b[31m'), 'user:mallory[ok] admin[31m');
    const long = identityOf(`user:${'x'.repeat(500)}`);
    assert.equal(long?.length, MAX_IDENTITY_LENGTH);
    assert.ok(long?.endsWith('…'));
  });
});

describe('ApplicationEntity: initiators', () => {
  it('the first sync is recorded as started by whoever created the app', () => {
    const app = new ApplicationEntity(appSpec(), initialState('user:alice'));
    const refresh = app.state.pending.refresh;
    const op = app.onHeadResolved(C1, refresh?.reason ?? '', refresh?.initiator);
    assert.equal(op?.initiator, 'user:alice');
  });

  it('refreshes merged before the loop looks keep the newest identity, or the earlier one when it gives none', () => {
    const app = new ApplicationEntity(appSpec(), initialState());
    app.requestRefresh('webhook push', undefined, 'webhook:github:bob');
    app.requestRefresh('new commit', C2);
    assert.deepEqual(app.state.pending.refresh, {
      reason: 'new commit',
      sha: C2,
      initiator: 'webhook:github:bob',
    });
    app.requestRefresh('new commit', C2, 'schedule:git-poll');
    assert.equal(app.state.pending.refresh?.initiator, 'schedule:git-poll');
  });

  it('a self-heal names the drift detector, and history keeps the initiator of each operation', () => {
    const app = new ApplicationEntity(appSpec(), initialState('user:alice'));
    const first = app.onHeadResolved(C1, 'first start', 'user:alice');
    assert.ok(first);
    const op = {
      id: 1,
      workflowId: 'app/x/op-1',
      revision: C1,
      phase: 'Running' as const,
      initiatedBy: first.initiatedBy,
      step: 'x',
    };
    app.record(
      op,
      first,
      {
        outcome: 'Succeeded',
        phase: 'Succeeded',
        revision: C1,
        runningRevision: C1,
        message: 'ok',
        badRevision: false,
        health: 'Healthy',
        resources: [],
        manifestKey: 'k',
        finishedAt: 't',
      },
      10,
    );
    const heal = app.onDrift({ drifted: true, changedObjects: 1, initiator: 'mooring:drift-watch' });
    assert.equal(heal?.initiatedBy, 'self-heal');
    assert.equal(heal?.initiator, 'mooring:drift-watch');
    assert.equal(app.status().history[0]?.initiator, 'user:alice');
  });

  it('a rollback queued by an operator carries the operator', () => {
    const app = new ApplicationEntity(appSpec(), initialState());
    app.queueRollback(C1, 'user:carol');
    assert.deepEqual(app.state.pending.manual[0], {
      kind: 'rollback',
      revision: C1,
      id: 1,
      initiator: 'user:carol',
    });
  });
});
