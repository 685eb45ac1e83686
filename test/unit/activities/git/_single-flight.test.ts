import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SingleFlight } from '../../../../activities/git/_single-flight.js';

/** A promise the test settles by hand. */
function deferred<T>(): { promise: Promise<T>; resolve(value: T): void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

test('SingleFlight.run() shares one run among concurrent callers of a key', async () => {
  const flight = new SingleFlight<string>();
  const gate = deferred<string>();
  let runs = 0;
  const work = async (): Promise<string> => {
    runs += 1;
    return gate.promise;
  };
  const calls = [flight.run('a', work), flight.run('a', work), flight.run('b', work)];
  gate.resolve('done');
  assert.deepEqual(await Promise.all(calls), ['done', 'done', 'done']);
  assert.equal(runs, 2);
  await flight.run('a', work);
  assert.equal(runs, 3, 'a finished run is not reused');
});

test('SingleFlight.run() lets one caller abort while the work goes on for the others', async () => {
  const flight = new SingleFlight<string>();
  const gate = deferred<string>();
  let workSignal: AbortSignal | undefined;
  const work = async (signal: AbortSignal): Promise<string> => {
    workSignal = signal;
    return gate.promise;
  };
  const leaving = new AbortController();
  const first = flight.run('a', work, leaving.signal);
  const second = flight.run('a', work, new AbortController().signal);
  leaving.abort(new Error('caller left'));
  await assert.rejects(first, /caller left/);
  assert.equal(workSignal?.aborted, false);
  gate.resolve('done');
  assert.equal(await second, 'done');
});

test('SingleFlight.run() aborts the work when every caller has aborted, and starts afresh after', async () => {
  const flight = new SingleFlight<string>();
  const signals: AbortSignal[] = [];
  const work = (signal: AbortSignal): Promise<string> => {
    signals.push(signal);
    return new Promise((resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
  };
  const controller = new AbortController();
  const call = flight.run('a', work, controller.signal);
  controller.abort(new Error('gone'));
  await assert.rejects(call, /gone/);
  assert.equal(signals[0]?.aborted, true);
  const again = flight.run('a', async (signal) => {
    signals.push(signal);
    return 'fresh';
  });
  assert.equal(await again, 'fresh');
  assert.equal(signals.length, 2);
});

test('SingleFlight.run() rejects at once with an already aborted signal', async () => {
  const flight = new SingleFlight<string>();
  await assert.rejects(
    flight.run('a', async () => 'x', AbortSignal.abort(new Error('early'))),
    /early/,
  );
});
