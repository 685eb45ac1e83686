/**
 * The agent's watch against the real API server: a managed Deployment whose health turns Degraded
 * after it was deployed (its rollout stalled: ProgressDeadlineExceeded) nominates its app at once,
 * though only its status changed; a status that says nothing about degradation does not.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { KubeClient } from '../../activities/cluster/kube-client.js';
import { LiveWatch } from '../../activities/cluster/live-watch.js';
import { MOORING_APP_LABEL } from '../../core/manifests/annotations.js';
import { createTestNamespace, kubeconfigPath, kubectl, kubectlJson, uniqueSuffix } from '../support/stack.js';
import { waitFor } from '../support/wait.js';

/** Hands out nominations until none comes for `quietMs`: what the watch had queued. */
async function drain(watch: LiveWatch, signal: AbortSignal, quietMs = 800): Promise<string[]> {
  const all: string[] = [];
  for (;;) {
    const apps = await watch.next(quietMs, signal);
    if (apps.length === 0) return all;
    all.push(...apps);
  }
}

describe('drift-watch: health turning Degraded', () => {
  let client: KubeClient;
  let watch: LiveWatch;
  let ns: { name: string; cleanup: () => Promise<void> };
  const abort = new AbortController();
  const app = `health-${uniqueSuffix()}`;

  before(async () => {
    ns = await createTestNamespace('live-watch-health');
    client = await KubeClient.fromKubeconfig({ path: kubeconfigPath() });
    watch = new LiveWatch(client, { ownManagers: ['mooring'] });
    await watch.watch([{ apiVersion: 'apps/v1', kind: 'Deployment' }]);
  });
  after(async () => {
    abort.abort();
    watch.close();
    client.close();
    await ns.cleanup();
  });

  test('a stalled rollout nominates the app; a routine status update does not', async () => {
    await kubectl(['apply', '-n', ns.name, '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', labels: { [MOORING_APP_LABEL]: app } },
        spec: {
          replicas: 1,
          selector: { matchLabels: { run: 'web' } },
          template: {
            metadata: { labels: { run: 'web' } },
            spec: { containers: [{ name: 'web', image: 'registry.example/web:1' }] },
          },
        },
      }),
    });
    await waitFor('the Deployment to be available', async () => {
      const d = await kubectlJson<{ status?: { availableReplicas?: number } }>([
        'get',
        'deployment',
        'web',
        '-n',
        ns.name,
      ]);
      return d.status?.availableReplicas === 1 || undefined;
    });
    // kubectl created it (not Mooring): that was a nomination; its rollout's status updates were not.
    assert.ok((await drain(watch, abort.signal)).includes(app));

    const generation = (
      await kubectlJson<{ metadata: { generation: number } }>(['get', 'deployment', 'web', '-n', ns.name])
    ).metadata.generation;
    await kubectl([
      'patch',
      'deployment',
      'web',
      '-n',
      ns.name,
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({
        status: {
          observedGeneration: generation,
          conditions: [
            {
              type: 'Progressing',
              status: 'False',
              reason: 'ProgressDeadlineExceeded',
              message: 'ReplicaSet "web-1" has timed out progressing.',
              lastUpdateTime: new Date().toISOString(),
              lastTransitionTime: new Date().toISOString(),
            },
          ],
        },
      }),
    ]);
    const nominated = await watch.next(10_000, abort.signal);
    assert.deepEqual(nominated, [app], 'a Deployment turning Degraded nominates its app');
  });
});
