/**
 * The agent's watch hands a drift nomination to the activity the server is waiting on. When a
 * drift-watch run is terminated and started again (or an attempt is retried on the same agent),
 * the old activity is still waiting in the agent for a few seconds; a hand edit made then must
 * still reach the new one at once, not at the end of its five-minute wait.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { KubeClient } from '../../activities/cluster/kube-client.js';
import { LiveWatch } from '../../activities/cluster/live-watch.js';
import { MOORING_APP_LABEL } from '../../core/manifests/annotations.js';
import { createTestNamespace, kubeconfigPath, kubectl, uniqueSuffix } from '../support/stack.js';

/** Rejects when `promise` has not settled within `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not return within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

describe('drift-watch: an older caller of the agent watch', () => {
  let client: KubeClient;
  let watch: LiveWatch;
  let ns: { name: string; cleanup: () => Promise<void> };
  const app = `callers-${uniqueSuffix()}`;

  before(async () => {
    ns = await createTestNamespace('live-watch-callers');
    client = await KubeClient.fromKubeconfig({ path: kubeconfigPath() });
    watch = new LiveWatch(client, { ownManagers: ['mooring'] });
    await watch.watch([{ apiVersion: 'v1', kind: 'ConfigMap' }]);
    await kubectl(['create', 'configmap', 'settings', '-n', ns.name, '--from-literal=mode=a']);
    await kubectl(['label', 'configmap', 'settings', '-n', ns.name, `${MOORING_APP_LABEL}=${app}`]);
    // Someone else's object claiming the app's label is a nomination of its own: take it first.
    const created = await within(
      watch.next(30_000, new AbortController().signal),
      30_000,
      'the first nomination',
    );
    assert.deepEqual(created, [app]);
  });
  after(async () => {
    watch.close();
    client.close();
    await ns.cleanup();
  });

  test('is released at once, and a hand edit reaches the newer caller', async () => {
    const older = new AbortController();
    const newer = new AbortController();
    const olderCall = watch.next(60_000, older.signal);
    const newerCall = watch.next(60_000, newer.signal);
    assert.deepEqual(await within(olderCall, 2_000, 'the superseded call'), []);
    older.abort(); // the server cancels the old activity a heartbeat later

    await kubectl([
      'patch',
      'configmap',
      'settings',
      '-n',
      ns.name,
      '--type=merge',
      '-p',
      '{"data":{"mode":"b"}}',
    ]);
    assert.deepEqual(await within(newerCall, 10_000, 'the newer call'), [app]);
    newer.abort();
  });
});
