/**
 * Liveness heartbeats: every activity the worker registers heartbeats on its own while it runs, so
 * a worker killed mid-call is noticed within the heartbeat timeout. Run in Temporal's mock activity
 * context, with mocked interval timers: each tick is one heartbeat period.
 */
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { Context } from '@temporalio/activity';
import { heartbeatWithProgress } from '../../../activities/heartbeat.js';
import { withLivenessHeartbeats } from '../../../workers/liveness.js';

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (err: unknown) => void;
}

function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * An activity that runs until the test lets it finish: `started` resolves once it is running
 * (inside the wrapper, so the wrapper's timer is set), `finish` ends it with a result or an error.
 */
function slowActivity() {
  const started = deferred();
  const finish = deferred<string>();
  const calls: string[][] = [];
  const activities = {
    async render(app: string, revision: string): Promise<string> {
      calls.push([app, revision]);
      started.resolve();
      return await finish.promise;
    },
  };
  return { activities, started, finish, calls };
}

/** A mock activity context that counts the heartbeats it receives. */
function environment(heartbeatTimeoutMs: number | undefined) {
  // The SDK logs a failed activity as a warning; the failure is the point of one test.
  const env = new MockActivityEnvironment({ heartbeatTimeoutMs }, { logger: new DefaultLogger('ERROR') });
  const heartbeats: unknown[] = [];
  env.on('heartbeat', (details: unknown) => heartbeats.push(details));
  return { env, heartbeats };
}

describe('withLivenessHeartbeats', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setInterval'] }));
  afterEach(() => mock.timers.reset());

  it('heartbeats every period while a slow activity runs, and stops when it returns its result', async () => {
    const slow = slowActivity();
    const wrapped = withLivenessHeartbeats(slow.activities, 2_000);
    const { env, heartbeats } = environment(8_000);

    const running = env.run(wrapped.render, 'shop', 'abc1234');
    await slow.started.promise;
    assert.deepEqual(slow.calls, [['shop', 'abc1234']], 'the activity gets its arguments');
    assert.equal(heartbeats.length, 0, 'no heartbeat before the first period');
    mock.timers.tick(1_999);
    assert.equal(heartbeats.length, 0);
    mock.timers.tick(1);
    assert.equal(heartbeats.length, 1);
    mock.timers.tick(4_000);
    assert.equal(heartbeats.length, 3);
    assert.deepEqual(
      heartbeats,
      [undefined, undefined, undefined],
      'no details before the activity reports any',
    );

    slow.finish.resolve('rendered 12 objects');
    assert.equal(await running, 'rendered 12 objects');
    mock.timers.tick(10_000);
    assert.equal(heartbeats.length, 3, 'no heartbeat after the activity ended');
  });

  it('passes an error through unchanged and stops heartbeating', async () => {
    const slow = slowActivity();
    const wrapped = withLivenessHeartbeats(slow.activities, 2_000);
    const { env, heartbeats } = environment(8_000);

    const running = env.run(wrapped.render, 'shop', 'abc1234');
    await slow.started.promise;
    mock.timers.tick(2_000);
    assert.equal(heartbeats.length, 1);

    const failure = new Error('helm template failed');
    slow.finish.reject(failure);
    await assert.rejects(running, (err) => err === failure);
    mock.timers.tick(10_000);
    assert.equal(heartbeats.length, 1, 'no heartbeat after the activity failed');
  });

  it('does not heartbeat for a caller that set no heartbeat timeout', async () => {
    const slow = slowActivity();
    const wrapped = withLivenessHeartbeats(slow.activities, 2_000);
    const { env, heartbeats } = environment(undefined);

    const running = env.run(wrapped.render, 'shop', 'abc1234');
    await slow.started.promise;
    mock.timers.tick(10_000);
    assert.equal(heartbeats.length, 0);
    slow.finish.resolve('done');
    assert.equal(await running, 'done');
  });

  it('heartbeats every 2 s by default and keeps every activity of the object', async () => {
    const slow = slowActivity();
    const wrapped = withLivenessHeartbeats({
      ...slow.activities,
      async ping(): Promise<string> {
        return await Promise.resolve('pong');
      },
    });
    assert.deepEqual(Object.keys(wrapped).sort(), ['ping', 'render']);
    const { env, heartbeats } = environment(8_000);
    assert.equal(await env.run(wrapped.ping), 'pong');

    const running = env.run(wrapped.render, 'shop', 'abc1234');
    await slow.started.promise;
    mock.timers.tick(1_999);
    assert.equal(heartbeats.length, 0);
    mock.timers.tick(1);
    assert.equal(heartbeats.length, 1);
    slow.finish.resolve('done');
    assert.equal(await running, 'done');
  });

  it('repeats the progress the activity reported last, so its caller always sees it', async () => {
    const reported = deferred();
    const finish = deferred<string>();
    const wrapped = withLivenessHeartbeats({
      async watch(): Promise<string> {
        heartbeatWithProgress(Context.current(), { phase: 'watching', kinds: 3 });
        reported.resolve();
        return await finish.promise;
      },
    });
    const { env, heartbeats } = environment(8_000);
    const running = env.run(wrapped.watch);
    await reported.promise;
    mock.timers.tick(4_000);
    assert.deepEqual(heartbeats, [
      { phase: 'watching', kinds: 3 },
      { phase: 'watching', kinds: 3 },
    ]);
    finish.resolve('done');
    assert.equal(await running, 'done');
  });

  it('holds progress reported in the first period for the liveness heartbeat; later progress goes at once', async () => {
    mock.timers.reset();
    mock.timers.enable({ apis: ['setInterval', 'Date'], now: 1_000_000 });
    const report = deferred<(details: unknown) => void>();
    const finish = deferred<string>();
    const wrapped = withLivenessHeartbeats(
      {
        async wait(): Promise<string> {
          const ctx = Context.current();
          report.resolve((details) => heartbeatWithProgress(ctx, details));
          return await finish.promise;
        },
      },
      2_000,
    );
    const { env, heartbeats } = environment(8_000);
    const running = env.run(wrapped.wait);
    const progress = await report.promise;
    progress({ health: 'Progressing', notHealthy: 2 });
    mock.timers.tick(1_000);
    progress({ health: 'Progressing', notHealthy: 1 });
    assert.deepEqual(heartbeats, [], 'nothing sent in the first period');
    mock.timers.tick(1_000);
    assert.deepEqual(
      heartbeats,
      [{ health: 'Progressing', notHealthy: 1 }],
      'the latest, with the liveness beat',
    );
    progress({ health: 'Healthy', notHealthy: 0 });
    assert.deepEqual(heartbeats.at(-1), { health: 'Healthy', notHealthy: 0 });
    assert.equal(heartbeats.length, 2);
    finish.resolve('done');
    assert.equal(await running, 'done');
  });
});
