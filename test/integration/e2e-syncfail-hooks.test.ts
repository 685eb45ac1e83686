/**
 * End to end on the real stack: SyncFail hooks run after any failed sync once the cluster was
 * written — a failing hook in the middle of the apply phases as well as a revision that never
 * becomes healthy — and the failed revision is then rolled back as usual.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { refreshSignal } from '../../contract/messages.js';
import { applicationWorkflowId } from '../../contract/ids.js';
import { FAILING_PRESYNC_HOOK, guestbookDeployment, settledAt, startE2e } from '../support/e2e.js';
import type { E2eApp, E2eEnv } from '../support/e2e.js';
import { kubectlJson, requireStages } from '../support/stack.js';

/** A SyncFail hook that leaves a mark a test can read: a ConfigMap named after the case. */
const syncFailHook = (name: string): string =>
  stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, annotations: { 'argocd.argoproj.io/hook': 'SyncFail' } },
    data: { note: 'the sync failed' },
  });

describe('SyncFail hooks', () => {
  let env: E2eEnv;
  let app: E2eApp;
  let good: string;

  async function pushAndWaitRolledBack(message: string, files: Record<string, string>): Promise<string> {
    const sha = await app.repo.commit(message, files);
    await env.client.workflow
      .getHandle(applicationWorkflowId(app.name))
      .signal(refreshSignal, { sha, reason: 'test push' });
    const s = await app.waitStatus(
      `rollback of ${sha.slice(0, 7)}`,
      (x) => x.operation === undefined && x.history.some((h) => h.revision === sha),
      120_000,
    );
    const entry = s.history.find((h) => h.revision === sha);
    assert.equal(entry?.outcome, 'RolledBack', entry?.message);
    assert.equal(entry?.rolledBackTo, good);
    return entry?.message ?? '';
  }

  async function configMapNames(): Promise<string[]> {
    const list = await kubectlJson<{ items: { metadata: { name: string } }[] }>([
      'get',
      'configmaps',
      '-n',
      app.namespace,
    ]);
    return list.items.map((i) => i.metadata.name);
  }

  before(async () => {
    await requireStages('mooring-pod-fail');
    env = await startE2e('syncfail');
    app = await env.createApp('gb-syncfail', { healthTimeout: '30s' });
    good = await app.repo.head();
    await app.waitStatus(`initial sync of ${good}`, settledAt(good));
  });
  after(async () => {
    await env?.close();
  });

  test('a hook that fails during the apply phases runs the SyncFail hooks, then rolls back', async () => {
    assert.ok(
      !(await configMapNames()).includes('syncfail-hook'),
      'no SyncFail hook ran for the good commit',
    );
    const message = await pushAndWaitRolledBack('a migration that fails', {
      'guestbook/migrate-hook.yaml': FAILING_PRESYNC_HOOK,
      'guestbook/syncfail-hook.yaml': syncFailHook('syncfail-hook'),
    });
    assert.match(message, /HookFailed[\s\S]*SyncFail hooks ran/);
    assert.ok((await configMapNames()).includes('syncfail-hook'), 'the SyncFail hook was created');
  });

  test('a revision that never becomes healthy runs the SyncFail hooks, then rolls back', async () => {
    await pushAndWaitRolledBack('crash-looping pods', {
      'guestbook/migrate-hook.yaml': '',
      'guestbook/syncfail-hook.yaml': syncFailHook('syncfail-health'),
      'guestbook/deployment.yaml': await guestbookDeployment({
        image: 'gcr.io/heptio-images/ks-guestbook-demo:0.4',
        simulate: 'crashloop',
        progressDeadlineSeconds: 5,
      }),
    });
    assert.ok((await configMapNames()).includes('syncfail-health'), 'the SyncFail hook was created');
  });
});
