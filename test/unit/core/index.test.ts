/** Public-API example: one sync's decisions, using only the barrel. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffObjects, planSync, selectPrunable, stampTracking } from '../../../core/index.js';
import { refOf, refKey } from '../../../contract/object-ref.js';
import { kube } from './_objects.js';

test('cluster cores: plan, stamp, diff and prune one app', () => {
  const desired = [
    kube('apps/v1', 'Deployment', 'web', {}, { spec: { replicas: 2 } }),
    kube('v1', 'Service', 'web'),
  ];
  const plan = planSync(desired, { namespace: 'shop', createNamespace: 'shop' });
  const toApply = plan.phases
    .flatMap((p) => p.waves.flatMap((w) => w.objects))
    .map((o) => stampTracking('shop', o));
  assert.deepEqual(
    toApply.map((o) => o.kind),
    ['Namespace', 'Service', 'Deployment'],
  );

  const liveWeb = { ...toApply[2]!, spec: { replicas: 3 }, status: { readyReplicas: 3 } };
  assert.equal(diffObjects(toApply[2], liveWeb, []).action, 'update');

  const leftover = stampTracking('shop', kube('v1', 'ConfigMap', 'old', { namespace: 'shop' }));
  const selection = selectPrunable(
    'shop',
    [liveWeb, leftover],
    new Set(toApply.map((o) => refKey(refOf(o)))),
  );
  assert.deepEqual(
    selection.prune.map((o) => o.metadata.name),
    ['old'],
  );
});
