import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  isNamespaceNotFound,
  isRejection,
  KubeApiError,
  typedPatchProblems,
} from '../../../../activities/cluster/kube-errors.js';

const TYPED =
  'failed to create typed patch object (shop/second; /v1, Kind=ConfigMap): .data.count: expected string, got &value.valueUnstructured{Value:3}';

describe('typedPatchProblems', () => {
  it('reads the field and the problem of a server-side apply schema error', () => {
    assert.deepEqual(typedPatchProblems(TYPED), [{ field: 'data.count', message: 'expected string, got 3' }]);
  });

  it('reads fields with list indexes', () => {
    const message =
      'failed to create typed patch object (ns/api; apps/v1, Kind=Deployment): .spec.template.spec.containers[0].ports: expected list, got map';
    assert.deepEqual(typedPatchProblems(message), [
      { field: 'spec.template.spec.containers[0].ports', message: 'expected list, got map' },
    ]);
  });

  it('returns undefined for any other message', () => {
    assert.equal(typedPatchProblems('namespaces "x" not found'), undefined);
  });
});

describe('KubeApiError.fromResponse', () => {
  it('turns the HTTP 500 of a schema error into a rejection naming the field', () => {
    const err = KubeApiError.fromResponse(
      500,
      { reason: 'InternalError', message: TYPED },
      'PATCH /api/v1/namespaces/shop/configmaps/second',
    );
    assert.equal(err.status, 422);
    assert.equal(err.reason, 'Invalid');
    assert.equal(err.message, 'data.count: expected string, got 3');
    assert.deepEqual(
      err.causes.map((c) => c.field),
      ['data.count'],
    );
    assert.equal(isRejection(err), true);
  });

  it('masks the values a Secret request echoes, in the message and its causes', () => {
    const typed = KubeApiError.fromResponse(
      500,
      {
        message:
          'failed to create typed patch object (shop/db; /v1, Kind=Secret): .stringData.pin: expected string, got &value.valueUnstructured{Value:918273}',
      },
      'PATCH /api/v1/namespaces/shop/secrets/db',
    );
    assert.equal(typed.message, 'stringData.pin: expected string, got ***');
    const invalid = KubeApiError.fromResponse(
      422,
      {
        reason: 'Invalid',
        message: 'Secret "db" is invalid: stringData[token]: Invalid value: "s3cr3t-marker": too long',
        details: {
          causes: [{ field: 'stringData[token]', message: 'Invalid value: "s3cr3t-marker": too long' }],
        },
      },
      'PATCH /api/v1/namespaces/shop/secrets/db',
    );
    assert.equal(
      invalid.message,
      'Secret "db" is invalid: stringData[token]: Invalid value: "***": too long',
    );
    assert.deepEqual(invalid.causes, [
      { field: 'stringData[token]', message: 'Invalid value: "***": too long' },
    ]);
    assert.ok(!JSON.stringify(invalid).includes('s3cr3t-marker'));
  });

  it('keeps other server errors transient', () => {
    const err = KubeApiError.fromResponse(
      500,
      { reason: 'InternalError', message: 'etcdserver: request timed out' },
      'PATCH /x',
    );
    assert.equal(err.status, 500);
    assert.equal(isRejection(err), false);
  });
});

describe('isNamespaceNotFound', () => {
  const missing = KubeApiError.fromResponse(
    404,
    { reason: 'NotFound', message: 'namespaces "shop" not found' },
    'PATCH /api/v1/namespaces/shop/configmaps/a',
  );

  it('recognises a missing namespace, any or the one named', () => {
    assert.equal(isNamespaceNotFound(missing), true);
    assert.equal(isNamespaceNotFound(missing, 'shop'), true);
    assert.equal(isNamespaceNotFound(new KubeApiError(404, 'NotFound', 'namespace "shop" not found')), true);
  });

  it('is false for another namespace', () => {
    assert.equal(isNamespaceNotFound(missing, 'other'), false);
    assert.equal(isNamespaceNotFound(missing, 'sho'), false);
    assert.equal(isNamespaceNotFound(missing, 's.op'), false, 'the name is not a pattern');
  });

  it('is false for a missing object in an existing namespace, another status or another error', () => {
    assert.equal(
      isNamespaceNotFound(new KubeApiError(404, 'NotFound', 'configmaps "shop" not found'), 'shop'),
      false,
    );
    assert.equal(
      isNamespaceNotFound(
        new KubeApiError(404, 'NotFound', 'the server could not find the requested resource'),
      ),
      false,
    );
    assert.equal(
      isNamespaceNotFound(new KubeApiError(403, 'Forbidden', 'namespaces "shop" not found')),
      false,
    );
    assert.equal(isNamespaceNotFound(new Error('namespaces "shop" not found')), false);
    assert.equal(isNamespaceNotFound(undefined), false);
  });
});

describe('isRejection', () => {
  it('tells the desired state being wrong from a failure worth retrying (anything else)', () => {
    for (const status of [400, 403, 404, 405, 415, 422]) {
      assert.equal(isRejection(new KubeApiError(status, 'x', 'm')), true, String(status));
    }
    for (const status of [0, 409, 429, 500, 503]) {
      assert.equal(isRejection(new KubeApiError(status, 'x', 'm')), false, String(status));
    }
    assert.equal(isRejection(new Error('socket hang up')), false);
  });
});
