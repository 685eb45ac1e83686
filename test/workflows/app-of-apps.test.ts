/**
 * App of apps across the trust boundary, on the local Temporal dev server with stub agent
 * activities and the real control-plane registration: the agent (cluster queue) only returns the
 * child specs, the control plane (workflow queue) validates and registers them. A spec the control
 * plane cannot validate registers nothing, and manifests an agent lost are rendered again.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WorkflowNotFoundError } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { CREATED_BY_MEMO } from '../../client/apply-spec.js';
import type { AppSpec } from '../../config/types.js';
import { ManifestsMissing } from '../../contract/errors.js';
import { applicationWorkflowId, clusterTaskQueue } from '../../contract/ids.js';
import { sha } from './harness/stub-activities.js';
import { startWorkflowEnv } from './harness/workflow-env.js';
import type { WorkflowTestEnv } from './harness/workflow-env.js';

Runtime.install({ logger: new DefaultLogger('WARN') });

describe('app of apps: the agent reads the children, the control plane registers them', () => {
  let env: WorkflowTestEnv;
  before(async () => {
    env = await startWorkflowEnv({ realChildRegistration: true });
  });
  after(async () => {
    await env?.close();
  });

  /** A child spec whose branch points at `commit`; terminated with the environment. */
  function child(prefix: string, commit: string): AppSpec {
    const spec = env.spec(prefix);
    env.script.setHead(spec.source.repoURL, commit);
    env.adopt(spec.name);
    return spec;
  }

  it('registers the children the agent returned, recorded as created by the parent, and each syncs', async () => {
    const c1 = sha('aoa-children');
    const children = [child('aoa-web', sha('aoa-web-1')), child('aoa-api', sha('aoa-api-1'))];
    const parent = env.spec('aoa-parent');
    env.script.children.set(parent.name, children);
    env.script.setHead(parent.source.repoURL, c1);
    await env.apply(parent);
    const s = await env.waitStatus(
      parent.name,
      'the first sync',
      (x) => x.history.length === 1 && !x.operation,
    );
    assert.equal(s.history[0]?.outcome, 'Succeeded', s.history[0]?.message);

    const read = env.script.callsOf('childApplications', parent.name);
    assert.deepEqual(
      read.map((c) => [c.revision, c.taskQueue]),
      [[c1, clusterTaskQueue(env.cluster)]],
      'the agent read the children once, on its cluster queue',
    );
    for (const spec of children) {
      const handle = env.handle(spec.name);
      const description = await handle.describe();
      assert.equal(description.taskQueue, env.taskQueue);
      assert.equal(description.memo?.[CREATED_BY_MEMO], parent.name);
      const synced = await env.waitStatus(spec.name, 'its first sync', (x) => x.history.length === 1);
      assert.equal(synced.history[0]?.outcome, 'Succeeded', synced.history[0]?.message);
    }
  });

  it('renders again when the agent lost the manifests, then registers the children', async () => {
    const c1 = sha('aoa-rerender');
    const children = [child('aoa-lost', sha('aoa-lost-1'))];
    const parent = env.spec('aoa-rerender');
    env.script.children.set(parent.name, children);
    env.script.setHead(parent.source.repoURL, c1);
    env.script.fail('childApplications', {
      revision: c1,
      times: 1,
      error: () => new ManifestsMissing('Rendered manifests are not in this worker store (test)'),
    });
    await env.apply(parent);
    const s = await env.waitStatus(
      parent.name,
      'the first sync',
      (x) => x.history.length === 1 && !x.operation,
    );
    assert.equal(s.history[0]?.outcome, 'Succeeded', s.history[0]?.message);
    assert.deepEqual(env.script.rendered(parent.name), [c1, c1], 'the revision was rendered again');
    assert.equal(env.script.callsOf('childApplications', parent.name).length, 2);
    const description = await env.handle(children[0]?.name ?? '').describe();
    assert.equal(description.memo?.[CREATED_BY_MEMO], parent.name);
  });

  it('refuses a spec the control plane cannot validate: the parent fails and no child is registered', async () => {
    const c1 = sha('aoa-forged');
    const good = child('aoa-good', sha('aoa-good-1'));
    const forged = { ...child('aoa-forged-child', sha('aoa-forged-1')), hostNetwork: true } as AppSpec;
    const parent = env.spec('aoa-forged', (spec) => (spec.rollback.automatic = false));
    env.script.children.set(parent.name, [good, forged]);
    env.script.setHead(parent.source.repoURL, c1);
    await env.apply(parent);
    const s = await env.waitStatus(
      parent.name,
      'the first sync',
      (x) => x.history.length === 1 && !x.operation,
    );
    const entry = s.history[0];
    assert.equal(entry?.outcome, 'Failed');
    assert.match(
      entry?.message ?? '',
      new RegExp(
        `app ${parent.name} @ ${c1.slice(0, 7)}: the agent returned child app "${forged.name}" with an invalid spec \\(hostNetwork\\): unknown field`,
      ),
    );
    assert.match(entry?.message ?? '', /nothing was registered/);
    for (const name of [good.name, forged.name])
      await assert.rejects(
        env.client.workflow.getHandle(applicationWorkflowId(name)).describe(),
        WorkflowNotFoundError,
        `${name} was not registered`,
      );
    assert.equal(env.script.callsOf('applyStep', parent.name).length, 0, 'nothing was applied');
  });
});
