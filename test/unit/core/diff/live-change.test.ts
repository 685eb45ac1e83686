import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { contentFingerprint, managerEntries, writtenOnlyBy } from '../../../../core/diff/live-change.js';
import type { KubeObject } from '../../../../contract/kube-object.js';

function deployment(change: {
  image?: string;
  status?: unknown;
  managers?: unknown[];
  meta?: Record<string, unknown>;
}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'shop',
      labels: { 'mooring.dev/app': 'shop' },
      managedFields: change.managers ?? [],
      ...change.meta,
    },
    spec: { template: { spec: { containers: [{ name: 'web', image: change.image ?? 'web:1' }] } } },
    status: change.status ?? { readyReplicas: 1 },
  };
}

const entry = (manager: string, time: string, subresource?: string) => ({
  manager,
  operation: manager === 'mooring' ? 'Apply' : 'Update',
  time,
  fieldsV1: { 'f:spec': {} },
  ...(subresource && { subresource }),
});

describe('live change', () => {
  it('ignores status and server bookkeeping, sees spec and label changes', () => {
    const base = contentFingerprint(deployment({}));
    assert.equal(
      contentFingerprint(
        deployment({
          status: { readyReplicas: 0 },
          meta: {
            resourceVersion: '99',
            generation: 7,
            annotations: { 'deployment.kubernetes.io/revision': '3' },
          },
        }),
      ),
      contentFingerprint(deployment({ meta: { annotations: {} } })),
    );
    assert.notEqual(contentFingerprint(deployment({ image: 'web:2' })), base);
    assert.notEqual(
      contentFingerprint(deployment({ meta: { labels: { 'mooring.dev/app': 'shop', x: 'y' } } })),
      base,
    );
  });

  it("recognises Mooring's own writes and status updates, and anyone else's edit", () => {
    const before = managerEntries(deployment({ managers: [entry('mooring', 't1')] }));
    const ownApply = managerEntries(
      deployment({ managers: [entry('mooring', 't2'), entry('kube-controller-manager', 't2', 'status')] }),
    );
    assert.equal(writtenOnlyBy(before, ownApply, ['mooring']), true);
    const handEdit = managerEntries(
      deployment({ managers: [entry('mooring', 't1'), entry('kubectl-edit', 't2')] }),
    );
    assert.equal(writtenOnlyBy(before, handEdit, ['mooring']), false);
    // Both wrote: someone else's part makes it a candidate.
    const both = managerEntries(
      deployment({ managers: [entry('mooring', 't2'), entry('kubectl-edit', 't2')] }),
    );
    assert.equal(writtenOnlyBy(before, both, ['mooring']), false);
    // Nothing changed that can be attributed: not provably ours.
    assert.equal(writtenOnlyBy(before, before, ['mooring']), false);
  });

  it('tells entries apart by their fields as well as their time, and keeps a digest, not the fields', () => {
    const fields = (key: string) => ({ ...entry('kubectl-edit', 't1'), fieldsV1: { [`f:${key}`]: {} } });
    const before = managerEntries(deployment({ managers: [fields('replicas'.repeat(100))] }));
    const after = managerEntries(deployment({ managers: [fields('paused')] }));
    assert.equal(writtenOnlyBy(before, after, ['mooring']), false, 'a change of fields alone is seen');
    assert.equal(writtenOnlyBy(before, after, ['kubectl-edit']), true);
    for (const digest of [...before.values(), ...after.values()]) assert.ok(digest.length <= 64, digest);
  });
});
