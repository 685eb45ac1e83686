/**
 * Which lists find an app's live objects: only the kinds and namespaces it may have objects in,
 * and nothing in a namespace known not to exist yet (a first sync's, before it creates it).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../../contract/kube-object.js';
import type { KubeClient } from '../../../../activities/cluster/kube-client.js';
import { likelyKindsOf, listTracked } from '../../../../activities/cluster/manager-inventory.js';

/** A server serving ConfigMaps and Namespaces, holding none; `lists` collects `Kind namespace`. */
function fakeClient(lists: string[]): KubeClient {
  const resources = [
    { name: 'configmaps', kind: 'ConfigMap', verbs: ['list', 'delete'], namespaced: true },
    { name: 'namespaces', kind: 'Namespace', verbs: ['list', 'delete'], namespaced: false },
  ];
  return {
    request: async (_method: string, path: string) =>
      path === '/apis' ? { groups: [] } : path === '/api/v1' ? { resources } : { resources: [] },
    listMetadata: async () => [],
    list: async (_apiVersion: string, kind: string, options: { namespace?: string }) => {
      lists.push(`${kind} ${options.namespace ?? '*'}`);
      return [];
    },
  } as unknown as KubeClient;
}

const configMap = (name: string, namespace: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace },
});

describe('listTracked', () => {
  it('lists each likely kind in each namespace the app uses', async () => {
    const lists: string[] = [];
    const likelyKinds = likelyKindsOf([configMap('a', 'shop'), configMap('b', 'fresh')]);
    await listTracked(fakeClient(lists), 'web', { likelyKinds });
    assert.deepEqual(lists.sort(), ['ConfigMap fresh', 'ConfigMap shop']);
  });

  it('lists nothing in a namespace known not to exist', async () => {
    const lists: string[] = [];
    const likelyKinds = likelyKindsOf([configMap('a', 'shop'), configMap('b', 'fresh')]);
    await listTracked(fakeClient(lists), 'web', { likelyKinds, absentNamespaces: new Set(['fresh']) });
    assert.deepEqual(lists, ['ConfigMap shop']);
  });
});
