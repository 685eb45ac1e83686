import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RefreshCoalescer } from '../../../core/webhook/coalescer.js';
import { parseListen } from '../../../core/webhook/listen.js';

test('a burst for one app: the first push signals, the rest merge into one signal sent when it settles', () => {
  const c = new RefreshCoalescer();
  assert.equal(c.push('app/a', 'push 1', 0), 'signal');
  for (let i = 2; i <= 1000; i++) assert.equal(c.push('app/a', `push ${i}`, i), 'merged');
  assert.equal(c.settled('app/a', 2000), 'push 1000', 'one pending signal, with the newest reason');
  assert.deepEqual(c.tracked(), ['app/a'], 'tracked until the pending signal settles too');
  assert.equal(c.settled('app/a', 3000), undefined);
  assert.deepEqual(c.tracked(), []);
  assert.equal(c.push('app/a', 'later', 4000), 'signal', 'a settled app is signalled at once again');
});

test('apps coalesce independently', () => {
  const c = new RefreshCoalescer();
  assert.equal(c.push('app/a', 'x', 0), 'signal');
  assert.equal(c.push('app/b', 'x', 0), 'signal');
  assert.equal(c.push('app/a', 'y', 1), 'merged');
  assert.equal(c.settled('app/b', 2), undefined);
  assert.equal(c.hasPending('app/a'), true);
});

test('an app that does not settle gets its pending signal after the timeout', () => {
  const c = new RefreshCoalescer({ settleTimeoutMs: 60_000 });
  c.push('app/a', 'first', 0);
  c.push('app/a', 'second', 10);
  assert.deepEqual(c.expired(59_999), []);
  assert.deepEqual(c.expired(60_000), ['app/a']);
  assert.equal(c.settled('app/a', 60_000), 'second');
  assert.deepEqual(c.expired(60_001), [], 'the timeout restarts with the new signal');
});

test('memory is bounded: beyond maxApps pushes are signalled untracked; a failed signal forgets the app', () => {
  const c = new RefreshCoalescer({ maxApps: 2 });
  c.push('app/a', 'x', 0);
  c.push('app/b', 'x', 0);
  assert.equal(c.push('app/c', 'x', 0), 'untracked');
  assert.deepEqual(c.tracked(), ['app/a', 'app/b']);
  c.forget('app/a');
  assert.equal(c.push('app/c', 'x', 1), 'signal');
});

test('parseListen() takes host:port, [v6]:port, :port and a port; loopback is the default', () => {
  assert.deepEqual(parseListen('127.0.0.1:9480'), { host: '127.0.0.1', port: 9480, loopback: true });
  assert.deepEqual(parseListen('9480'), { host: '127.0.0.1', port: 9480, loopback: true });
  assert.deepEqual(parseListen(':0'), { host: '127.0.0.1', port: 0, loopback: true });
  assert.deepEqual(parseListen('[::1]:9480'), { host: '::1', port: 9480, loopback: true });
  assert.deepEqual(parseListen('0.0.0.0:9480'), { host: '0.0.0.0', port: 9480, loopback: false });
  assert.throws(() => parseListen('0.0.0.0'), /--listen must be host:port.*"0.0.0.0"/);
  assert.throws(() => parseListen('host:70000'), /--listen must be/);
});
