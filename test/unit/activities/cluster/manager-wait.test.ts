/**
 * A health wait that the agent's watch follows: a change notice ends its sleep at once, so a
 * rollout that finishes between two polls is seen then, not at the next poll; a notice that comes
 * while the wait is reading is not lost; the deadline and cancellation still hold while it sleeps.
 * A follow slow to start (a kind's first listing) does not hold the polls; one that fails is
 * not needed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../../contract/kube-object.js';
import type { KubeClient } from '../../../../activities/cluster/kube-client.js';
import { waitForSet, type ChangeFeed } from '../../../../activities/cluster/manager-wait.js';

const desired: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop', generation: 1 },
  spec: { replicas: 1, selector: { matchLabels: { app: 'web' } } },
};
const rolledOut = (ready: boolean): KubeObject => ({
  ...desired,
  status: ready
    ? { observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 1, readyReplicas: 1 }
    : { observedGeneration: 1, replicas: 1, updatedReplicas: 1, unavailableReplicas: 1 },
});

/** A cluster whose Deployment becomes ready when `rollOut` is called; counts the wait's reads. */
function cluster(): {
  client: KubeClient;
  rollOut: () => void;
  reads: () => number;
  firstRead: Promise<void>;
} {
  let ready = false;
  let reads = 0;
  let read: () => void = () => undefined;
  const firstRead = new Promise<void>((resolve) => (read = resolve));
  const client = {
    get: async () => {
      reads += 1;
      read();
      return rolledOut(ready);
    },
    list: async () => [],
  } as unknown as KubeClient;
  return { client, rollOut: () => (ready = true), reads: () => reads, firstRead };
}

/** A feed that hands the wait's callback to the test. */
function feed(covered: boolean): { changes: ChangeFeed; notify: () => void; stopped: () => boolean } {
  let onChange: (() => void) | undefined;
  let stopped = false;
  return {
    changes: {
      follow: async (_objects, callback) => {
        onChange = callback;
        return { covered, stop: () => (stopped = true) };
      },
    },
    notify: () => onChange?.(),
    stopped: () => stopped,
  };
}

describe('waitForSet followed by the watch', () => {
  it('polls again as soon as the watch tells of a change', async () => {
    const { client, rollOut, reads, firstRead } = cluster();
    const { changes, notify, stopped } = feed(true);
    const started = Date.now();
    const waiting = waitForSet(client, [desired], { timeoutMs: 60_000, intervalMs: 30_000, changes });
    await firstRead;
    assert.equal(reads(), 1, 'one read before the change');
    rollOut();
    notify();
    const waited = await waiting;
    assert.equal(waited.health, 'Healthy');
    assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms with polls 30 s apart`);
    assert.equal(reads(), 2);
    assert.ok(stopped(), 'the wait stops following when it ends');
  });

  it('keeps a notice that came while it was reading', async () => {
    const { client, rollOut } = cluster();
    const { changes, notify } = feed(true);
    let first = true;
    const reading = {
      ...client,
      get: async (...args: Parameters<KubeClient['get']>) => {
        const obj = await client.get(...args);
        if (first) {
          first = false;
          rollOut();
          notify(); // after the object was read, before the wait sleeps
        }
        return obj;
      },
      list: client.list,
    } as unknown as KubeClient;
    const started = Date.now();
    const waited = await waitForSet(reading, [desired], { timeoutMs: 60_000, intervalMs: 30_000, changes });
    assert.equal(waited.health, 'Healthy');
    assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`);
  });

  it('wakes once per notice, not for good', async () => {
    const { client, reads, firstRead } = cluster();
    const { changes, notify } = feed(true);
    const waiting = waitForSet(client, [desired], { timeoutMs: 500, intervalMs: 30_000, changes });
    await firstRead;
    notify();
    const waited = await waiting;
    assert.equal(waited.timedOut, true);
    // The first read, the one the notice asked for, the one at the deadline (one more if a timer
    // fired a millisecond before it); a wait left awake would have read thousands of times.
    assert.ok(reads() >= 3 && reads() <= 4, `${reads()} reads`);
  });

  it('ends at its deadline when nothing changes', async () => {
    const { client } = cluster();
    const { changes } = feed(true);
    const waited = await waitForSet(client, [desired], { timeoutMs: 300, changes });
    assert.equal(waited.timedOut, true);
    assert.equal(waited.health, 'Progressing');
  });

  it('is cancelled while it sleeps', async () => {
    const { client, firstRead } = cluster();
    const { changes } = feed(true);
    const abort = new AbortController();
    const waiting = waitForSet(client, [desired], {
      timeoutMs: 60_000,
      intervalMs: 30_000,
      changes,
      signal: abort.signal,
    });
    await firstRead;
    abort.abort(new Error('cancelled by the test'));
    await assert.rejects(waiting, /cancelled by the test/);
  });

  it(
    'does not hold its polls for a follow that is slow to start, and takes it up when it starts',
    { timeout: 20_000 },
    async () => {
      const { client, rollOut, reads, firstRead } = cluster();
      let start: () => void = () => undefined;
      let onChange: (() => void) | undefined;
      let stopped = false;
      const changes: ChangeFeed = {
        follow: (_objects, callback) =>
          new Promise((resolve) => {
            start = () => {
              onChange = callback;
              resolve({ covered: true, stop: () => (stopped = true) });
            };
          }),
      };
      const started = Date.now();
      const waiting = waitForSet(client, [desired], { timeoutMs: 60_000, intervalMs: 30_000, changes });
      await firstRead; // read although the kind's first listing has not ended
      rollOut(); // changed before anyone was following: told to nobody
      start();
      const waited = await waiting;
      assert.equal(waited.health, 'Healthy', 'the late follow woke the wait');
      assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms with polls 30 s apart`);
      assert.equal(reads(), 2);
      assert.ok(onChange, 'the wait followed');
      assert.ok(stopped, 'and stopped following when it ended');
    },
  );

  it('polls at its own pace when the follow fails', async () => {
    const { client, rollOut, firstRead } = cluster();
    const changes: ChangeFeed = { follow: async () => Promise.reject(new Error('watch refused')) };
    const waiting = waitForSet(client, [desired], { timeoutMs: 10_000, intervalMs: 20, changes });
    await firstRead;
    rollOut();
    assert.equal((await waiting).health, 'Healthy');
  });

  it(
    'is cancelled while its follow is starting, and stops that follow when it starts',
    { timeout: 20_000 },
    async () => {
      const { client } = cluster();
      let start: () => void = () => undefined;
      let stopped = false;
      const changes: ChangeFeed = {
        follow: () =>
          new Promise((resolve) => {
            start = () => resolve({ covered: true, stop: () => (stopped = true) });
          }),
      };
      const abort = new AbortController();
      const waiting = waitForSet(client, [desired], { timeoutMs: 60_000, changes, signal: abort.signal });
      abort.abort(new Error('cancelled by the test'));
      await assert.rejects(waiting, /cancelled by the test/);
      start();
      await new Promise((resolve) => setImmediate(resolve));
      assert.ok(stopped, 'a follow that started after the cancel is stopped');
    },
  );
});
