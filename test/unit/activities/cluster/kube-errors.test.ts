import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isRejection, KubeApiError, typedPatchProblems } from '../../../../activities/cluster/kube-errors.js';

const TYPED = 'failed to create typed patch object (shop/second; /v1, Kind=ConfigMap): .data.count: expected string, got &value.valueUnstructured{Value:3}';

describe('typedPatchProblems', () => {
  it('reads the field and the problem of a server-side apply schema error', () => {
    assert.deepEqual(typedPatchProblems(TYPED), [{ field: 'data.count', message: 'expected string, got 3' }]);
  });

  it('reads fields with list indexes', () => {
    const message = 'failed to create typed patch object (ns/api; apps/v1, Kind=Deployment): .spec.template.spec.containers[0].ports: expected list, got map';
    assert.deepEqual(typedPatchProblems(message), [{ field: 'spec.template.spec.containers[0].ports', message: 'expected list, got map' }]);
  });

  it('returns undefined for any other message', () => {
    assert.equal(typedPatchProblems('namespaces "x" not found'), undefined);
  });
});

describe('KubeApiError.fromResponse', () => {
  it('turns the HTTP 500 of a schema error into a rejection naming the field', () => {
    const err = KubeApiError.fromResponse(500, { reason: 'InternalError', message: TYPED }, 'PATCH /api/v1/namespaces/shop/configmaps/second');
    assert.equal(err.status, 422);
    assert.equal(err.reason, 'Invalid');
    assert.equal(err.message, 'data.count: expected string, got 3');
    assert.deepEqual(err.causes.map((c) => c.field), ['data.count']);
    assert.equal(isRejection(err), true);
  });

  it('keeps other server errors transient', () => {
    const err = KubeApiError.fromResponse(500, { reason: 'InternalError', message: 'etcdserver: request timed out' }, 'PATCH /x');
    assert.equal(err.status, 500);
    assert.equal(isRejection(err), false);
  });
});
