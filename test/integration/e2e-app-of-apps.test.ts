/**
 * App of apps on the real stack: an app whose manifests hold a native Application and an Argo CD
 * Application registers both as Mooring apps (their own entity workflows) instead of applying
 * them to the cluster, and each child syncs its own path to Healthy.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkflowNotFoundError } from '@temporalio/client';
import { applySpec } from '../../client/apply-spec.js';
import { applicationsOnQueue } from '../../client/list-applications.js';
import { parseApplications } from '../../config/parse-application.js';
import { statusQuery } from '../../contract/messages.js';
import { applicationWorkflowId, clusterTaskQueue, syncWorkflowId } from '../../contract/ids.js';
import type { AppStatus } from '../../contract/messages.js';
import { startE2e } from '../support/e2e.js';
import type { E2eEnv } from '../support/e2e.js';
import { createTestGitRepo } from '../support/git-repo.js';
import type { TestGitRepo } from '../support/git-repo.js';
import { kubectl, kubectlJson, projectRoot } from '../support/stack.js';
import { waitFor } from '../support/wait.js';

describe('app of apps', () => {
  let env: E2eEnv;
  let repo: TestGitRepo;
  const names: string[] = [];
  const namespaces: string[] = [];

  before(async () => {
    env = await startE2e('aoa');
    repo = await createTestGitRepo(`${projectRoot}/config/examples/guestbook`, 'guestbook');
  });
  after(async () => {
    for (const name of names) {
      await env.client.workflow
        .getHandle(applicationWorkflowId(name))
        .terminate('test cleanup')
        .catch((err: unknown) => {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
        });
    }
    for (const ns of namespaces)
      await kubectl(['delete', 'namespace', ns, '--wait=false', '--ignore-not-found']);
    await repo?.remove();
    await env?.close();
  });

  test('child Applications in the rendered manifests become Mooring apps and sync', async () => {
    const native = `native-${env.suffix}`;
    const argo = `argo-${env.suffix}`;
    const parent = `parent-${env.suffix}`;
    names.push(parent, native, argo);
    namespaces.push(`e2e-${native}`, `e2e-${argo}`);
    await repo.commit('apps', {
      'apps/native.yaml': [
        'apiVersion: mooring.dev/v1',
        'kind: Application',
        `metadata: {name: ${native}}`,
        'spec:',
        `  source: {repoURL: ${repo.url}, targetRevision: main, path: guestbook}`,
        `  destination: {cluster: ${env.cluster}, namespace: e2e-${native}}`,
        '  syncPolicy: {automated: {prune: true, selfHeal: false}, syncOptions: [CreateNamespace=true]}',
        '',
      ].join('\n'),
      'apps/argo.yaml': [
        'apiVersion: argoproj.io/v1alpha1',
        'kind: Application',
        `metadata: {name: ${argo}, namespace: argocd}`,
        'spec:',
        '  project: default',
        `  source: {repoURL: ${repo.url}, targetRevision: main, path: guestbook}`,
        `  destination: {name: ${env.cluster}, namespace: e2e-${argo}}`,
        '  syncPolicy: {automated: {prune: true}, syncOptions: [CreateNamespace=true]}',
        '',
      ].join('\n'),
    });
    const { apps } = parseApplications(
      [
        'apiVersion: mooring.dev/v1',
        'kind: Application',
        `metadata: {name: ${parent}}`,
        'spec:',
        `  source: {repoURL: ${repo.url}, targetRevision: main, path: apps}`,
        `  destination: {cluster: ${env.cluster}, namespace: e2e-${parent}}`,
        '  syncPolicy: {automated: {prune: true, selfHeal: false}}',
        '',
      ].join('\n'),
      'parent.yaml',
    );
    await applySpec(env.client, apps[0]!, env.taskQueue);

    for (const child of [native, argo]) {
      const status = await waitFor(
        `child app ${child} to be Synced and Healthy`,
        async () => {
          const s: AppStatus = await env.client.workflow
            .getHandle(applicationWorkflowId(child))
            .query(statusQuery);
          return s.sync === 'Synced' && s.health === 'Healthy' ? s : undefined;
        },
        { timeoutMs: 90_000 },
      );
      assert.equal(status.cluster, env.cluster);
      const live = await kubectlJson<{ status?: { readyReplicas?: number } }>([
        'get',
        'deployment',
        'guestbook-ui',
        '-n',
        `e2e-${child}`,
      ]);
      assert.equal(live.status?.readyReplicas, 2);
    }
    // Registered: the test's task queue serves exactly the parent and the two children.
    const registered: string[] = [];
    for await (const wf of env.client.workflow.list({ query: applicationsOnQueue(env.taskQueue) }))
      registered.push(wf.workflowId);
    assert.deepEqual(registered.sort(), [parent, native, argo].map(applicationWorkflowId).sort());

    // Not applied: the parent's operation succeeded and manages no object. This API server serves
    // no Application kind (checked first), so any attempt to apply one would have failed the
    // parent's dry-run; and an applied object would be listed among the parent's resources.
    assert.equal(
      (await kubectl(['api-resources', '--api-group=argoproj.io', '-o', 'name'])).trim(),
      '',
      'no argoproj.io kinds on this cluster',
    );
    const parentStatus: AppStatus = await env.client.workflow
      .getHandle(applicationWorkflowId(parent))
      .query(statusQuery);
    assert.equal(parentStatus.history.at(-1)?.outcome, 'Succeeded', parentStatus.history.at(-1)?.message);
    assert.equal(parentStatus.lastOperation?.phase, 'Succeeded');
    assert.deepEqual(
      parentStatus.resources.map((r) => `${r.kind}/${r.name}`),
      [],
      'the parent applied nothing to the cluster',
    );

    // The trust boundary: the agent (cluster queue) only read the children; the control plane
    // (workflow queue) registered them, since an agent's credential may not start workflows.
    const syncId = syncWorkflowId(parent, parentStatus.history.at(-1)?.id ?? 0);
    const scheduled: [string, string][] = [];
    for (const event of (await env.client.workflow.getHandle(syncId).fetchHistory()).events ?? []) {
      const a = event.activityTaskScheduledEventAttributes;
      if (a?.activityType?.name?.match(/Applications$/))
        scheduled.push([a.activityType.name, a.taskQueue?.name ?? '']);
    }
    assert.deepEqual(scheduled, [
      ['childApplications', clusterTaskQueue(env.cluster)],
      ['registerChildApplications', env.taskQueue],
    ]);
  });
});
