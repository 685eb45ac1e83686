/**
 * The kube client against the fault proxy in front of the shared API server: throttling and server
 * errors are retried in the client (Retry-After honoured, bounded); permanent answers are not, and
 * a POST is not repeated after a 500 (the server may have created the object).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { KubeClient, RETRY } from '../../activities/cluster/kube-client.js';
import { KubeApiError } from '../../activities/cluster/kube-errors.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import type { FaultProxy } from '../support/fault-proxy.js';
import { kubeconfigPath } from '../support/stack.js';

describe('kube client retries through the fault proxy', () => {
  let proxy: FaultProxy;
  let client: KubeClient;
  const namespaces = '/api/v1/namespaces';
  before(async () => {
    proxy = await startFaultProxy(kubeconfigPath());
    client = await KubeClient.fromKubeconfig({ path: proxy.kubeconfig });
  });
  after(async () => {
    client?.close();
    await proxy?.close();
  });

  test('429 with Retry-After: waits as told, then succeeds', async () => {
    proxy.failNext({ status: 429, requests: 2, retryAfterSeconds: 1 });
    const started = Date.now();
    const list = await client.request<{ items: unknown[] }>('GET', namespaces);
    const took = Date.now() - started;
    assert.ok(Array.isArray(list.items));
    assert.ok(took >= 1_900, `two Retry-After: 1 waits took ${took} ms`);
  });

  test('500 a few times: retried with backoff, then succeeds', async () => {
    proxy.failNext({ status: 500, requests: 3 });
    const list = await client.request<{ items: unknown[] }>('GET', namespaces);
    assert.ok(Array.isArray(list.items));
  });

  test('403 is not retried', async () => {
    const before = proxy.seen.length;
    proxy.failNext({ status: 403, requests: 5 });
    await assert.rejects(client.request('GET', namespaces), (err: unknown) => {
      assert.ok(err instanceof KubeApiError);
      assert.equal(err.status, 403);
      return true;
    });
    assert.equal(proxy.seen.length - before, 1);
    proxy.clearFailure();
  });

  test('a POST answered 500 is not repeated', async () => {
    const before = proxy.seen.length;
    proxy.failNext({ status: 500, requests: 1 });
    await assert.rejects(
      client.request('POST', '/api/v1/namespaces', {
        body: { apiVersion: 'v1', kind: 'Namespace', metadata: { generateName: 'retry-' } },
        query: { dryRun: 'All' },
      }),
      (err: unknown) => err instanceof KubeApiError && err.status === 500,
    );
    assert.equal(proxy.seen.length - before, 1);
  });

  test('a server that keeps failing: gives up after the bounded number of tries', async () => {
    const before = proxy.seen.length;
    proxy.failNext({ status: 503, requests: 100, forMs: 120_000 });
    await assert.rejects(client.request('GET', namespaces));
    const tries = proxy.seen.length - before;
    proxy.clearFailure();
    assert.ok(tries <= RETRY.maxAttempts, `${tries} tries`);
    assert.ok(tries > 1, `${tries} tries`);
  });
});
