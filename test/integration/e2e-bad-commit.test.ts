/**
 * End to end on the real stack: commits that must never reach the cluster. A manifest the API
 * server rejects, a file that is not YAML and an empty render (with prune on) each leave every
 * managed object untouched (same resourceVersion), show a SyncError that names the file, object or
 * field, keep the observed health, are not retried, and a fixed commit after them deploys normally.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { refreshSignal } from '../../contract/messages.js';
import type { AppStatus } from '../../contract/messages.js';
import { applicationWorkflowId } from '../../contract/ids.js';
import { guestbookDeployment, SERVICE_PORT_OUT_OF_RANGE, settledAt, startE2e } from '../support/e2e.js';
import type { E2eApp, E2eEnv } from '../support/e2e.js';
import { kubectlJson, projectRoot } from '../support/stack.js';
import { waitQuiescent } from '../support/workflow-history.js';

const MANAGED = ['deployment/guestbook-ui', 'service/guestbook-ui', 'configmap/guestbook-settings'];

describe('a bad commit end to end', () => {
  let env: E2eEnv;
  let app: E2eApp;
  let good: string;
  let versions: Record<string, string>;

  async function resourceVersions(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const ref of MANAGED) {
      const obj = await kubectlJson<{ metadata: { resourceVersion: string } }>([
        'get',
        ref,
        '-n',
        app.namespace,
      ]);
      out[ref] = obj.metadata.resourceVersion;
    }
    return out;
  }

  async function push(message: string, files: Record<string, string | null>): Promise<string> {
    const sha = await app.repo.commit(message, files);
    await env.client.workflow
      .getHandle(applicationWorkflowId(app.name))
      .signal(refreshSignal, { reason: 'test push' });
    return sha;
  }

  /** Waits for the commit's one failed operation, then checks what every bad commit must leave. */
  async function assertRejected(sha: string, cause: RegExp): Promise<AppStatus> {
    const s = await app.waitStatus(
      `${sha.slice(0, 7)} to be rejected`,
      (x) => x.operation === undefined && x.history.some((h) => h.revision === sha),
    );
    const entries = s.history.filter((h) => h.revision === sha);
    assert.deepEqual(
      entries.map((h) => h.outcome),
      ['Failed'],
      `one Failed entry, no rollback: ${JSON.stringify(entries)}`,
    );
    const error = s.conditions.find((c) => c.type === 'SyncError');
    assert.ok(error, `a SyncError condition: ${JSON.stringify(s.conditions)}`);
    assert.match(error.message, cause);
    assert.equal(error.revision, sha);
    assert.equal(s.health, 'Healthy', 'the live objects were not touched: health stays as observed');
    assert.equal(s.deployedRevision, good);
    assert.equal(s.sync, 'OutOfSync', 'Git says something the cluster does not run');
    assert.ok(s.badRevisions.includes(sha), 'the commit is marked bad');
    assert.deepEqual(await resourceVersions(), versions, 'no managed object was written');

    // Another refresh of the same head does not try it again.
    await env.client.workflow
      .getHandle(applicationWorkflowId(app.name))
      .signal(refreshSignal, { reason: 'test refresh' });
    await waitQuiescent(env.client, applicationWorkflowId(app.name));
    const again = await app.status();
    assert.equal(again.history.filter((h) => h.revision === sha).length, 1, 'not retried');
    return s;
  }

  before(async () => {
    env = await startE2e('badcommit');
    app = await env.createApp('gb-bad');
    good = await app.repo.head();
    await app.waitStatus(`initial sync of ${good}`, settledAt(good));
    versions = await resourceVersions();
  });
  after(async () => {
    await env?.close();
  });

  test('a manifest the API server rejects: the dry-run names the object and field, nothing is written', async () => {
    const sha = await push('service port out of range', {
      'guestbook/service.yaml': SERVICE_PORT_OUT_OF_RANGE,
      'guestbook/deployment.yaml': await guestbookDeployment({ replicas: 3 }),
    });
    await assertRejected(sha, /Service.*guestbook-ui[\s\S]*spec\.ports\[0\]\.port/);
  });

  test('a file that is not YAML: the error names the file and line, nothing is written', async () => {
    const sha = await push('broken indentation', {
      'guestbook/deployment.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: guestbook-ui\n   labels: {}\n',
    });
    await assertRejected(sha, /guestbook\/deployment\.yaml/);
  });

  test('an empty render with prune on is refused: nothing is deleted', async () => {
    const sha = await push('everything moved away', {
      'guestbook/deployment.yaml': null,
      'guestbook/service.yaml': null,
      'guestbook/configmap.yaml': null,
      'guestbook/README.md': 'moved to another repository\n',
    });
    await assertRejected(sha, /rendered no objects[\s\S]*allowEmpty/);
  });

  test('a fixed commit after them deploys normally', async () => {
    const fixed = await push('fixed', {
      'guestbook/README.md': null,
      'guestbook/deployment.yaml': await guestbookDeployment({ replicas: 3 }),
      'guestbook/service.yaml': await example('service.yaml'),
      'guestbook/configmap.yaml': await example('configmap.yaml'),
    });
    const s = await app.waitStatus(`the fixed commit ${fixed.slice(0, 7)} to be Healthy`, settledAt(fixed));
    assert.equal(
      s.conditions.find((c) => c.type === 'SyncError'),
      undefined,
      'the error is cleared',
    );
    assert.equal((await app.deployment()).spec.replicas, 3);
  });
});

const example = (file: string): Promise<string> =>
  readFile(join(projectRoot, 'config/examples/guestbook', file), 'utf8');
