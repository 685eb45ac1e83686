/**
 * What a health wait may take from the objects this process just wrote instead of reading them:
 * only those whose health cannot change, only for a few seconds, and never their data. With them,
 * a wait reads only the rest.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../../contract/kube-object.js';
import type { KubeClient } from '../../../../activities/cluster/kube-client.js';
import { waitForSet } from '../../../../activities/cluster/manager-wait.js';
import { SettledWrites } from '../../../../activities/cluster/settled-writes.js';

const configMap: KubeObject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'settings', namespace: 'shop', uid: 'u1', resourceVersion: '7' },
  data: { password: 'hunter2' },
};
const service = (type: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'shop', uid: 'u2', resourceVersion: '3' },
  spec: { type, ports: [{ port: 80 }] },
});
const deployment: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop', generation: 1, uid: 'u3', resourceVersion: '9' },
  spec: { replicas: 1, selector: { matchLabels: { app: 'web' } } },
  status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 1, readyReplicas: 1 },
};

describe('SettledWrites', () => {
  it('gives a written ConfigMap as observed Healthy, without its data', () => {
    const writes = new SettledWrites();
    writes.note(configMap, 1_000);
    const seen = writes.observed({ ...configMap, data: {} }, 2_000);
    assert.equal(seen?.result.status, 'Healthy');
    assert.deepEqual(seen?.live, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings', namespace: 'shop', uid: 'u1', resourceVersion: '7' },
    });
    assert.doesNotMatch(JSON.stringify(seen), /hunter2/);
  });

  it('keeps nothing whose health may still change: a workload, a LoadBalancer Service', () => {
    const writes = new SettledWrites();
    writes.note(deployment);
    writes.note(service('LoadBalancer'));
    assert.equal(writes.observed(deployment), undefined);
    assert.equal(writes.observed(service('LoadBalancer')), undefined);
    assert.equal(writes.size, 0);
  });

  it('forgets an object when a later write of it may change its health', () => {
    const writes = new SettledWrites();
    writes.note(service('ClusterIP'));
    assert.equal(writes.observed(service('ClusterIP'))?.result.status, 'Healthy');
    writes.note(service('LoadBalancer'));
    assert.equal(writes.observed(service('ClusterIP')), undefined);
  });

  it('forgets a write after its time to live', () => {
    const writes = new SettledWrites({ ttlMs: 15_000 });
    writes.note(configMap, 0);
    assert.ok(writes.observed(configMap, 15_000));
    assert.equal(writes.observed(configMap, 15_001), undefined);
  });

  it('drops the oldest beyond its size', () => {
    const writes = new SettledWrites({ maxEntries: 2 });
    for (const name of ['a', 'b', 'c'])
      writes.note({ ...configMap, metadata: { ...configMap.metadata, name } });
    assert.equal(writes.size, 2);
    assert.equal(
      writes.observed({ ...configMap, metadata: { ...configMap.metadata, name: 'a' } }),
      undefined,
    );
    assert.ok(writes.observed({ ...configMap, metadata: { ...configMap.metadata, name: 'c' } }));
  });
});

describe('waitForSet with recent writes', () => {
  it('reads only what a recent write does not vouch for', async () => {
    const reads: string[] = [];
    const client = {
      get: async (ref: { kind: string; name: string }) => {
        reads.push(`${ref.kind}/${ref.name}`);
        return ref.kind === 'Deployment' ? deployment : configMap;
      },
      list: async () => [],
    } as unknown as KubeClient;
    const writes = new SettledWrites();
    writes.note(configMap);
    const waited = await waitForSet(client, [configMap, deployment], {
      timeoutMs: 5_000,
      observed: (obj) => writes.observed(obj),
    });
    assert.equal(waited.health, 'Healthy');
    assert.deepEqual(reads, ['Deployment/web']);
  });
});
