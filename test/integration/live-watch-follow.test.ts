/**
 * Health waits woken by the agent's watch, against the real API server: a wait whose polls are a
 * minute apart still ends within seconds of the Deployment's rollout, because the watch sees each
 * status update; a kind the server does not serve is not covered, so a wait on it keeps polling.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { KubeClient } from '../../activities/cluster/kube-client.js';
import { LiveWatch } from '../../activities/cluster/live-watch.js';
import { waitForSet, type ChangeFeed } from '../../activities/cluster/manager-wait.js';
import type { KubeObject } from '../../contract/kube-object.js';
import { MOORING_APP_LABEL } from '../../core/manifests/annotations.js';
import { createTestNamespace, kubeconfigPath, kubectl, uniqueSuffix } from '../support/stack.js';

describe('health waits followed by the watch', () => {
  let client: KubeClient;
  let watch: LiveWatch;
  let ns: { name: string; cleanup: () => Promise<void> };
  let changes: ChangeFeed;
  const app = `follow-${uniqueSuffix()}`;

  before(async () => {
    ns = await createTestNamespace('live-watch-follow');
    client = await KubeClient.fromKubeconfig({ path: kubeconfigPath() });
    watch = new LiveWatch(client, { ownManagers: ['mooring'] });
    changes = { follow: (objects, onChange) => watch.follow(objects, onChange) };
  });
  after(async () => {
    watch.close();
    client.close();
    await ns.cleanup();
  });

  test('a wait polling once a minute sees the rollout within seconds', async () => {
    const deployment: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: ns.name, labels: { [MOORING_APP_LABEL]: app } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { run: 'web' } },
        template: {
          metadata: { labels: { run: 'web' } },
          spec: { containers: [{ name: 'web', image: 'registry.example/web:1' }] },
        },
      },
    };
    let notices = 0;
    const followed = await watch.follow([deployment], () => (notices += 1));
    assert.equal(followed.covered, true, 'Deployments are watched');
    followed.stop();

    await kubectl(['apply', '-n', ns.name, '-f', '-'], { input: JSON.stringify(deployment) });
    const started = Date.now();
    const waited = await waitForSet(client, [deployment], {
      timeoutMs: 120_000,
      intervalMs: 60_000,
      changes,
    });
    const tookMs = Date.now() - started;
    assert.equal(waited.health, 'Healthy', waited.message);
    assert.ok(tookMs < 30_000, `the wait took ${tookMs} ms, as if it had waited for its next poll`);
    assert.equal(notices, 0, 'a stopped follower is not called');
  });

  test('a kind the server does not serve is not covered', async () => {
    const widget: KubeObject = {
      apiVersion: 'widgets.example.mooring.dev/v1',
      kind: 'Widget',
      metadata: { name: 'w', namespace: ns.name },
    };
    const followed = await watch.follow([widget], () => undefined);
    followed.stop();
    assert.equal(followed.covered, false);
  });
});
