/**
 * The trust boundary through Temporal, on the real stack: specs are sent straight to Temporal (as
 * anyone able to start a workflow could), and the worker's agent enforces the policy file it was
 * started with. A forged spec cannot widen what the agent applies, an app of apps cannot create
 * apps in a project it may not, nor overwrite an app it did not create. Nothing is written to the
 * cluster and no app is registered or changed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import { applySpec } from '../../client/apply-spec.js';
import { applicationsOnQueue } from '../../client/list-applications.js';
import { parseApplications } from '../../config/parse-application.js';
import type { AppSpec } from '../../config/types.js';
import { statusQuery } from '../../contract/messages.js';
import { applicationWorkflowId } from '../../contract/ids.js';
import type { AppStatus } from '../../contract/messages.js';
import { startE2e } from '../support/e2e.js';
import type { E2eEnv } from '../support/e2e.js';
import { createTestGitRepo } from '../support/git-repo.js';
import type { TestGitRepo } from '../support/git-repo.js';
import { kubectl, kubectlJson, projectRoot, uniqueSuffix } from '../support/stack.js';
import { waitFor } from '../support/wait.js';

const suffix = uniqueSuffix();
const victimNs = `e2e-victim-${suffix}`;

/** Two tenants: each binds its apps by name and deploys only into its own namespaces. */
function policyText(): string {
  return [
    'apiVersion: mooring.dev/v1',
    'kind: AgentPolicy',
    'spec: {git: {allowedSchemes: [https, ssh, file]}}',
    '---',
    'apiVersion: mooring.dev/v1',
    'kind: Project',
    'metadata: {name: tenant-a}',
    'spec:',
    '  applications: ["tenant-a-*"]',
    '  sourceRepos: ["*"]',
    '  destinations: [{cluster: "*", namespace: "e2e-tenant-a-*"}]',
    '---',
    'apiVersion: mooring.dev/v1',
    'kind: Project',
    'metadata: {name: tenant-b}',
    'spec:',
    '  applications: ["tenant-b-*"]',
    '  sourceRepos: ["*"]',
    '  destinations: [{cluster: "*", namespace: "e2e-victim-*"}]',
    '',
  ].join('\n');
}

function nativeApp(name: string, repoURL: string, path: string, cluster: string, namespace: string): string {
  return [
    'apiVersion: mooring.dev/v1',
    'kind: Application',
    `metadata: {name: ${name}}`,
    'spec:',
    `  source: {repoURL: ${repoURL}, targetRevision: main, path: ${path}}`,
    `  destination: {cluster: ${cluster}, namespace: ${namespace}}`,
    '  syncPolicy: {automated: {prune: true, selfHeal: false}, syncOptions: [CreateNamespace=true]}',
    '',
  ].join('\n');
}

describe('the agent policy holds against specs sent straight to Temporal', () => {
  let env: E2eEnv;
  let repo: TestGitRepo;
  let policyDir: string;
  const names: string[] = [];

  before(async () => {
    policyDir = mkdtempSync(join(tmpdir(), 'mooring-policy-'));
    writeFileSync(join(policyDir, 'policy.yaml'), policyText());
    env = await startE2e('pol', { policyFile: join(policyDir, 'policy.yaml') });
    repo = await createTestGitRepo(`${projectRoot}/config/examples/guestbook`, 'guestbook');
    await kubectl(['create', 'namespace', victimNs]);
    await kubectl(['create', 'configmap', 'precious', '-n', victimNs, '--from-literal=k=v']);
  });
  after(async () => {
    for (const name of names)
      await env.client.workflow
        .getHandle(applicationWorkflowId(name))
        .terminate('test cleanup')
        .catch((err: unknown) => {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
        });
    await kubectl(['delete', 'namespace', victimNs, '--wait=false', '--ignore-not-found']);
    for (const name of names)
      await kubectl(['delete', 'namespace', `e2e-${name}`, '--wait=false', '--ignore-not-found']);
    await repo?.remove();
    await env?.close();
    rmSync(policyDir, { recursive: true, force: true });
  });

  async function victimVersions(): Promise<string> {
    const list = await kubectlJson<{ items: { metadata: { name: string; resourceVersion: string } }[] }>([
      'get',
      'all,configmaps',
      '-n',
      victimNs,
    ]);
    return JSON.stringify(list.items.map((i) => [i.metadata.name, i.metadata.resourceVersion]).sort());
  }

  function register(yaml: string): Promise<unknown> {
    const [spec] = parseApplications(yaml, 'spec.yaml').apps as [AppSpec];
    names.push(spec.name);
    return applySpec(env.client, spec, env.taskQueue);
  }

  async function failedStatus(name: string): Promise<AppStatus> {
    return await waitFor(
      `${name}: its sync to fail`,
      async () => {
        const s: AppStatus = await env.client.workflow
          .getHandle(applicationWorkflowId(name))
          .query(statusQuery);
        return s.lastOperation?.phase === 'Failed' ? s : undefined;
      },
      { timeoutMs: 90_000, abortIf: () => env.workerFailure() },
    );
  }

  test("a forged spec aiming at another tenant's namespace fails before anything is written", async () => {
    const before = await victimVersions();
    const name = `tenant-a-web-${suffix}`;
    await register(nativeApp(name, repo.url, 'guestbook', env.cluster, victimNs));
    const status = await failedStatus(name);
    const message = status.lastOperation?.message ?? '';
    assert.match(message, new RegExp(`app "${name}" \\(project "tenant-a"\\)`));
    assert.match(
      message,
      new RegExp(
        `namespace "${victimNs}" on cluster "${env.cluster}" is not a destination of the project \\[rule destinations\\]`,
      ),
    );
    assert.match(message, /before anything was written/);
    assert.equal(await victimVersions(), before);
  });

  test('an app of apps cannot create apps in a project it may not, nor overwrite an app it did not create', async () => {
    const parent = `tenant-a-parent-${suffix}`;
    const intruder = `tenant-b-planted-${suffix}`;
    await repo.commit('children', {
      'cross/child.yaml': nativeApp(intruder, repo.url, 'guestbook', env.cluster, victimNs),
    });
    const before = await victimVersions();
    await register(nativeApp(parent, repo.url, 'cross', env.cluster, `e2e-tenant-a-p-${suffix}`));
    const refused = await failedStatus(parent);
    assert.match(
      refused.lastOperation?.message ?? '',
      new RegExp(
        `child app "${intruder}" \\(project "tenant-b"\\): an app of apps in project "tenant-a" may not create apps in project "tenant-b" \\[rule childProjects\\]`,
      ),
    );
    await assert.rejects(
      env.client.workflow.getHandle(applicationWorkflowId(intruder)).describe(),
      WorkflowNotFoundError,
      'the child was not registered',
    );

    // An app an operator applied is never overwritten by an app of apps.
    const existing = `tenant-a-existing-${suffix}`;
    await register(nativeApp(existing, repo.url, 'guestbook', env.cluster, `e2e-tenant-a-e-${suffix}`));
    const existingBefore: AppStatus = await env.client.workflow
      .getHandle(applicationWorkflowId(existing))
      .query(statusQuery);
    const hijacker = `tenant-a-hijack-${suffix}`;
    await repo.commit('overwrite', {
      'hijack/child.yaml': nativeApp(
        existing,
        repo.url,
        'other-path',
        env.cluster,
        `e2e-tenant-a-x-${suffix}`,
      ),
    });
    await register(nativeApp(hijacker, repo.url, 'hijack', env.cluster, `e2e-tenant-a-h-${suffix}`));
    const overwrite = await failedStatus(hijacker);
    assert.match(
      overwrite.lastOperation?.message ?? '',
      new RegExp(
        `app of apps "${hijacker}" may not overwrite app "${existing}": it was applied by an operator; nothing was registered`,
      ),
    );
    const existingAfter: AppStatus = await env.client.workflow
      .getHandle(applicationWorkflowId(existing))
      .query(statusQuery);
    assert.equal(existingAfter.namespace, existingBefore.namespace);
    assert.equal(existingAfter.path, existingBefore.path);

    const registered: string[] = [];
    for await (const wf of env.client.workflow.list({ query: applicationsOnQueue(env.taskQueue) }))
      registered.push(wf.workflowId);
    assert.ok(!registered.includes(applicationWorkflowId(intruder)));
    assert.equal(await victimVersions(), before);
  });
});
